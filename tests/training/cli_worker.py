"""One process of the multi-process tests: `fasrgan train ARGS...`, with two test hooks.

- `FASRGAN_TEST_KILL_AT_EPOCH=K`: the process SIGKILLs itself when epoch K begins (after
  the checkpoints of K epochs);
- `FASRGAN_TEST_WEIGHTS=PATH`: at the end every process, chief or not, writes its trainer's
  weights to PATH (`.npz`: `arr_0`, `arr_1`, ... in `trainer.weights` order, with their
  `paths` and `trainable` flags), so that the test can compare the workers.
"""

import os
import signal
import sys

import keras_fasrgan_cli


def _install_hooks():
    from keras_fasrgan.training import run

    run_callbacks, save_results = run.run_callbacks, run.save_results
    kill_at = os.environ.get("FASRGAN_TEST_KILL_AT_EPOCH")
    weights_path = os.environ.get("FASRGAN_TEST_WEIGHTS")

    def callbacks_with_kill(*args, **kwargs):
        stop, callbacks = run_callbacks(*args, **kwargs)
        if kill_at is not None:
            import keras

            class Kill(keras.callbacks.Callback):
                def on_epoch_begin(self, epoch, logs=None):
                    if epoch == int(kill_at):
                        os.kill(os.getpid(), signal.SIGKILL)

            callbacks.append(Kill())
        return stop, callbacks

    def save_and_dump(trainer, *args, **kwargs):
        result = save_results(trainer, *args, **kwargs)
        if weights_path:
            import numpy as np

            weights = trainer.weights
            np.savez(
                weights_path,
                *[np.asarray(w) for w in trainer.get_weights()],
                paths=np.array([w.path for w in weights]),
                trainable=np.array([w.trainable for w in weights]),
            )
        return result

    run.run_callbacks, run.save_results = callbacks_with_kill, save_and_dump


if __name__ == "__main__":
    keras_fasrgan_cli.DEFER_REGISTRATION = True  # as the console script does
    _install_hooks()
    sys.exit(keras_fasrgan_cli.main(sys.argv[1:]))
