"""Helper of test_resume_after_kill.py: a tiny ESRGAN run that can SIGKILL itself.

`python resume_script.py OUTPUT KILL_AT_EPOCH` trains with `train()` and kills its own process
at the start of epoch KILL_AT_EPOCH (after that many checkpoints were written). `data_fn` is a
deterministic function of the iteration, so a resumed run sees the same batches.
"""

import os
import signal
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

STEPS = 4
OVERRIDES = {
    "generator.num_blocks": 1,
    "generator.filters": 8,
    "generator.growth_channels": 4,
    "batch_size": 2,
    "patch_size": 32,
    "vgg_weights": None,
    "checkpoint_every": 1,
    "validate_every": 1000,
}


def data_fn(start_step, nan_at=None):
    import tensorflow as tf

    def make(i):
        hr = tf.random.stateless_uniform((2, 32, 32, 3), seed=tf.stack([i, i * 7 + 1]))
        if nan_at is not None:
            hr = tf.where(tf.equal(i, nan_at), hr * float("nan"), hr)
        lr = tf.nn.avg_pool2d(hr, 4, 4, "VALID")
        return lr, hr

    return tf.data.Dataset.range(start_step, start_step + 1000).map(make)


def run(output, resume=False, callbacks=None, config="esrgan_x4"):
    import keras

    from keras_fasrgan.training import train

    keras.utils.set_random_seed(0)
    return train(config, data_fn, output, steps=STEPS, overrides=OVERRIDES, resume=resume,
                 jit_compile=False, tensorboard=False, callbacks=callbacks, verbose=0)


if __name__ == "__main__":
    import keras

    class Kill(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == int(sys.argv[2]):
                os.kill(os.getpid(), signal.SIGKILL)

    run(sys.argv[1], callbacks=[Kill()])
    sys.exit(3)  # not reached when the kill happens
