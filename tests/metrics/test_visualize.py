"""comparison_figure: panels, titles with PSNR, atomic file output."""

import os

import numpy as np
import pytest
from PIL import Image

from keras_fasrgan.metrics import psnr
from keras_fasrgan.visualize import comparison_figure

pytestmark = pytest.mark.multi_backend  # Matplotlib + NumPy only


def _images(rng):
    hr = rng.integers(0, 256, (64, 48, 3)).astype(np.uint8)
    lr = hr[::4, ::4]
    sr = np.clip(hr + rng.normal(0, 8, hr.shape), 0, 255).round().astype(np.uint8)
    bic = np.clip(hr + rng.normal(0, 20, hr.shape), 0, 255).round().astype(np.uint8)
    return lr, sr, hr, bic


def test_panels_titles_and_file(tmp_path, rng):
    lr, sr, hr, bic = _images(rng)
    path = tmp_path / "fig.png"
    fig = comparison_figure(lr, sr, hr, bicubic=bic, crop=(8, 8, 16, 16), path=path)
    axes = fig.get_axes()
    assert len(axes) == 8  # 4 panels x (full, zoom)
    titles = [a.get_title() for a in axes if a.get_title()]
    assert titles[0] == "LR (nearest)" and titles[-1] == "HR"
    assert f"{psnr(sr, hr, 4):.2f} dB" in titles[2]
    assert f"{psnr(bic, hr, 4):.2f} dB" in titles[1]
    zoom = axes[7].get_images()[0].get_array()
    np.testing.assert_array_equal(np.asarray(zoom), hr[8:24, 8:24])
    with Image.open(path) as im:
        assert im.format == "PNG"
    assert os.listdir(tmp_path) == ["fig.png"]  # no temporary file left


def test_without_bicubic_custom_titles_and_errors(rng):
    lr, sr, hr, _ = _images(rng)
    fig = comparison_figure(lr / 255.0, sr, hr, titles=["a", "b", "c"])
    assert [a.get_title() for a in fig.get_axes() if a.get_title()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="SR shape"):
        comparison_figure(lr, sr[:32], hr)
    with pytest.raises(ValueError, match="titles"):
        comparison_figure(lr, sr, hr, titles=["x"])
    with pytest.raises(ValueError, match="crop"):
        comparison_figure(lr, sr, hr, crop=(100, 0, 4, 4))


def test_other_results_between_bicubic_and_sr(rng):
    lr, sr, hr, bic = _images(rng)
    psnr_model = np.clip(hr.astype(int) + 3, 0, 255).astype(np.uint8)
    fig = comparison_figure(lr, sr, hr, bicubic=bic, others={"PSNR model": psnr_model},
                            sr_label="FASRGAN")
    titles = [a.get_title() for a in fig.get_axes() if a.get_title()]
    assert [t.split("\n")[0] for t in titles] == ["LR (nearest)", "Bicubic", "PSNR model", "FASRGAN", "HR"]
    assert f"{psnr(psnr_model, hr, 4):.2f} dB" in titles[2]
    with pytest.raises(ValueError, match="PSNR model shape"):
        comparison_figure(lr, sr, hr, others={"PSNR model": psnr_model[:32]})
