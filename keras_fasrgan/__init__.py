"""keras_fasrgan: FASRGAN and Fs-SRGAN super-resolution GANs in Keras 3.

Yan et al., "Fine-Grained Attention and Feature-Sharing Generative Adversarial Networks for
Single Image Super-Resolution", IEEE Transactions on Multimedia 24 (2022).

Subpackages: `layers`, `models`, `losses`, `data`, `metrics`, `inference`, `export`, `convert`.
They are imported on first use, so `import keras_fasrgan` stays cheap.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "convert",
    "data",
    "export",
    "inference",
    "layers",
    "losses",
    "metrics",
    "models",
    "presets",
    "utils",
)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_fasrgan.{name}")
    raise AttributeError(f"module 'keras_fasrgan' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
