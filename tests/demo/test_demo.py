"""The main job (`fasrgan demo`): presets, metrics, colour bound, the demo's GAN recipe."""

import json

import keras
import numpy as np
import pytest

from keras_fasrgan.cli import main
from keras_fasrgan.data import SAMPLE_HELDOUT
from keras_fasrgan.data import SAMPLE_KINDS
from keras_fasrgan.data import SAMPLE_TRAIN
from keras_fasrgan.data import sample_pairs
from keras_fasrgan.demo import colour_shift
from keras_fasrgan.demo import evaluate_generators
from keras_fasrgan.demo import metrics_table
from keras_fasrgan.demo import run_demo
from keras_fasrgan.demo import summary
from keras_fasrgan.presets import available_presets
from keras_fasrgan.presets import load_preset
from keras_fasrgan.presets import preset_info
from keras_fasrgan.utils import read_image

# Per-channel mean of SR within this many 8-bit levels of HR, on every held-out photo.
COLOUR_BOUND = 2.0


def test_demo_preset_beats_bicubic_on_heldout_photos():
    """The shipped demo_x4 weights must clearly beat MATLAB bicubic on photos never trained on."""
    info = preset_info("demo_x4")
    assert not set(info["training"]["heldout"]) & set(info["training"]["images"])
    heldout = sample_pairs(info["training"]["heldout"])
    metrics, _ = evaluate_generators({"demo_x4": load_preset("demo_x4")}, heldout)
    for name, row in metrics["images"].items():
        assert row["demo_x4"]["psnr"] > row["bicubic"]["psnr"] + 0.3, (name, row)
    assert metrics["mean"]["demo_x4"]["psnr"] > metrics["mean"]["bicubic"]["psnr"] + 0.5


def test_gan_preset_is_more_natural_than_demo_x4_and_keeps_colours():
    """The shipped GAN stage, as its own log measured it on every held-out photo."""
    info = preset_info("demo_fasrgan_x4")
    training = info["training"]
    assert training["start"] == "demo_x4" and training["trainer"] == "FASRGAN"
    assert set(training["heldout"]) == set(SAMPLE_HELDOUT)
    assert not set(training["heldout"]) & (set(training["images"]) | set(SAMPLE_TRAIN))
    assert not set(SAMPLE_HELDOUT) & set(preset_info("demo_x4")["training"]["images"])
    start, final = info["log"][0], info["final"]
    assert start["step"] == 0 and final["step"] == training["steps"]
    assert final["mean"]["niqe"] < start["mean"]["niqe"]  # start = demo_x4
    assert all(row["colour"] <= COLOUR_BOUND for row in final["heldout"].values())
    # The shipped weights are the logged model: recompute two photos.
    pairs = sample_pairs(["coffee", "moon"])
    metrics, _ = evaluate_generators({"gan": load_preset("demo_fasrgan_x4")}, pairs)
    for name in pairs:
        for key in ("psnr", "niqe", "colour"):
            assert metrics["images"][name]["gan"][key] == pytest.approx(
                final["heldout"][name][key], abs=0.02), (name, key)


def test_presets_listing_and_unknown_name():
    assert {"demo_x4", "demo_fasrgan_x4"} <= set(available_presets())
    with pytest.raises(ValueError, match="demo_x4"):
        load_preset("no_such_preset")


def test_colour_shift():
    hr = np.full((8, 8, 3), 100, np.uint8)
    sr = hr.copy()
    sr[..., 1] += 2
    sr[0, 0, 2] = 164  # one pixel: +64 / 64 pixels = +1 level of mean
    assert colour_shift(sr, hr) == pytest.approx(2.0)
    assert colour_shift(sr[..., 2:], hr[..., 2:]) == pytest.approx(1.0)



def test_metrics_table_lists_every_model_and_niqe():
    row = {"psnr": 21.0, "ssim": 0.6, "niqe": 5.5, "colour": 0.4}
    metrics = {
        "images": {"a": {"HR": {"niqe": 3.0}, "bicubic": dict(row, psnr=20.0), "m": row}},
        "mean": {"HR": {"niqe": 3.0}, "bicubic": dict(row, psnr=20.0), "m": row},
    }
    table = metrics_table(metrics, {"a": "smooth"})
    assert "| model | PSNR (dB) | SSIM | NIQE | colour shift |" in table
    assert "| m | 21.00 | 0.6000 | 5.50 | 0.40 |" in table
    assert "| HR | - | - | 3.00 | - |" in table
    assert "| a (smooth) | 20.00 / 5.50 | 21.00 / 5.50 | 3.00 |" in table


