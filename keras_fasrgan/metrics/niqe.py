"""NIQE (Mittal et al. 2013), the no-reference half of the Perceptual Index.

A NumPy/SciPy port of the official MATLAB release (`computequality.m`) that reproduces its
score: MATLAB R2021a gives 5.72957338 on Set14's `baboon` (Y channel), this port 5.7295739.

- RGB images are converted to the Y channel of MATLAB's `rgb2ycbcr` (0-255 scale), a border
  is cropped, and the result is rounded to integers;
- the image is cut to a whole number of `block_size` blocks;
- at two scales (the image, then MATLAB-bicubic `imresize(image, 0.5)` of the double image),
  the MSCN coefficients `(I - mu) / (sigma + 1)` are computed with the 7x7 Gaussian window
  (sigma 7/6) of the parameter file and 'replicate' borders; on every block, 18 features are
  fitted: the generalised Gaussian (AGGD with `alpha` and mean scale) of the coefficients and
  the asymmetric generalised Gaussian of their products with the four shifted neighbours;
- the quality is the Mahalanobis-like distance between the multivariate Gaussian of the image's
  36 features and the pristine model (`mu_pris_param`, `cov_pris_param`). Lower is better.

One detail decides the last digits: where a pixel's 7x7 neighbourhood is flat, `I - mu` is
exactly 0, and MATLAB's `imfilter` gives exactly 0; a floating-point convolution (SciPy's) is
one ulp off (about 1e-14), and that sign-carrying residue counts as a sample on one side of
the AGGD fit of the block, shifting its left/right spreads by a few 1e-4 (the score by 4e-4 on
`baboon`). `mscn` sets such rounding residues (below `MSCN_ZERO` on the 0-255 scale) to 0.

The pristine model ships with the package (`niqe_pris_params.npz`, BasicSR's conversion of
the MATLAB release's `modelparameters.mat`); another file (`.npz` or the `.mat`) can be passed.
"""

import functools
import math
import os
import warnings

import numpy as np

from keras_fasrgan.metrics.psnr_ssim import rgb_to_y

_PARAMS_HELP = (
    "NIQE needs the standard pristine-model parameters: `niqe_pris_params.npz` as shipped with "
    "BasicSR (basicsr/metrics/niqe_pris_params.npz, keys mu_pris_param, cov_pris_param, "
    "gaussian_window), or `modelparameters.mat` from the official MATLAB NIQE release "
    "(http://live.ece.utexas.edu/research/quality/niqe_release.zip). Download one of them and "
    "pass its path."
)
# The standard pristine model, shipped as package data.
DEFAULT_PARAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "niqe_pris_params.npz")
BLOCK_SIZE = 96  # the patch size of the official release (an image needs one block)
# |I - mu| below this (0-255 scale) is the rounding residue of an exact 0: 7x7 window sums are
# exact to about 1e-12 here, while a real difference is at least about 1e-4 on integer images.
MSCN_ZERO = 1e-9


def _scipy():
    try:
        import scipy.ndimage
        import scipy.special
    except ImportError as e:  # pragma: no cover - scipy is a dependency
        raise ImportError("NIQE needs SciPy: pip install scipy") from e
    return scipy


def _matlab_gaussian(size=7, sigma=7.0 / 6.0):
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma**2))
    return g / g.sum()


