"""PSNR and SSIM exactly as the paper's evaluation scripts compute them (NumPy, float64).

The protocol (the authors' `calculate_PSNR_SSIM.m`, as in ESRGAN/BasicSR):

- images are read as 8-bit (16-bit and float images are accepted too) and scaled to [0, 1];
- RGB images are converted to the Y channel of ITU-R BT.601 YCbCr with MATLAB's `rgb2ycbcr`
  (`Y = 16 + 65.481 R + 128.553 G + 24.966 B`, a float in [16, 235], not rounded);
- grayscale (2-D) images are used directly as Y, scaled to [0, 255] (as the MATLAB script does);
- `crop_border` pixels are removed from every side (the paper uses the scale factor);
- PSNR = 10 log10(255^2 / MSE); SSIM is Wang et al.'s `ssim_index`: an 11x11 Gaussian window
  with sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, "valid" filtering (no padding), the mean of the
  SSIM map. With `y_channel=False`, RGB SSIM is the mean of the three per-channel SSIMs.
"""

import numpy as np

_Y_WEIGHTS = np.array([65.481, 128.553, 24.966], dtype=np.float64)


def _to_unit_float64(image, what="image"):
    """uint8 / uint16 / bool / float in [0, 1] -> float64 in [0, 1] (MATLAB `im2double`)."""
    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image.astype(np.float64) / 255.0
    if image.dtype == np.uint16:
        return image.astype(np.float64) / 65535.0
    if image.dtype == bool:
        return image.astype(np.float64)
    if np.issubdtype(image.dtype, np.floating):
        return image.astype(np.float64)
    raise TypeError(
        f"{what}: unsupported dtype {image.dtype}; pass uint8, uint16 or float in [0, 1]"
    )


def rgb_to_y(image):
    """Y channel of MATLAB's `rgb2ycbcr` (ITU-R BT.601), on the 0-255 scale, in float64.

    `Y = 16 + 65.481 R + 128.553 G + 24.966 B` with R, G, B in [0, 1], so the result lies in
    [16, 235]. The value is not rounded (MATLAB's `rgb2ycbcr` on a double image does not round).

    Args:
        image: `(..., 3)` array: uint8, uint16, or float in [0, 1].

    Returns:
        float64 array of shape `image.shape[:-1]`.

    Examples:
        >>> import numpy as np
        >>> float(rgb_to_y(np.array([255, 255, 255], np.uint8)))
        235.0
    """
    image = _to_unit_float64(image)
    if image.ndim < 1 or image.shape[-1] != 3:
        raise ValueError(f"rgb_to_y expects (..., 3) RGB data, got shape {image.shape}")
    return 16.0 + image @ _Y_WEIGHTS


def _prepare(sr, hr, crop_border, y_channel):
    """Both images as float64 on the 0-255 scale, (H, W, C), cropped."""
    sr = np.asarray(sr)
    hr = np.asarray(hr)
    if sr.shape != hr.shape:
        raise ValueError(
            f"SR and HR shapes differ: SR {sr.shape} vs HR {hr.shape}; crop or resize first"
        )
    if sr.ndim == 3 and sr.shape[-1] == 1:
        sr, hr = sr[..., 0], hr[..., 0]
    if sr.ndim not in (2, 3) or (sr.ndim == 3 and sr.shape[-1] != 3):
        raise ValueError(
            f"expected a (H, W) grayscale or (H, W, 3) RGB image, got shape {sr.shape}"
        )
    crop_border = int(crop_border)
    if crop_border < 0:
        raise ValueError(f"crop_border must be >= 0, got {crop_border}")
    if sr.ndim == 2:  # grayscale: used directly as Y
        sr = _to_unit_float64(sr, "SR")[..., None] * 255.0
        hr = _to_unit_float64(hr, "HR")[..., None] * 255.0
    elif y_channel:
        sr = rgb_to_y(sr)[..., None]
        hr = rgb_to_y(hr)[..., None]
    else:
        sr = _to_unit_float64(sr, "SR") * 255.0
        hr = _to_unit_float64(hr, "HR") * 255.0
    if crop_border:
        h, w = sr.shape[:2]
        if h <= 2 * crop_border or w <= 2 * crop_border:
            raise ValueError(
                f"crop_border={crop_border} leaves no pixels of a {h}x{w} image"
            )
        sr = sr[crop_border:-crop_border, crop_border:-crop_border]
        hr = hr[crop_border:-crop_border, crop_border:-crop_border]
    return sr, hr


