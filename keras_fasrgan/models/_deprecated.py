"""The trainers' old import paths (before they moved to `keras_fasrgan.trainers`), for one release.

`keras_fasrgan.models.FASRGAN`, `keras_fasrgan.models.trainer_base.GANTrainerBase`,
`keras_fasrgan.models.sr_model.SRModel`, ... still resolve, with a `DeprecationWarning` that
names the new path. The old submodules are light module objects registered in `sys.modules`,
so `import keras_fasrgan.models.fasrgan` keeps working without files in `models/`.
"""

import importlib
import sys
import types
import warnings

_NEW = "keras_fasrgan.trainers"
_CLASSES = ("ESRGAN", "FAFsSRGAN", "FASRGAN", "FsSRGAN", "GANTrainerBase", "OptimizerGroup",
            "SRModel", "SRTrainerBase")
_LOAD = {"load_generator_weights": "keras_fasrgan.loading"}

# old module -> {old name: new module}
MOVED = {
    "keras_fasrgan.models": dict({c: _NEW for c in _CLASSES}, **_LOAD),
    "keras_fasrgan.models.trainer_base": dict(
        {c: _NEW for c in ("GANTrainerBase", "OptimizerGroup", "SRTrainerBase", "num_replicas_in_sync")},
        resolve_perceptual_loss="keras_fasrgan.trainers.gan_base",
        default_adam=__name__,
        **_LOAD,
    ),
    "keras_fasrgan.models.sr_model": {"SRModel": _NEW, "default_adam": __name__},
    "keras_fasrgan.models.esrgan": {"ESRGAN": _NEW},
    "keras_fasrgan.models.fasrgan": {"FASRGAN": _NEW},
    "keras_fasrgan.models.fs_srgan": {"FsSRGAN": _NEW},
    "keras_fasrgan.models.fa_fs_srgan": {"FAFsSRGAN": _NEW, "FA_FS_SRGAN_LOSS_WEIGHTS": __name__},
}
SUBMODULES = {name.rsplit(".", 1)[1]: name for name in MOVED if name != "keras_fasrgan.models"}


def _default_adam():
    from keras_fasrgan.optimizers import official_optimizer

    def default_adam(learning_rate=1e-4):
        return official_optimizer("fasrgan", learning_rate=learning_rate)

    return default_adam


def _fa_fs_weights():
    from keras_fasrgan.recipes import get_recipe

    return dict(get_recipe("fa_fs_srgan").loss_weights)


# Old names without a new home of their own: (what replaces them, a getter).
_REPLACED = {
    "default_adam": ("keras_fasrgan.optimizers.official_optimizer", _default_adam),
    "FA_FS_SRGAN_LOSS_WEIGHTS": (
        "keras_fasrgan.recipes.get_recipe('fa_fs_srgan').loss_weights", _fa_fs_weights
    ),
}


def resolve(module, name):
    """The object `module.name` moved to, with a DeprecationWarning; AttributeError if none."""
    if name in SUBMODULES and module == "keras_fasrgan.models":
        return sys.modules[SUBMODULES[name]]
    new = MOVED[module].get(name)
    if new is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    where = _REPLACED[name][0] if new == __name__ else f"{new}.{name}"
    warnings.warn(
        f"{module}.{name} is deprecated: use {where} (the old path will be removed in the "
        "next release)",
        DeprecationWarning,
        stacklevel=3,
    )
    if new == __name__:
        return _REPLACED[name][1]()
    return getattr(importlib.import_module(new), name)


class _MovedModule(types.ModuleType):
    def __getattr__(self, name):
        return resolve(self.__name__, name)

    def __dir__(self):
        return sorted(MOVED[self.__name__])


def install():
    """Registers the old submodules in `sys.modules` (called by `keras_fasrgan.models`)."""
    for name in SUBMODULES.values():
        if name not in sys.modules:
            sys.modules[name] = _MovedModule(name, f"Deprecated: moved to {_NEW}.")
