"""NIQE: MATLAB's score of baboon, feature fitting checked independently, score properties on
a real photo, the shipped parameters."""

import numpy as np
import pytest
import skimage.data
from scipy.ndimage import gaussian_filter
from scipy.special import gamma

from keras_fasrgan.metrics import load_niqe_params
from keras_fasrgan.metrics import niqe
from keras_fasrgan.metrics import perceptual_index
from keras_fasrgan.metrics.niqe import DEFAULT_PARAMS
from keras_fasrgan.metrics.niqe import compute_features
from keras_fasrgan.metrics.niqe import estimate_aggd_param
from keras_fasrgan.metrics.niqe import mscn
from keras_fasrgan.utils import read_image
from conftest import shared_data

pytestmark = pytest.mark.multi_backend  # NumPy/SciPy only


# MATLAB R2021a, official NIQE release, on Set14 baboon's Y channel (rgb2ycbcr, rounded).
MATLAB_BABOON_NIQE = 5.72957338


@pytest.fixture(scope="module")
def params():
    return load_niqe_params()  # the shipped file


def test_matches_matlab_on_baboon():
    image = read_image(shared_data("matlab", "baboon.png"))
    assert niqe(image) == pytest.approx(MATLAB_BABOON_NIQE, abs=1e-5)


def test_shipped_params_are_the_standard_file(params):
    with np.load(shared_data("metrics", "niqe_pris_params.npz")) as reference:
        for key in ("mu_pris_param", "cov_pris_param", "gaussian_window"):
            np.testing.assert_array_equal(params[key], reference[key].reshape(params[key].shape))


@pytest.fixture(scope="module")
def astronaut():
    return skimage.data.astronaut()[:288, :384]  # 3x4 blocks of 96


def test_params_file(params):
    assert params["mu_pris_param"].shape == (36,)
    assert params["cov_pris_param"].shape == (36, 36)
    w = params["gaussian_window"]
    # the window is fspecial('gaussian', 7, 7/6)
    x = np.arange(7) - 3.0
    ref = np.exp(-(x[:, None] ** 2 + x[None] ** 2) / (2 * (7 / 6) ** 2))
    np.testing.assert_allclose(w, ref / ref.sum(), atol=1e-6)


@pytest.mark.parametrize("shape_param,scale", [(2.0, 1.5), (1.0, 0.7), (0.6, 2.0)])
def test_aggd_fit_recovers_known_generalized_gaussians(shape_param, scale):
    # Independent check: samples of a symmetric generalised Gaussian with known alpha and
    # beta (density ~ exp(-(|x|/beta)^alpha)) drawn with scipy's gennorm via a Gamma variate.
    rng = np.random.default_rng(1)
    n = 200_000
    magnitude = scale * rng.gamma(1.0 / shape_param, 1.0, n) ** (1.0 / shape_param)
    x = magnitude * rng.choice([-1.0, 1.0], n)
    alpha, beta_l, beta_r = estimate_aggd_param(x)
    assert alpha == pytest.approx(shape_param, rel=0.05)
    # beta_l, beta_r are the standard deviations rescaled by sqrt(G(1/a)/G(3/a)) -> beta
    assert beta_l == pytest.approx(scale, rel=0.05)
    assert beta_r == pytest.approx(scale, rel=0.05)


def test_asymmetric_fit_recovers_an_aggd():
    # An AGGD with Gaussian shape: each side is a half-normal of its own scale, and a side
    # carries probability proportional to its scale (the density is continuous at 0).
    rng = np.random.default_rng(2)
    n = 200_000
    left, right = 1.0, 3.0
    side = rng.uniform(size=n) < right / (left + right)
    mag = np.abs(rng.normal(0, 1, n))
    x = np.where(side, right * mag, -left * mag)
    alpha, beta_l, beta_r = estimate_aggd_param(x)
    assert alpha == pytest.approx(2.0, rel=0.05)
    assert beta_r / beta_l == pytest.approx(3.0, rel=0.05)
    assert beta_l == pytest.approx(left * np.sqrt(2), rel=0.05)


