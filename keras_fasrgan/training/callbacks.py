"""Callbacks for long training runs: NaN stop, safe exact-resume backups, sample images.

- `StopOnNaN`: stops `fit` at the first step whose logs hold a non-finite value and says
  which loss terms went bad, at which iteration.
- `TrainingBackup`: `keras.callbacks.BackupAndRestore` that writes atomically, never writes a
  checkpoint whose logs or weights are non-finite, and keeps the last good one when training
  stopped on NaN. Keras restores at epoch granularity only, so `train()` uses one Keras
  "epoch" per checkpoint interval: a restart resumes exactly where the last checkpoint was.
- `SampleImages`: writes `samples/step_XXXXXXX.png` (LR | bicubic | SR | HR figure) at each
  validation.

Examples:
    >>> callbacks = [StopOnNaN(), TrainingBackup("run/backup")]
    >>> trainer.fit(data, steps_per_epoch=1000, epochs=500, callbacks=callbacks)
"""

import json
import math
import os
import sys

import keras
import numpy as np


def _nonfinite_terms(logs):
    bad = []
    for key, value in (logs or {}).items():
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if arr.size and not np.all(np.isfinite(arr)):
            bad.append((key, float(arr.reshape(-1)[0])))
    return bad


def _global_step(model, fallback):
    it = getattr(model, "iteration", None)
    if it is not None:
        try:
            return int(keras.ops.convert_to_numpy(it))
        except Exception:  # noqa: BLE001 - a counter we cannot read: use our own count
            pass
    return fallback


