"""One worker of test_multi_worker.py: MultiWorkerMirroredStrategy from TF_CONFIG.

`python worker_script.py OUT.json` trains a tiny SRModel for 3 steps on a synthetic global
batch of 4 and writes its final weights (as lists) and last loss to OUT.json.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

strategy = tf.distribute.MultiWorkerMirroredStrategy()

import keras  # noqa: E402

from keras_fasrgan.models import RRDBNet  # noqa: E402
from keras_fasrgan.trainers import SRModel  # noqa: E402


def main():
    keras.config.disable_traceback_filtering()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    hr = rng.random((12, 32, 32, 3), dtype=np.float32)
    lr = hr.reshape(12, 8, 4, 8, 4, 3).mean(axis=(2, 4))
    ds = tf.data.Dataset.from_tensor_slices((lr, hr)).batch(4, drop_remainder=True)
    with strategy.scope():
        model = SRModel(RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4))
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
    # Keras 3.15's fit() does not run under MultiWorkerMirroredStrategy: it first reduces a
    # distributed batch eagerly (`_maybe_symbolic_build`: "Attempt to convert a value
    # (PerReplica...)"), then reduces scalar logs with axis=0 (`reduce_per_replica`:
    # "Invalid reduction dimension 0"). The trainer's own train_step is what matters, so it
    # runs here in a plain distributed loop.
    dist = strategy.experimental_distribute_dataset(ds)

    @tf.function
    def step(batch):
        logs = strategy.run(model.train_step, args=(batch,))
        return strategy.reduce("MEAN", logs["loss"], axis=None)

    losses = [float(step(batch)) for batch in dist]
    history = {"loss": losses}
    weights = model.generator.get_weights()
    with open(sys.argv[1], "w") as f:
        json.dump({
            "loss": history["loss"][-1],
            "iteration": int(model.iteration.numpy()),
            "replicas": strategy.num_replicas_in_sync,
            "weights": [w.tolist() for w in weights],
        }, f)


if __name__ == "__main__":
    main()
