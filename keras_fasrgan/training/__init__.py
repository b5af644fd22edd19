"""Training runs: the presets (one per recipe), the `train()` driver, run-management callbacks.

- `config`: `TrainingConfig`, `load_config` / `save_config`, checked overrides;
- `presets`: `PRESETS` built from `keras_fasrgan.recipes`, `tiny_overrides`;
- `build`: networks, optimizers and the compiled trainer of a config;
- `datasets`: the training / validation data of a run (DIV2K, photo folders, datasets);
- `run`: `train()`, in named steps; `callbacks`: NaN stop, safe backups, sample images.

Examples:
    >>> from keras_fasrgan.training import load_config, build_trainer, train
    >>> result = train("fasrgan_x4", "~/data/DIV2K", "runs/fasrgan", pretrained="RRDB_PSNR_x4.pth")
"""

from keras_fasrgan.training.build import build_networks
from keras_fasrgan.training.build import build_trainer
from keras_fasrgan.training.build import make_optimizer
from keras_fasrgan.training.callbacks import SampleImages
from keras_fasrgan.training.callbacks import StopOnNaN
from keras_fasrgan.training.callbacks import TrainingBackup
from keras_fasrgan.training.callbacks import read_backup_metadata
from keras_fasrgan.training.config import TrainingConfig
from keras_fasrgan.training.config import apply_overrides
from keras_fasrgan.training.config import check_config
from keras_fasrgan.training.config import load_config
from keras_fasrgan.training.config import save_config
from keras_fasrgan.training.presets import PRESETS
from keras_fasrgan.training.presets import available_configs
from keras_fasrgan.training.presets import tiny_overrides
from keras_fasrgan.training.run import train

__all__ = [
    "PRESETS",
    "SampleImages",
    "StopOnNaN",
    "TrainingBackup",
    "TrainingConfig",
    "apply_overrides",
    "available_configs",
    "build_networks",
    "build_trainer",
    "check_config",
    "load_config",
    "make_optimizer",
    "read_backup_metadata",
    "save_config",
    "tiny_overrides",
    "train",
]
