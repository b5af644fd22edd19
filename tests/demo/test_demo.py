import json

import keras
import numpy as np
import pytest

from keras_fasrgan.cli import main
from keras_fasrgan.data import sample_pairs
from keras_fasrgan.demo import NO_VGG_PIXEL_WEIGHT
from keras_fasrgan.demo import evaluate_generators
from keras_fasrgan.demo import metrics_table
from keras_fasrgan.demo import run_demo
from keras_fasrgan.presets import available_presets
from keras_fasrgan.presets import load_preset
from keras_fasrgan.presets import preset_info
from keras_fasrgan.utils import read_image


def test_demo_preset_beats_bicubic_on_heldout_photos():
    """The shipped demo_x4 weights must clearly beat MATLAB bicubic on photos never trained on."""
    info = preset_info("demo_x4")
    assert not set(info["training"]["heldout"]) & set(info["training"]["images"])
    heldout = sample_pairs(info["training"]["heldout"])
    metrics, _ = evaluate_generators({"demo_x4": load_preset("demo_x4")}, heldout)
    for name, row in metrics["images"].items():
        assert row["demo_x4"]["psnr"] > row["bicubic"]["psnr"] + 0.3, (name, row)
    assert metrics["mean"]["demo_x4"]["psnr"] > metrics["mean"]["bicubic"]["psnr"] + 0.5


def test_presets_listing_and_unknown_name():
    assert "demo_x4" in available_presets()
    with pytest.raises(ValueError, match="demo_x4"):
        load_preset("no_such_preset")


def test_metrics_table_lists_every_model():
    metrics = {
        "images": {"a": {"bicubic": {"psnr": 20.0, "ssim": 0.5}, "m": {"psnr": 21.0, "ssim": 0.6}}},
        "mean": {"bicubic": {"psnr": 20.0, "ssim": 0.5}, "m": {"psnr": 21.0, "ssim": 0.6}},
    }
    table = metrics_table(metrics)
    assert "| bicubic | 20.00 / 0.5000 | 20.00 / 0.5000 |" in table
    assert "| m | 21.00 / 0.6000 | 21.00 / 0.6000 |" in table


def test_run_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    report = run_demo(
        str(out), gan_steps=2, batch_size=2, patch_size=32, jit_compile=False,
        vgg_weights=None, verbose=0,
    )
    saved = json.loads((out / "metrics.json").read_text())
    assert set(saved["heldout"]["mean"]) == {"bicubic", "demo_x4 (PSNR)", "FASRGAN"}
    # Without VGG19 the pixel term takes the perceptual term's anchoring role; the rest stay
    # the paper's weights.
    assert saved["gan_stage"]["perceptual_loss"] is None
    assert saved["gan_stage"]["loss_weights"]["pixel"] == NO_VGG_PIXEL_WEIGHT
    assert saved["gan_stage"]["loss_weights"]["adversarial"] == pytest.approx(5e-3)
    assert saved["gan_stage"]["loss_weights"]["attention"] == pytest.approx(5e-2)
    for key in ("g_loss", "d_loss", "pixel", "adversarial", "map", "attention"):
        assert np.isfinite(saved["gan_stage"]["final_losses"][key]), key
    generator = keras.saving.load_model(report["paths"]["model"])
    assert generator.count_params() == load_preset("demo_x4").count_params()
    upscaled = read_image(report["paths"]["upscaled"])
    assert upscaled.shape == (1600, 2400, 3)  # coffee, 400x600, x4
    assert read_image(report["paths"]["figure"]).shape[0] > 100
    assert "FASRGAN" in (out / "metrics.md").read_text()


def test_cli_rejects_bad_patch_size(capsys):
    assert main(["demo", "--patch-size", "30"]) == 2
    assert "multiple of 8" in capsys.readouterr().err
