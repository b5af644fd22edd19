"""Image-quality metrics with the paper's evaluation protocol.

- `psnr`, `ssim`, `rgb_to_y`: NumPy float64, Y channel of BT.601, border crop (Table I).
- `PSNRMetric`, `SSIMMetric`: the same as `keras.metrics.Metric`s (any backend).
- `niqe`, `perceptual_index`: the no-reference NIQE and the PIRM Perceptual Index.
- `LPIPS`: learned perceptual distance (AlexNet), with a loader for the official weights.
"""

from keras_fasrgan.metrics.keras_metrics import PSNRMetric
from keras_fasrgan.metrics.keras_metrics import SSIMMetric
from keras_fasrgan.metrics.niqe import load_niqe_params
from keras_fasrgan.metrics.niqe import niqe
from keras_fasrgan.metrics.niqe import perceptual_index
from keras_fasrgan.metrics.psnr_ssim import psnr
from keras_fasrgan.metrics.psnr_ssim import rgb_to_y
from keras_fasrgan.metrics.psnr_ssim import ssim

__all__ = [
    "PSNRMetric",
    "SSIMMetric",
    "load_niqe_params",
    "niqe",
    "perceptual_index",
    "psnr",
    "rgb_to_y",
    "ssim",
]
