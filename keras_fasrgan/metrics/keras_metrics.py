"""PSNR and SSIM as `keras.metrics.Metric`s, for `model.fit(...)` / `model.evaluate(...)`.

Written with `keras.ops` only, so they run on TensorFlow, JAX and PyTorch. They follow the
same protocol as the NumPy `psnr`/`ssim` (Y channel of BT.601, border crop, Wang et al.'s
SSIM with an 11x11 Gaussian window and "valid" filtering), computed in float32. Inputs are
float images in [0, 1], shape `(batch, H, W, 3)` (or `(batch, H, W, 1)` grayscale, used as Y);
they are clipped to [0, 1] and, with `quantize=True`, rounded to 8-bit levels first, which is
what saving the image as PNG does, so the result then matches the NumPy protocol on the saved
files. The metric value is the mean over images.
"""

import keras
from keras import ops

_Y_WEIGHTS = (65.481, 128.553, 24.966)


def _to_255_scale(images, y_channel, quantize):
    """(B, H, W, C) float [0, 1] -> (B, H, W, C') float32 on the 0-255 scale (Y or RGB)."""
    images = ops.clip(ops.cast(images, "float32"), 0.0, 1.0)
    if quantize:
        images = ops.round(images * 255.0) / 255.0
    channels = images.shape[-1]
    if channels == 3 and y_channel:
        w = ops.convert_to_tensor(_Y_WEIGHTS, dtype="float32")
        return 16.0 + ops.sum(images * w, axis=-1, keepdims=True)
    return images * 255.0


def _crop(images, border):
    if border:
        return images[:, border:-border, border:-border, :]
    return images


def _check_config(crop_border):
    crop_border = int(crop_border)
    if crop_border < 0:
        raise ValueError(f"crop_border must be >= 0, got {crop_border}")
    return crop_border


class _ImageMeanMetric(keras.metrics.Metric):
    """Mean over images of a per-image score; subclasses implement `_per_image`."""

    def __init__(self, crop_border=0, y_channel=True, quantize=False, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.crop_border = _check_config(crop_border)
        self.y_channel = bool(y_channel)
        self.quantize = bool(quantize)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true)
        y_pred = ops.convert_to_tensor(y_pred)
        if len(y_true.shape) == 3:  # a single image
            y_true, y_pred = y_true[None], y_pred[None]
        hr = _crop(_to_255_scale(y_true, self.y_channel, self.quantize), self.crop_border)
        sr = _crop(_to_255_scale(y_pred, self.y_channel, self.quantize), self.crop_border)
        values = self._per_image(sr, hr)
        if sample_weight is None:
            weights = ops.ones_like(values)
        else:
            weights = ops.reshape(ops.cast(sample_weight, "float32"), (-1,))
            weights = ops.broadcast_to(weights, ops.shape(values))
        self.total.assign(self.total + ops.cast(ops.sum(values * weights), self.dtype))
        self.count.assign(self.count + ops.cast(ops.sum(weights), self.dtype))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)

    def get_config(self):
        return {
            "crop_border": self.crop_border,
            "y_channel": self.y_channel,
            "quantize": self.quantize,
            "name": self.name,
            "dtype": self.dtype,
        }


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class PSNRMetric(_ImageMeanMetric):
    """Mean PSNR (dB) over images, with the paper's protocol, as a Keras metric.

    Identical images would give an infinite PSNR; the MSE is floored at 1e-10 so that the
    mean stays finite (about 148 dB for a perfect image).

    Args:
        crop_border: pixels removed from every side (the scale factor in the paper).
        y_channel: compare the BT.601 Y channel (default) or the RGB channels.
        quantize: round both images to 8-bit levels first (matches evaluating saved PNGs).
        name, dtype: as for any Keras metric.

    Examples:
        >>> model.compile(optimizer="adam", loss="mae",  # doctest: +SKIP
        ...               metrics=[PSNRMetric(crop_border=4), SSIMMetric(crop_border=4)])
    """

    def __init__(self, crop_border=0, y_channel=True, quantize=False, name="psnr", dtype=None):
        super().__init__(crop_border, y_channel, quantize, name=name, dtype=dtype)

    def _per_image(self, sr, hr):
        # The +16 offset of Y cancels in the difference, which keeps float32 precise.
        mse = ops.mean(ops.square(sr - hr), axis=(1, 2, 3))
        mse = ops.maximum(mse, 1e-10)
        return 10.0 * ops.log10(255.0**2 / mse)


def _gaussian_kernel_1d(size=11, sigma=1.5):
    import numpy as np

    x = np.arange(size, dtype="float64") - (size - 1) / 2.0
    g = np.exp(-(x**2) / (2.0 * sigma**2))
    return (g / g.sum()).astype("float32")


def ssim_per_image(sr, hr):
    """Per-image SSIM of `(B, H, W, C)` float tensors on the 0-255 scale ("valid" filtering).

    The mean of the channel SSIMs, Wang et al.'s constants, 11x11 Gaussian window sigma 1.5.
    Variances are computed on mean-shifted data (exact, since they are shift invariant) to
    keep float32 accurate for values up to 255.
    """
    channels = sr.shape[-1]
    g = _gaussian_kernel_1d()
    # Shift both images by the same per-image constant: variances/covariance are unchanged.
    shift = ops.mean(hr, axis=(1, 2, 3), keepdims=True)
    x = sr - shift
    y = hr - shift
    stack = ops.concatenate([x, y, x * x, y * y, x * y], axis=-1)  # (B, H, W, 5C)
    n = 5 * channels
    kv = ops.convert_to_tensor(g.reshape(11, 1, 1, 1), dtype="float32")
    kh = ops.convert_to_tensor(g.reshape(1, 11, 1, 1), dtype="float32")
    kv = ops.tile(kv, (1, 1, n, 1))
    kh = ops.tile(kh, (1, 1, n, 1))
    f = ops.depthwise_conv(stack, kv, strides=1, padding="valid")
    f = ops.depthwise_conv(f, kh, strides=1, padding="valid")
    mx, my, mxx, myy, mxy = [f[..., i * channels:(i + 1) * channels] for i in range(5)]
    var_x = mxx - mx * mx
    var_y = myy - my * my
    cov = mxy - mx * my
    mu1 = mx + shift
    mu2 = my + shift
    c1 = (0.01 * 255.0) ** 2
    c2 = (0.03 * 255.0) ** 2
    ssim_map = ((2.0 * mu1 * mu2 + c1) * (2.0 * cov + c2)) / (
        (mu1 * mu1 + mu2 * mu2 + c1) * (var_x + var_y + c2)
    )
    return ops.mean(ssim_map, axis=(1, 2, 3))


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class SSIMMetric(_ImageMeanMetric):
    """Mean SSIM over images (Wang et al., the paper's protocol) as a Keras metric.

    Args:
        crop_border, y_channel, quantize, name, dtype: as for `PSNRMetric`. The cropped
            images must be at least 11x11.

    Examples:
        >>> metric = SSIMMetric(crop_border=4)
        >>> metric.update_state(hr_batch, sr_batch)  # doctest: +SKIP
        >>> float(metric.result())  # doctest: +SKIP
        0.84
    """

    def __init__(self, crop_border=0, y_channel=True, quantize=False, name="ssim", dtype=None):
        super().__init__(crop_border, y_channel, quantize, name=name, dtype=dtype)

    def _per_image(self, sr, hr):
        return ssim_per_image(sr, hr)