def load_niqe_params(path=None):
    """Reads NIQE's pristine model: a dict with `mu_pris_param` (36,), `cov_pris_param`
    (36, 36) and `gaussian_window` (7, 7).

    Args:
        path: BasicSR's `niqe_pris_params.npz` or the MATLAB release's `modelparameters.mat`
            (whose window is the standard `fspecial('gaussian', 7, 7/6)`); default: the
            copy shipped with this package.

    Raises:
        FileNotFoundError: the file is missing; the message says where the file comes from.
        ValueError: the file lacks the expected arrays.

    Examples:
        >>> params = load_niqe_params()
        >>> params["cov_pris_param"].shape
        (36, 36)
    """
    path = DEFAULT_PARAMS if path is None else os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"NIQE parameter file {path} not found. {_PARAMS_HELP}")
    try:
        if path.lower().endswith(".mat"):
            import scipy.io

            mat = scipy.io.loadmat(path)
            params = {
                "mu_pris_param": mat["mu_prisparam"],
                "cov_pris_param": mat["cov_prisparam"],
                "gaussian_window": _matlab_gaussian(),
            }
        else:
            with np.load(path) as data:
                params = {k: data[k] for k in ("mu_pris_param", "cov_pris_param", "gaussian_window")}
    except KeyError as e:
        raise ValueError(f"{path}: not a NIQE parameter file (missing {e}). {_PARAMS_HELP}") from None
    except Exception as e:  # noqa: BLE001 - corrupt files raise many types
        raise ValueError(f"{path}: cannot read NIQE parameters ({type(e).__name__}: {e})") from None
    params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    params["mu_pris_param"] = params["mu_pris_param"].reshape(-1)
    if params["mu_pris_param"].shape != (36,) or params["cov_pris_param"].shape != (36, 36):
        raise ValueError(
            f"{path}: expected mu (36,) and cov (36, 36), got "
            f"{params['mu_pris_param'].shape} and {params['cov_pris_param'].shape}"
        )
    return params


_GAM = np.arange(0.2, 10.001, 0.001)


@functools.lru_cache(maxsize=1)
def _r_gam():
    gamma = _scipy().special.gamma
    inv = 1.0 / _GAM
    return gamma(inv * 2) ** 2 / (gamma(inv) * gamma(inv * 3))


def estimate_aggd_param(block):
    """Fits an asymmetric generalised Gaussian: returns `(alpha, beta_left, beta_right)`.

    Moment matching over the grid `alpha in [0.2, 10]` (step 0.001), as the MATLAB release.

    Examples:
        >>> x = np.random.default_rng(0).normal(0, 1, 100000)
        >>> alpha, bl, br = estimate_aggd_param(x)
        >>> round(alpha, 1), round(bl, 1), round(br, 1)  # Gaussian: alpha 2, beta sqrt(2)
        (2.0, 1.4, 1.4)
    """
    gamma = _scipy().special.gamma
    block = np.asarray(block, dtype=np.float64).ravel()
    # A block without negative (or positive) values, such as a black area, gives NaN
    # spreads, as in MATLAB; `niqe` skips them as MATLAB's nanmean and nancov do.
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        left_std = np.sqrt(np.mean(block[block < 0] ** 2))
        right_std = np.sqrt(np.mean(block[block > 0] ** 2))
        gammahat = left_std / right_std
        rhat = np.mean(np.abs(block)) ** 2 / np.mean(block**2)
        rhatnorm = (rhat * (gammahat**3 + 1) * (gammahat + 1)) / ((gammahat**2 + 1) ** 2)
    alpha = _GAM[np.argmin((_r_gam() - rhatnorm) ** 2)]
    factor = np.sqrt(gamma(1 / alpha) / gamma(3 / alpha))
    return float(alpha), float(left_std * factor), float(right_std * factor)


def compute_features(block):
    """The 18 NIQE features of one block of MSCN coefficients."""
    gamma = _scipy().special.gamma
    alpha, beta_l, beta_r = estimate_aggd_param(block)
    feat = [alpha, (beta_l + beta_r) / 2]
    for shift in ((0, 1), (1, 0), (1, 1), (1, -1)):
        shifted = np.roll(block, shift, axis=(0, 1))
        alpha, beta_l, beta_r = estimate_aggd_param(block * shifted)
        mean = (beta_r - beta_l) * (gamma(2 / alpha) / gamma(1 / alpha))
        feat.extend([alpha, mean, beta_l, beta_r])
    return feat