class StopOnNaN(keras.callbacks.Callback):
    """Stops training when any logged value (loss term, score) becomes NaN or infinite.

    Unlike `keras.callbacks.TerminateOnNaN`, which watches only `loss`, every entry of the
    logs is checked, so the GAN terms (`g_loss`, `pixel`, `perceptual`, `adversarial`, `map`,
    `attention`, `d_loss`, ...) are covered, and the message names them and the iteration.
    After a stop, `stopped_step` (1-based iteration) and `terms` (names) are set and
    `message` holds the text printed to stderr; `TrainingBackup` keeps its last good
    checkpoint. With `raise_error=True` a `FloatingPointError` is raised instead (after
    `on_train_end`, from `train()`).

    Examples:
        >>> stop = StopOnNaN()
        >>> trainer.fit(data, epochs=1, steps_per_epoch=100, callbacks=[stop])
        >>> if stop.stopped_step: print(stop.message)
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error
        self.stopped_step = None
        self.terms = []
        self.message = None
        self._epoch = 0
        self._steps_done = 0

    def on_train_begin(self, logs=None):
        self.stopped_step = None
        self.terms = []
        self.message = None
        self._steps_done = _global_step(self.model, 0)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self._steps_done += 1
        bad = _nonfinite_terms(logs)
        if not bad:
            return
        step = _global_step(self.model, self._steps_done)
        self.stopped_step = step
        self.terms = [k for k, _ in bad]
        values = ", ".join(f"{k}={v}" for k, v in bad)
        self.message = (
            f"non-finite loss at iteration {step} (epoch {self._epoch + 1}, batch {batch + 1}): "
            f"{values}; training stopped, the last checkpoint written before it is kept"
        )
        print(f"\nStopOnNaN: {self.message}", file=sys.stderr, flush=True)
        self.model.stop_training = True
        self.model._keras_fasrgan_nan_stop = True


def _weights_finite(model):
    for w in model.weights:
        if not np.all(np.isfinite(keras.ops.convert_to_numpy(w))):
            return False
    return True


class TrainingBackup(keras.callbacks.BackupAndRestore):
    """`BackupAndRestore` that is safe to kill and never saves a broken state.

    - Writes `latest.weights.h5` (model weights, both optimizers' slots, EMA weights and the
      iteration counter: everything the trainer tracks) and `training_metadata.json` through
      temporary files renamed into place, so a kill while saving leaves the previous
      checkpoint intact.
    - Skips a save when the logs hold a non-finite value, or (with `check_weights`) when
      any weight is non-finite.
    - Keeps the checkpoint at the end of training when `StopOnNaN` stopped it, whatever
      `delete_checkpoint` says.
    - The metadata also records `steps_per_epoch` and the trainer's iteration, which
      `train()` uses to resume the data stream at the right step.
    - With `write=False` (the workers of a multi-machine run other than the chief) it only
      restores: every worker loads the chief's checkpoint, only the chief writes.

    Use `save_freq="epoch"` (the default) with `steps_per_epoch` = the checkpoint interval:
    Keras' restore resumes at the start of the saved epoch, so a checkpoint taken in the
    middle of an epoch would replay steps after a restart.

    Examples:
        >>> backup = TrainingBackup("run/backup", delete_checkpoint=False)
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        delete_checkpoint=False,
        check_weights=True,
        steps_per_epoch=None,
        write=True,
    ):
        super().__init__(backup_dir, save_freq=save_freq, delete_checkpoint=delete_checkpoint)
        self.check_weights = check_weights
        self.steps_per_epoch = steps_per_epoch
        self.write = bool(write)
        self.skipped_saves = 0
        self._last_logs = None

    def on_train_begin(self, logs=None):
        self.model._keras_fasrgan_nan_stop = False
        super().on_train_begin(logs)

    def on_train_batch_end(self, batch, logs=None):
        self._last_logs = logs
        super().on_train_batch_end(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._last_logs = logs
        super().on_epoch_end(epoch, logs)

    def _save_model(self):
        if not self.write:
            return
        if getattr(self.model, "_keras_fasrgan_nan_stop", False) or _nonfinite_terms(
            self._last_logs
        ):
            self.skipped_saves += 1
            return
        if self.check_weights and not _weights_finite(self.model):
            self.skipped_saves += 1
            return
        from keras_fasrgan.training.distribute import process_local
        from keras_fasrgan.utils import atomic_write

        os.makedirs(self.backup_dir, exist_ok=True)
        with process_local(), atomic_write(self._weights_path, suffix=".weights.h5") as tmp:
            self.model.save_weights(tmp, overwrite=True)
        metadata = {
            "epoch": self._current_epoch,
            "batch": self._last_batch_seen,
            "iteration": _global_step(self.model, None),
            "steps_per_epoch": self.steps_per_epoch,
        }
        with atomic_write(self._training_metadata_path) as tmp:
            with open(tmp, "w") as f:
                json.dump(metadata, f)

    def on_train_end(self, logs=None):
        if getattr(self.model, "_keras_fasrgan_nan_stop", False) or not self.write:
            return
        super().on_train_end(logs)


class SampleImages(keras.callbacks.Callback):
    """Writes an SR sample figure at the end of every `every`-th epoch (each validation).

    `lr` and `hr` are one LR / HR pair (HWC floats in [0, 1] or uint8); the figure is
    LR | bicubic | SR | HR with PSNR/SSIM in the titles (`keras_fasrgan.visualize`), named
    after the trainer's iteration: `directory/step_0001000.png`.

    Examples:
        >>> SampleImages("run/samples", lr, hr, every=5)
    """

    def __init__(self, directory, lr, hr, every=1):
        super().__init__()
        self.directory = os.fspath(directory)
        self.lr = np.asarray(lr)
        self.hr = np.asarray(hr)
        self.every = int(every)
        self.written = []
        self._steps_done = 0

    def on_train_begin(self, logs=None):
        self._steps_done = _global_step(self.model, 0)

    def on_train_batch_end(self, batch, logs=None):
        self._steps_done += 1

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if getattr(self.model, "_keras_fasrgan_nan_stop", False):
            return
        from keras_fasrgan.data import imresize
        from keras_fasrgan.utils import to_float
        from keras_fasrgan.visualize import comparison_figure

        lr = to_float(self.lr)
        hr = to_float(self.hr)
        sr = np.clip(self._super_resolve(lr[None].astype("float32"))[0], 0.0, 1.0)
        scale = hr.shape[0] // lr.shape[0]
        bicubic = np.clip(imresize(lr, scale), 0.0, 1.0)
        step = _global_step(self.model, self._steps_done)
        path = os.path.join(self.directory, f"step_{step:07d}.png")
        comparison_figure(lr, sr, hr, bicubic=bicubic, path=path)
        self.written.append(path)

    def _super_resolve(self, lr):
        """SR of one batch, computed by this process alone (no collective operations)."""
        from keras_fasrgan.training.distribute import process_local
        from keras_fasrgan.training.distribute import spans_processes

        with process_local():
            model = self.model
            if spans_processes() and hasattr(model, "export_sr_model"):
                # JAX across processes: the live weights are global arrays; a local copy.
                model = model.export_sr_model()
            return np.asarray(keras.ops.convert_to_numpy(model(lr, training=False)))


def finite_or_none(value):
    """`float(value)` when finite, else None (for JSON summaries)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
