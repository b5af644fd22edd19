"""`strategy_loop`: `train()`'s loop under `tf.distribute.MultiWorkerMirroredStrategy`.

Keras 3.15's `Model.fit` fails under that strategy: it first reduces a distributed batch
eagerly to build the model, then reduces the scalar logs along axis 0 ("Invalid reduction
dimension 0"). The trainers' own `train_step` runs there, so this loop drives it as `fit`
would: one `tf.function` runs `train_step` on every replica (`strategy.run`) and averages
the logs over the replicas (each is its replica's batch mean, so the average is the
global-batch mean), and the same Keras callbacks are called at the same moments (progress
bar, CSV/TensorBoard logs, `StopOnNaN`, `TrainingBackup`, `SampleImages`), over epochs of
`plan.steps_per_epoch` iterations.

Every worker must take the same decisions, or the others would wait forever at the next
all-reduce: the logs each worker sees are the all-reduced ones, validation runs on every
worker (outside the strategy: the model's forward pass needs no collective, and the
workers would otherwise wait for the chief), and the epoch the run resumes at is compared
across workers before the first step.

Examples:
    >>> history = strategy_loop(trainer, train_ds, val_ds, plan, callbacks)   # as fit_loop
"""

import keras
from keras import ops


def _check_same_start(strategy, epoch):
    """Raises ValueError on every worker when the workers resume from different epochs."""
    import tensorflow as tf

    @tf.function
    def moments():
        local = tf.constant([epoch, epoch * epoch], tf.float64)
        return strategy.reduce("MEAN", strategy.run(lambda: local), axis=None)

    mean, mean_square = (float(x) for x in moments())
    if mean_square != mean * mean:  # the all-reduced values: the same on every worker
        raise ValueError(
            f"the workers resume from different checkpoints (epoch {epoch} here, {mean:g} on "
            "average): every worker must see the chief's output folder (a shared file "
            "system), or none may hold a checkpoint"
        )


def validate(trainer, dataset):
    """`{"val_psnr", "val_ssim"}` of `trainer` on `dataset`, computed by this process alone.

    Examples:
        >>> validate(trainer, val_ds)  # {"val_psnr": 27.1, "val_ssim": 0.78}
    """
    import tensorflow as tf

    from keras_fasrgan.metrics import PSNRMetric
    from keras_fasrgan.metrics import SSIMMetric

    psnr = PSNRMetric(crop_border=trainer.crop_border)
    ssim = SSIMMetric(crop_border=trainer.crop_border)

    @tf.function(reduce_retracing=True)
    def super_resolve(lr):
        return ops.clip(trainer(lr, training=False), 0.0, 1.0)

    for batch in dataset:
        lr, hr = trainer._unpack(batch)
        sr = super_resolve(lr)
        psnr.update_state(hr, sr)
        ssim.update_state(hr, sr)
    return {"val_psnr": float(psnr.result()), "val_ssim": float(ssim.result())}


def strategy_loop(trainer, train_ds, val_ds, plan, callbacks, verbose=1):
    """Runs `plan.epochs` epochs of `trainer.train_step` under `plan.strategy`; the history.

    Args:
        trainer: a compiled trainer, built in the strategy's scope.
        train_ds: `(lr, hr)` batches of the global batch size (split over all replicas).
        val_ds: validation batches or None; PSNR/SSIM every `plan.validation_freq` epochs.
        plan: the `RunPlan` (`steps_per_epoch`, `epochs`, `validation_freq`, `strategy`).
        callbacks: Keras callbacks, called as `fit` calls them.
        verbose: 1 for the progress bar.

    Returns:
        The `History` dict, as `fit_loop` returns it.
    """
    import tensorflow as tf

    strategy = plan.strategy
    cbs = keras.callbacks.CallbackList(
        callbacks, add_history=True, add_progbar=verbose != 0, verbose=verbose,
        epochs=plan.epochs, steps=plan.steps_per_epoch, model=trainer,
    )
    batches = iter(strategy.experimental_distribute_dataset(train_ds))

    @tf.function
    def train_step(iterator):
        logs = strategy.run(trainer.train_step, args=(next(iterator),))
        return {k: strategy.reduce("MEAN", v, axis=None) for k, v in logs.items()}

    trainer.stop_training = False
    cbs.on_train_begin()
    start = int(getattr(trainer, "_initial_epoch", None) or 0)  # set by TrainingBackup
    _check_same_start(strategy, start)
    epoch_logs = {}
    for epoch in range(start, plan.epochs):
        trainer.reset_metrics()
        cbs.on_epoch_begin(epoch)
        logs = {}
        for batch in range(plan.steps_per_epoch):
            cbs.on_train_batch_begin(batch)
            logs = {k: float(v) for k, v in train_step(batches).items()}
            cbs.on_train_batch_end(batch, logs)
            if trainer.stop_training:
                break
        epoch_logs = dict(logs)
        if val_ds is not None and not trainer.stop_training and (epoch + 1) % plan.validation_freq == 0:
            epoch_logs.update(validate(trainer, val_ds))
        cbs.on_epoch_end(epoch, epoch_logs)
        if trainer.stop_training:
            break
    cbs.on_train_end(epoch_logs)
    return trainer.history.history
