"""keras_fasrgan: FASRGAN and Fs-SRGAN super-resolution GANs in Keras 3.

Yan et al., "Fine-Grained Attention and Feature-Sharing Generative Adversarial Networks for
Single Image Super-Resolution", IEEE Transactions on Multimedia 24 (2022).

Subpackages: `layers`, `models` (networks), `trainers`, `losses`, `data`, `metrics`, `training`,
`inference`, `export`, `convert`.

As `import keras_hub` does, `import keras_fasrgan` registers every serialisable class of the
package (layers, networks, trainers, losses, metrics, learning-rate schedules and optimizers)
with Keras, so `keras.saving.load_model("model.keras")` finds them. That imports Keras and its
backend; the other subpackages are imported on first use. The `fasrgan` command line defers
the registration until its argument checks have passed (see `keras_fasrgan_cli`).

Examples:
    >>> import keras, keras_fasrgan
    >>> model = keras.saving.load_model("fasrgan-demo/fasrgan_generator.keras")  # doctest: +SKIP
"""

import importlib
import sys

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
    "recipes",
    "trainers",
    "training",
    "utils",
)

# Every module that defines a `@keras.saving.register_keras_serializable` class: importing it
# registers them.
SERIALIZABLE_MODULES = (
    "keras_fasrgan.layers",
    "keras_fasrgan.models",
    "keras_fasrgan.trainers",
    "keras_fasrgan.optimizers",
    "keras_fasrgan.losses",
    "keras_fasrgan.metrics.keras_metrics",
    "keras_fasrgan.metrics.lpips",
)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_fasrgan.{name}")
    raise AttributeError(f"module 'keras_fasrgan' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))


def register_serializables():
    """Registers every serialisable class of the package with Keras (imports its modules).

    `import keras_fasrgan` calls it; calling it again costs nothing.

    Examples:
        >>> import keras_fasrgan
        >>> keras_fasrgan.register_serializables()
        >>> import keras
        >>> keras.saving.get_registered_object("keras_fasrgan>RRDBNet").__name__
        'RRDBNet'
    """
    for name in SERIALIZABLE_MODULES:
        importlib.import_module(name)


def _registration_deferred():
    """True inside the `fasrgan` command, whose entry point asks to register later."""
    entry = sys.modules.get("keras_fasrgan_cli")
    return bool(getattr(entry, "DEFER_REGISTRATION", False))


if not _registration_deferred():
    register_serializables()
