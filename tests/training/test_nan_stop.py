"""A NaN in the data stops training, names the bad terms, and keeps the last good checkpoint."""

import importlib.util
import pathlib

import keras
import numpy as np

HERE = pathlib.Path(__file__).parent


def _script():
    spec = importlib.util.spec_from_file_location("resume_script", HERE / "resume_script.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Snapshots(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.before = []

    def on_train_batch_begin(self, batch, logs=None):
        self.before.append([np.array(w) for w in self.model.get_weights()])


def test_nan_batch_stops_and_keeps_last_good_checkpoint(tmp_path, capsys):
    from keras_fasrgan.training import build_trainer
    from keras_fasrgan.training import load_config
    from keras_fasrgan.training import read_backup_metadata
    from keras_fasrgan.training import train

    script = _script()
    snaps = _Snapshots()
    keras.utils.set_random_seed(0)
    result = train(
        "psnr_x4", lambda start: script.data_fn(start, nan_at=2), tmp_path, steps=4,
        overrides=script.OVERRIDES, jit_compile=False, tensorboard=False, callbacks=[snaps],
        verbose=0,
    )
    assert result["status"] == "nan"
    assert "iteration 3" in result["message"] and "loss=nan" in result["message"]
    assert "StopOnNaN" in capsys.readouterr().err
    assert len(snaps.before) == 3  # stopped right after the bad step
    assert result["generator"] is None and not (tmp_path / "generator.keras").exists()

    meta = read_backup_metadata(tmp_path / "backup")
    assert meta["iteration"] == 2
    restored = build_trainer(load_config("psnr_x4", script.OVERRIDES), jit_compile=False)
    restored.load_weights(tmp_path / "backup" / "latest.weights.h5")
    saved = restored.get_weights()
    assert all(np.isfinite(w).all() for w in saved)
    for a, b in zip(saved, snaps.before[2]):  # the weights just before the NaN step
        np.testing.assert_array_equal(a, b)
    assert not all(np.isfinite(w).all() for w in result["trainer"].get_weights())


def test_stop_on_nan_names_gan_terms():
    from keras_fasrgan.training import StopOnNaN

    class _Model:
        stop_training = False

    stop = StopOnNaN()
    stop.set_model(_Model())
    stop.on_train_begin()
    stop.on_epoch_begin(0)
    stop.on_train_batch_end(0, {"g_loss": 0.5, "pixel": 0.1, "d_loss": 0.7})
    assert stop.stopped_step is None and not stop.model.stop_training
    stop.on_train_batch_end(1, {"g_loss": float("inf"), "pixel": 0.1, "attention": float("nan")})
    assert stop.model.stop_training and stop.stopped_step == 2
    assert stop.terms == ["g_loss", "attention"]
    assert "g_loss=inf" in stop.message and "attention=nan" in stop.message
