"""Image-quality metrics with the paper's evaluation protocol.

- `psnr`, `ssim`, `rgb_to_y`: NumPy float64, Y channel of BT.601, border crop (Table I).
- `PSNRMetric`, `SSIMMetric`: the same as `keras.metrics.Metric`s (any backend).
- `niqe`, `perceptual_index`: the no-reference NIQE and the PIRM Perceptual Index.
- `LPIPS`: learned perceptual distance (AlexNet), with a loader for the official weights.
"""

from keras_fasrgan.metrics.niqe import load_niqe_params
from keras_fasrgan.metrics.niqe import niqe
from keras_fasrgan.metrics.niqe import perceptual_index
from keras_fasrgan.metrics.psnr_ssim import psnr
from keras_fasrgan.metrics.psnr_ssim import rgb_to_y
from keras_fasrgan.metrics.psnr_ssim import ssim

# Keras-dependent names are imported on first use, so `psnr`/`ssim` stay cheap (no Keras).
_LAZY = {
    "PSNRMetric": "keras_fasrgan.metrics.keras_metrics",
    "SSIMMetric": "keras_fasrgan.metrics.keras_metrics",
    "LPIPS": "keras_fasrgan.metrics.lpips",
    "AlexNetFeatures": "keras_fasrgan.metrics.lpips",
    "lpips_distance": "keras_fasrgan.metrics.lpips",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AlexNetFeatures",
    "LPIPS",
    "PSNRMetric",
    "SSIMMetric",
    "load_niqe_params",
    "lpips_distance",
    "niqe",
    "perceptual_index",
    "psnr",
    "rgb_to_y",
    "ssim",
]
