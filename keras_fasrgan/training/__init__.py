"""Training runs: the presets (one per recipe), the `train()` driver, run-management callbacks.

- `config`: `TrainingConfig`, `load_config` / `save_config`, checked overrides;
- `presets`: `PRESETS` built from `keras_fasrgan.recipes`, `tiny_overrides`;
- `build`: networks, optimizers and the compiled trainer of a config;
- `datasets`: the training / validation data of a run (DIV2K, photo folders, datasets);
- `distribute`: one device, several devices or several machines (`Cluster`, `make_cluster`);
- `resume`: the checkpoint a restarted run continues from, and its checks;
- `run`: `train()`, in named steps; `loop`: its loop under MultiWorkerMirroredStrategy;
- `callbacks`: NaN stop, safe backups, sample images.

The names below are imported on first use, so that `keras_fasrgan.training.config` and
`.presets` (read by `fasrgan train` to check its arguments) do not import Keras.

Examples:
    >>> from keras_fasrgan.training import load_config, build_trainer, train
    >>> result = train("fasrgan_x4", "~/data/DIV2K", "runs/fasrgan", pretrained="RRDB_PSNR_x4.pth")
"""

import importlib

_EXPORTS = {
    "build": ("build_networks", "build_trainer", "make_optimizer"),
    "callbacks": ("SampleImages", "StopOnNaN", "TrainingBackup"),
    "config": ("TrainingConfig", "apply_overrides", "check_config", "load_config", "save_config"),
    "distribute": ("Cluster", "cluster_of", "make_cluster"),
    "presets": ("PRESETS", "available_configs", "tiny_overrides"),
    "resume": ("read_backup_metadata",),
    "run": ("train",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    if name in _MODULE_OF:
        module = importlib.import_module(f"keras_fasrgan.training.{_MODULE_OF[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'keras_fasrgan.training' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