def psnr(sr, hr, crop_border=0, y_channel=True, data_range=255.0):
    """Peak signal-to-noise ratio in dB, with the paper's protocol (see the module docstring).

    Args:
        sr: super-resolved image, `(H, W, 3)` RGB or `(H, W)` grayscale; uint8, uint16, or
            float in [0, 1].
        hr: ground-truth image of the same shape.
        crop_border: pixels removed from every side before comparing (the scale factor in
            the paper).
        y_channel: compare the Y channel of BT.601 YCbCr (default, as in the paper) or, if
            False, the three RGB channels.
        data_range: peak value on the 0-255 scale the images are compared on (255).

    Returns:
        float; `inf` for identical images.

    Raises:
        ValueError: the shapes differ (the message names both), or the crop leaves nothing.

    Examples:
        >>> import numpy as np
        >>> hr = np.zeros((32, 32, 3), np.uint8)
        >>> sr = hr.copy(); sr[..., 1] = 2
        >>> round(psnr(sr, hr, crop_border=4), 4)
        48.3101
    """
    sr, hr = _prepare(sr, hr, crop_border, y_channel)
    mse = np.mean((sr - hr) ** 2)
    if mse == 0:
        return float("inf")
    return float(10.0 * np.log10(float(data_range) ** 2 / mse))


def _gaussian_1d(size=11, sigma=1.5):
    """Normalised 1-D Gaussian; its outer product is MATLAB's `fspecial('gaussian', 11, 1.5)`."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(x**2) / (2.0 * sigma**2))
    return g / g.sum()


def _filter_valid(image, g):
    """2-D 'valid' correlation of a (H, W) image with the separable kernel outer(g, g)."""
    k = len(g)
    tmp = np.lib.stride_tricks.sliding_window_view(image, k, axis=0) @ g
    return np.lib.stride_tricks.sliding_window_view(tmp, k, axis=1) @ g


def _ssim_single(img1, img2, g, c1, c2):
    mu1 = _filter_valid(img1, g)
    mu2 = _filter_valid(img2, g)
    mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    sigma1_sq = _filter_valid(img1 * img1, g) - mu1_sq
    sigma2_sq = _filter_valid(img2 * img2, g) - mu2_sq
    sigma12 = _filter_valid(img1 * img2, g) - mu1_mu2
    ssim_map = ((2 * mu1_mu2 + c1) * (2 * sigma12 + c2)) / (
        (mu1_sq + mu2_sq + c1) * (sigma1_sq + sigma2_sq + c2)
    )
    return ssim_map.mean()


def ssim(sr, hr, crop_border=0, y_channel=True):
    """Structural similarity (Wang et al. 2004) with the paper's protocol.

    11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03, L = 255, "valid" filtering as
    MATLAB's `ssim_index` and BasicSR's `calculate_ssim`; the mean of the SSIM map. On RGB
    (`y_channel=False`) the per-channel SSIMs are averaged.

    Args:
        sr, hr, crop_border, y_channel: as in `psnr`.

    Returns:
        float, at most 1.0 (1.0 for identical images).

    Raises:
        ValueError: shapes differ, or the cropped image is smaller than the 11x11 window.

    Examples:
        >>> import numpy as np
        >>> hr = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
        >>> ssim(hr, hr, crop_border=4)
        1.0
    """
    sr, hr = _prepare(sr, hr, crop_border, y_channel)
    if min(sr.shape[:2]) < 11:
        raise ValueError(
            f"SSIM needs at least 11x11 pixels after cropping, got {sr.shape[0]}x{sr.shape[1]}"
        )
    g = _gaussian_1d()
    c1 = (0.01 * 255.0) ** 2
    c2 = (0.03 * 255.0) ** 2
    values = [_ssim_single(sr[..., i], hr[..., i], g, c1, c2) for i in range(sr.shape[-1])]
    return float(np.mean(values))