def mscn(image, window):
    """Mean-subtracted contrast-normalised coefficients with 'replicate' borders.

    `I - mu` residues below `MSCN_ZERO` (an exact 0 up to rounding, as on flat patches) are
    set to 0, as MATLAB's `imfilter` returns them (see the module docstring).

    Examples:
        >>> flat = np.full((16, 16), 100.0)
        >>> bool(np.all(mscn(flat, load_niqe_params()["gaussian_window"]) == 0))
        True
    """
    convolve = _scipy().ndimage.convolve
    mu = convolve(image, window, mode="nearest")
    sigma = np.sqrt(np.abs(convolve(image * image, window, mode="nearest") - mu * mu))
    centred = image - mu
    centred[np.abs(centred) < MSCN_ZERO] = 0.0
    return centred / (sigma + 1)


def niqe_features(y, window, block_size=BLOCK_SIZE):
    """`(n_blocks, 36)` features of a (rounded) Y image on the 0-255 scale, at two scales."""
    from keras_fasrgan.data.imresize import imresize

    h, w = y.shape
    nbh, nbw = h // block_size, w // block_size
    if nbh < 1 or nbw < 1:
        raise ValueError(
            f"NIQE needs at least one {block_size}x{block_size} block; the image (after "
            f"cropping) is {h}x{w}"
        )
    img = y[: nbh * block_size, : nbw * block_size]
    per_scale = []
    for scale in (1, 2):
        normalized = mscn(img, window)
        bs = block_size // scale
        feats = [
            compute_features(normalized[i * bs:(i + 1) * bs, j * bs:(j + 1) * bs])
            for j in range(nbw)
            for i in range(nbh)
        ]
        per_scale.append(np.array(feats))
        if scale == 1:
            img = imresize(img / 255.0, 0.5) * 255.0
    return np.concatenate(per_scale, axis=1)


def niqe(image, params_path=None, crop_border=0, block_size=BLOCK_SIZE):
    """Natural Image Quality Evaluator score (lower is better), as the official release.

    Args:
        image: `(H, W, 3)` RGB (converted to MATLAB Y) or `(H, W)` grayscale (used as Y);
            uint8, uint16 or float in [0, 1].
        params_path: path of `niqe_pris_params.npz` (or MATLAB `modelparameters.mat`), or a
            dict as returned by `load_niqe_params`; default: the shipped standard parameters.
        crop_border: pixels removed from every side first.
        block_size: patch size (96, as the release).

    Returns:
        float.

    Examples:
        >>> import skimage.data
        >>> round(niqe(skimage.data.astronaut()), 2)
        3.07
    """
    params = params_path if isinstance(params_path, dict) else load_niqe_params(params_path)
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 3 and image.shape[-1] == 3:
        y = rgb_to_y(image)
    elif image.ndim == 2:
        if image.dtype == np.uint8:
            y = image.astype(np.float64)
        elif image.dtype == np.uint16:
            y = image.astype(np.float64) / 65535.0 * 255.0
        else:
            y = image.astype(np.float64) * 255.0
    else:
        raise ValueError(f"expected (H, W, 3) RGB or (H, W) grayscale, got shape {image.shape}")
    if crop_border:
        y = y[crop_border:-crop_border, crop_border:-crop_border]
    y = np.round(y)
    feats = niqe_features(y, params["gaussian_window"], block_size)
    mu = np.nanmean(feats, axis=0)
    no_nan = feats[~np.isnan(feats).any(axis=1)]
    cov = np.cov(no_nan, rowvar=False)
    diff = params["mu_pris_param"] - mu
    inv = np.linalg.pinv((params["cov_pris_param"] + cov) / 2)
    return float(np.sqrt(diff @ inv @ diff))


def perceptual_index(ma, niqe_score):
    """The PIRM 2018 Perceptual Index: `((10 - Ma) + NIQE) / 2`; lower is better.

    Ma's score (Ma et al. 2017) needs its trained regression forests (MATLAB), which are not
    part of this package: compute it with the PIRM toolbox and pass it in.

    Examples:
        >>> perceptual_index(8.0, 4.0)
        3.0
    """
    return ((10.0 - float(ma)) + float(niqe_score)) / 2.0