def test_summary_says_whether_niqe_improves_and_colours_hold():
    metrics = {"mean": {"psnr_model": {"psnr": 30.0, "niqe": 8.0, "colour": 0.5},
                        "gan": {"psnr": 29.5, "niqe": 7.2, "colour": 1.5},
                        "bad": {"psnr": 29.0, "niqe": 8.3, "colour": 2.6}}}
    good = summary(metrics, "psnr_model", "gan")
    assert "NIQE 7.20 against 8.00 (more natural)" in good and "-0.50 dB" in good
    assert "within 1.50 levels" in good
    bad = summary(metrics, "psnr_model", "bad")
    assert "(not more natural)" in bad and "shifted by up to 2.60 levels" in bad


def test_photos_smaller_than_a_niqe_block_get_no_niqe():
    pairs = {name: (lr[:20, :24], hr[:80, :96]) for name, (lr, hr) in
             sample_pairs(["astronaut", "coffee"]).items()}  # 72x88 after the crop: < 96
    metrics, outputs = evaluate_generators({}, pairs)
    assert metrics["images"]["astronaut"]["HR"]["niqe"] is None
    assert metrics["mean"]["bicubic"]["niqe"] is None and metrics["mean"]["bicubic"]["psnr"] > 15
    assert outputs["bicubic"]["coffee"].shape == (80, 96, 3)
    metrics["mean"]["other"] = dict(metrics["mean"]["bicubic"])
    assert "NIQE n/a" in summary(metrics, "bicubic", "other")


def test_run_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    report = run_demo(
        str(out), gan_steps=2, batch_size=2, patch_size=32, jit_compile=False,
        vgg_weights=None, verbose=0,
    )
    saved = json.loads((out / "metrics.json").read_text())
    models = {"HR", "bicubic", "demo_x4 (PSNR)", "demo_fasrgan_x4 (preset)", "FASRGAN (demo)"}
    assert set(saved["heldout"]["mean"]) == models
    assert set(saved["heldout"]["images"]) == set(SAMPLE_HELDOUT)
    assert saved["kinds"] == {n: SAMPLE_KINDS[n] for n in SAMPLE_HELDOUT}
    # NIQE is reported for every model; colours stay within the bound on every photo.
    for name, rows in saved["heldout"]["images"].items():
        for label in models - {"HR"}:
            assert 0 < rows[label]["niqe"] < 30, (name, label)
            assert rows[label]["colour"] <= COLOUR_BOUND, (name, label, rows[label])
    # Starting from the shipped GAN stage, the demo's model is more natural than demo_x4.
    mean = saved["heldout"]["mean"]
    assert mean["FASRGAN (demo)"]["niqe"] < mean["demo_x4 (PSNR)"]["niqe"], mean
    assert mean["FASRGAN (demo)"]["niqe"] < mean["bicubic"]["niqe"], mean
    # The recipe is stated: colour anchor in the perceptual slot, the paper's GAN weights.
    stage = saved["gan_stage"]
    assert stage["start"] == "demo_fasrgan_x4" and stage["perceptual_loss"] == "colour anchor"
    assert stage["loss_weights"]["adversarial"] == pytest.approx(5e-3)
    assert stage["loss_weights"]["map"] == pytest.approx(5e-3)
    assert stage["loss_weights"]["attention"] == pytest.approx(5e-2)
    for key in ("g_loss", "d_loss", "pixel", "colour_anchor", "adversarial", "map", "attention"):
        assert np.isfinite(stage["final_losses"][key]), key
    generator = keras.saving.load_model(report["paths"]["model"])
    assert generator.count_params() == load_preset("demo_x4").count_params()
    upscaled = read_image(report["paths"]["upscaled"])
    assert upscaled.shape == (1600, 2400, 3)  # coffee, 400x600, x4
    assert read_image(report["paths"]["figure"]).shape[0] > 100
    table = (out / "metrics.md").read_text()
    assert "NIQE" in table and "FASRGAN (demo)" in table and "retina" in table
    assert "FASRGAN (demo) against demo_x4 (PSNR)" in table and "(more natural)" in table


def test_cli_rejects_bad_patch_size(capsys):
    assert main(["demo", "--patch-size", "30"]) == 2
    assert "multiple of 8" in capsys.readouterr().err


def test_cli_checks_the_output_folder_first(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for output in (blocker, blocker / "sub"):
        assert main(["demo", "-o", str(output)]) == 2
        err = capsys.readouterr().err
        assert "file.txt" in err and "Traceback" not in err
    assert main(["demo", "--batch-size", "0", "-o", str(tmp_path / "new")]) == 2
    assert not (tmp_path / "new").exists()
    missing = tmp_path / "vgg19.h5"
    assert main(["demo", "--vgg-weights", str(missing), "-o", str(tmp_path / "new")]) == 2
    err = capsys.readouterr().err
    assert "--vgg-weights" in err and "vgg19.h5" in err
    assert not (tmp_path / "new").exists()
