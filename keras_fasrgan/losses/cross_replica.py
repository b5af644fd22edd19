"""`batch_mean`: the relativistic losses' batch mean E_b C(.), over the global batch on every backend.

The relativistic average GAN losses compare each image's score with the mean score of the
other class over the batch. The authors trained with PyTorch's `nn.DataParallel`: each GPU
computed its BatchNorm statistics on its share of the batch, but the loss, and so E_b C(.),
covered the whole global batch. `batch_mean` gives that mean here:

- one device, and JAX under `keras.distribution.DataParallel` (the batch is one global
  sharded array, so `ops.mean` already spans every device): `ops.mean(x)`;
- a `tf.distribute` replica (`MirroredStrategy`, `MultiWorkerMirroredStrategy`): the
  replica's sum and count, all-reduced across replicas. TensorFlow differentiates the
  all-reduce as an all-reduce of the upstream gradients, so each replica's scores receive
  the gradient of the global-batch loss.

Every other term of the losses is a plain mean of per-element values, and the mean of the
replicas' means is already the global mean (the trainers scale each replica's loss by
1 / replicas before the gradients are summed).

Examples:
    >>> from keras import ops
    >>> float(batch_mean(ops.convert_to_tensor([[1.0], [3.0]])))
    2.0
"""

import keras
from keras import ops


def _replica_context():
    """The `tf.distribute` replica context when more than one replica runs this code."""
    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def batch_mean(x):
    """Mean of `x` over the global batch (all replicas under `tf.distribute`), as a scalar.

    Examples:
        >>> from keras import ops
        >>> float(batch_mean(ops.ones((4, 1))))
        1.0
    """
    x = ops.convert_to_tensor(x)
    context = _replica_context()
    if context is None:
        return ops.mean(x)
    total = ops.sum(x)
    count = ops.cast(ops.size(x), x.dtype)
    total, count = context.all_reduce("sum", [total, ops.stop_gradient(count)])
    return total / count
