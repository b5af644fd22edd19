"""`fasrgan train` on tiny DIV2K and photo folders (in-process); seeds make runs repeatable."""

import json
import os

import numpy as np

from keras_fasrgan.cli import main
from keras_fasrgan.data import write_sample_folder
from keras_fasrgan.training import load_config
from keras_fasrgan.utils import write_image


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


def _photo_folder(root, sizes):
    root.mkdir()
    rng = np.random.default_rng(0)
    for i, (h, w) in enumerate(sizes):
        write_image(root / f"photo {i}.png", rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
    return root


def test_cli_train_errors_on_photo_folders_name_files_and_flags(tmp_path, capsys):
    common = ["train", "--config", "psnr_x4", "--tiny", "--quiet", "-o", str(tmp_path / "run")]
    small = _photo_folder(tmp_path / "small", [(20, 30)])
    assert main(common + ["--data", str(small), "--cache-dir", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err
    assert "no usable image" in err and "photo 0.png (20x30)" in err and "--patch-size" in err
    photos = _photo_folder(tmp_path / "photos", [(40, 40)])
    not_a_folder = tmp_path / "cache_file"
    not_a_folder.write_text("")
    assert main(common + ["--data", str(photos), "--cache-dir", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    assert "--cache-dir" in err and "cache_dir=" not in err.split("--cache-dir")[0]


def test_the_same_config_twice_gives_the_same_weights(tmp_path):
    from resume_script import data_fn

    from keras_fasrgan.training import train
    from keras_fasrgan.training import tiny_overrides

    def run(name, seed):
        overrides = dict(tiny_overrides(load_config("psnr_x4")), seed=seed, checkpoint_every=2,
                         validate_every=100)
        result = train("psnr_x4", data_fn, tmp_path / name, steps=2, overrides=overrides,
                       jit_compile=False, tensorboard=False, verbose=0)
        return result["trainer"].get_weights()

    first, again, other = run("a", 5), run("b", 5), run("c", 6)
    assert all(np.array_equal(x, y) for x, y in zip(first, again))
    assert not all(np.array_equal(x, y) for x, y in zip(first, other))
