"""PSNR / SSIM (NumPy, the paper's protocol) against scikit-image and the MATLAB definitions."""

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio
from skimage.metrics import structural_similarity

from keras_fasrgan.metrics import psnr
from keras_fasrgan.metrics import rgb_to_y
from keras_fasrgan.metrics import ssim

pytestmark = pytest.mark.multi_backend  # pure NumPy


def _pair(rng, shape=(40, 36, 3), noise=12.0):
    hr = rng.integers(0, 256, shape).astype(np.uint8)
    sr = np.clip(hr + rng.normal(0, noise, shape), 0, 255).round().astype(np.uint8)
    return sr, hr


def test_rgb_to_y_matches_matlab_rgb2ycbcr_formula():
    pixels = np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    y = rgb_to_y(pixels)
    np.testing.assert_allclose(y, [16.0, 235.0, 16 + 65.481, 16 + 128.553, 16 + 24.966], atol=1e-12)
    assert y.dtype == np.float64
    # float and uint16 inputs give the same Y
    np.testing.assert_allclose(rgb_to_y(pixels / 255.0), y, atol=1e-12)
    np.testing.assert_allclose(rgb_to_y(pixels.astype(np.uint16) * 257), y, atol=1e-12)
    with pytest.raises(ValueError, match="RGB"):
        rgb_to_y(np.zeros((4, 4, 4), np.uint8))


@pytest.mark.parametrize("crop", [0, 4])
def test_psnr_equals_skimage_on_y_and_rgb(rng, crop):
    sr, hr = _pair(rng)
    c = slice(crop, -crop if crop else None)
    ref_y = peak_signal_noise_ratio(rgb_to_y(hr)[c, c], rgb_to_y(sr)[c, c], data_range=255)
    assert psnr(sr, hr, crop_border=crop) == pytest.approx(ref_y, abs=1e-10)
    ref_rgb = peak_signal_noise_ratio(hr[c, c], sr[c, c], data_range=255)
    assert psnr(sr, hr, crop_border=crop, y_channel=False) == pytest.approx(ref_rgb, abs=1e-10)


def test_psnr_hand_computed():
    hr = np.zeros((10, 10, 3), np.uint8)
    sr = hr.copy()
    sr[..., 1] = 2  # Y differs by 128.553 * 2 / 255 everywhere
    expected = 10 * np.log10(255.0**2 / (128.553 * 2 / 255) ** 2)
    assert psnr(sr, hr) == pytest.approx(expected, abs=1e-10)
    assert psnr(hr, hr) == float("inf")


@pytest.mark.parametrize("crop", [0, 3])
def test_ssim_equals_skimage_gaussian_settings(rng, crop):
    # skimage filters the whole image then drops (win-1)/2 = 5 pixels per side before the
    # mean: the same "valid" region as MATLAB's ssim_index, so the values agree exactly.
    sr, hr = _pair(rng, shape=(45, 38, 3))
    c = slice(crop, -crop if crop else None)
    kwargs = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)
    ref_y = structural_similarity(rgb_to_y(hr)[c, c], rgb_to_y(sr)[c, c], **kwargs)
    assert ssim(sr, hr, crop_border=crop) == pytest.approx(ref_y, abs=1e-10)
    ref_rgb = structural_similarity(
        hr[c, c].astype(np.float64), sr[c, c].astype(np.float64), channel_axis=-1, **kwargs
    )
    assert ssim(sr, hr, crop_border=crop, y_channel=False) == pytest.approx(ref_rgb, abs=1e-10)


def test_ssim_valid_window_matches_direct_formula(rng):
    # One 11x11 image: the valid SSIM map has a single value, computable by hand.
    sr, hr = _pair(rng, shape=(11, 11), noise=20)
    x = hr.astype(np.float64)
    y = sr.astype(np.float64)
    g = np.exp(-((np.arange(11) - 5.0) ** 2) / (2 * 1.5**2))
    w = np.outer(g, g) / np.outer(g, g).sum()
    mx, my = (w * x).sum(), (w * y).sum()
    vx = (w * (x - mx) ** 2).sum()
    vy = (w * (y - my) ** 2).sum()
    cxy = (w * (x - mx) * (y - my)).sum()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    expected = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    assert ssim(y.astype(np.uint8), x.astype(np.uint8)) == pytest.approx(expected, abs=1e-12)


def test_identical_images_and_symmetry(rng):
    sr, hr = _pair(rng)
    assert ssim(hr, hr, crop_border=4) == pytest.approx(1.0, abs=1e-12)
    assert ssim(sr, hr) == pytest.approx(ssim(hr, sr), abs=1e-12)
    assert ssim(sr, hr) < 0.99


def test_dtypes_give_the_same_values(rng):
    sr, hr = _pair(rng)
    p, s = psnr(sr, hr, 2), ssim(sr, hr, 2)
    assert psnr(sr / 255.0, hr / 255.0, 2) == pytest.approx(p, abs=1e-10)
    assert ssim(sr.astype(np.float32) / 255, hr.astype(np.float32) / 255, 2) == pytest.approx(s, abs=1e-6)
    sr16, hr16 = sr.astype(np.uint16) * 257, hr.astype(np.uint16) * 257
    assert psnr(sr16, hr16, 2) == pytest.approx(p, abs=1e-10)
    assert ssim(sr16, hr16, 2) == pytest.approx(s, abs=1e-12)


def test_grayscale_is_used_directly_as_y(rng):
    sr, hr = _pair(rng, shape=(30, 30))
    ref = peak_signal_noise_ratio(hr, sr, data_range=255)
    assert psnr(sr, hr) == pytest.approx(ref, abs=1e-10)
    assert psnr(sr[..., None], hr[..., None]) == pytest.approx(ref, abs=1e-10)
    kwargs = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)
    ref_s = structural_similarity(hr.astype(float), sr.astype(float), **kwargs)
    assert ssim(sr, hr) == pytest.approx(ref_s, abs=1e-10)


def test_bad_inputs_raise_clear_errors(rng):
    sr, hr = _pair(rng)
    with pytest.raises(ValueError, match=r"\(40, 36, 3\).*\(40, 35, 3\)"):
        psnr(sr, hr[:, :35])
    with pytest.raises(ValueError, match="crop_border"):
        ssim(sr, hr, crop_border=20)
    with pytest.raises(ValueError, match="11x11"):
        ssim(sr[:14, :14], hr[:14, :14], crop_border=2)
    with pytest.raises(ValueError, match="grayscale"):
        psnr(np.zeros((8, 8, 4), np.uint8), np.zeros((8, 8, 4), np.uint8))
    with pytest.raises(TypeError, match="dtype"):
        psnr(sr.astype(np.int32), hr.astype(np.int32))
