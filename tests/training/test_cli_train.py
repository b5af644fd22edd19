"""`fasrgan train` end to end on a tiny DIV2K folder (in-process)."""

import json
import os

import numpy as np

from keras_fasrgan.cli import main
from keras_fasrgan.data import write_sample_folder


def test_cli_train_writes_outputs_and_resumes(tmp_path, capsys):
    data = tmp_path / "div2k"
    write_sample_folder(data, names=["chelsea", "rocket"], split="train")
    write_sample_folder(data, names=["astronaut"], split="valid")
    out = tmp_path / "run"
    common = [
        "train", "--config", "psnr_x4", "--data", str(data), "--val-data", str(data),
        "--val-patch-size", "32", "--val-images", "1", "--output", str(out), "--tiny",
        "--cache-dir", str(tmp_path / "cache"), "--jit-compile", "off", "--quiet",
    ]
    assert main(common + ["--steps", "2"]) == 0
    for name in ("generator.keras", "config.json", "summary.json", "logs/metrics.csv",
                 "backup/latest.weights.h5", "samples/step_0000001.png",
                 "samples/step_0000002.png"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "done" and summary["iteration"] == 2
    assert all(np.isfinite(summary["history"]["val_psnr"]))
    assert json.loads((out / "config.json").read_text())["generator"]["num_blocks"] == 1
    # The user's data folder is untouched (the LR cache went to --cache-dir).
    assert sorted(os.listdir(data)) == ["DIV2K_train_HR", "DIV2K_valid_HR"]

    # Re-running into the same folder without --resume is a one-line user error.
    capsys.readouterr()
    assert main(common + ["--steps", "3"]) == 2
    assert "--resume" in capsys.readouterr().err

    # --resume continues from the checkpoint: one more iteration, not three.
    assert main(common + ["--steps", "3", "--resume"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["iteration"] == 3

    import keras

    model = keras.saving.load_model(out / "generator.keras", compile=False)
    sr = model.predict(np.zeros((1, 8, 8, 3), "float32"), verbose=0)
    assert sr.shape == (1, 32, 32, 3)


def test_cli_train_rejects_bad_arguments(tmp_path, capsys):
    assert main(["train", "--config", "psnr_x4", "--data", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["train", "--config", "nope_x4", "--data", str(tmp_path)]) == 2
    assert "unknown config" in capsys.readouterr().err
    assert main(["train", "--config", "psnr_x4", "--data", str(tmp_path), "--set", "bogus=1"]) == 2
    assert "unknown config field" in capsys.readouterr().err