def test_flat_neighbourhoods_give_exact_zeros(params):
    # A flat 7x7 neighbourhood has I - mu = 0 exactly; a floating-point window sum is a few
    # ulps off, and that sign-carrying residue would count as a sample in the AGGD fit.
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (48, 48)).astype(np.float64)
    image[10:30, 5:40] = 137.0
    coeffs = mscn(image, params["gaussian_window"])
    assert np.all(coeffs[13:27, 8:37] == 0.0)  # pixels whose whole window is flat
    assert np.count_nonzero(coeffs[:8]) == coeffs[:8].size  # textured pixels: no zero
    alpha, beta_l, beta_r = estimate_aggd_param(coeffs)
    nonflat = coeffs[coeffs != 0]
    ref_l = np.sqrt(np.mean(nonflat[nonflat < 0] ** 2))
    factor = np.sqrt(gamma(1 / alpha) / gamma(3 / alpha))
    assert beta_l == pytest.approx(ref_l * factor, rel=1e-12)


def test_mscn_and_features_independent_recomputation(astronaut, params):
    y = np.round(16 + astronaut.astype(np.float64) / 255 @ np.array([65.481, 128.553, 24.966]))
    block = y[:96, :96]
    # MSCN with an explicit replicate-padded window sum
    w = params["gaussian_window"]
    padded = np.pad(block, 3, mode="edge")
    mu = np.zeros_like(block)
    sq = np.zeros_like(block)
    for i in range(7):
        for j in range(7):
            win = padded[i:i + 96, j:j + 96]
            mu += w[i, j] * win
            sq += w[i, j] * win * win
    ref = (block - mu) / (np.sqrt(np.abs(sq - mu * mu)) + 1)
    np.testing.assert_allclose(mscn(block, w), ref, atol=1e-9)
    feats = compute_features(ref)
    assert len(feats) == 18
    # The first pair is the GGD fit of the coefficients: recompute it by moment matching.
    grid = np.arange(0.2, 10.001, 0.001)
    rho = gamma(2 / grid) ** 2 / (gamma(1 / grid) * gamma(3 / grid))
    s = ref.ravel()
    std_l, std_r = np.sqrt(np.mean(s[s < 0] ** 2)), np.sqrt(np.mean(s[s > 0] ** 2))
    g = std_l / std_r
    r = np.mean(np.abs(s)) ** 2 / np.mean(s**2)
    rn = r * (g**3 + 1) * (g + 1) / (g**2 + 1) ** 2
    a = grid[np.argmin((rho - rn) ** 2)]
    assert feats[0] == pytest.approx(a)
    assert feats[1] == pytest.approx((std_l + std_r) / 2 * np.sqrt(gamma(1 / a) / gamma(3 / a)))


def test_niqe_properties_on_a_real_photo(astronaut, params):
    sharp = niqe(astronaut, params)
    assert niqe(astronaut, params) == sharp  # deterministic
    assert 2.0 < sharp < 15.0
    blurred = np.clip(gaussian_filter(astronaut.astype(float), (2, 2, 0)), 0, 255).round().astype(np.uint8)
    noise = np.random.default_rng(0).normal(0, 20, astronaut.shape)
    noisy = np.clip(astronaut + noise, 0, 255).round().astype(np.uint8)
    assert niqe(blurred, params) > sharp + 1.0
    assert niqe(noisy, params) > sharp + 1.0
    # the path form (default: the shipped file), float input and a border crop work too
    path = DEFAULT_PARAMS
    assert niqe(astronaut) == sharp
    assert niqe(astronaut / 255.0, path) == pytest.approx(sharp, abs=1e-9)
    assert niqe(np.pad(astronaut, ((4, 4), (4, 4), (0, 0))), path, crop_border=4) == pytest.approx(sharp)


def test_niqe_errors(tmp_path, astronaut, params):
    with pytest.raises(FileNotFoundError, match="niqe_pris_params.npz.*BasicSR"):
        niqe(astronaut, tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    np.savez(bad, something=np.zeros(3))
    with pytest.raises(ValueError, match="not a NIQE parameter file"):
        load_niqe_params(bad)
    with pytest.raises(ValueError, match="96x96 block"):
        niqe(astronaut[:90, :200], params)


def test_perceptual_index():
    assert perceptual_index(8.0, 4.0) == 3.0
    assert perceptual_index(10.0, 0.0) == 0.0
