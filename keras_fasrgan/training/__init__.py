"""Training runs: official presets, the `train()` driver, and run-management callbacks.

Example:

```python
from keras_fasrgan.training import load_config, build_trainer, train
result = train("fasrgan_x4", "~/data/DIV2K", "runs/fasrgan", pretrained="RRDB_PSNR_x4.pth")
```
"""

from keras_fasrgan.training.callbacks import SampleImages
from keras_fasrgan.training.callbacks import StopOnNaN
from keras_fasrgan.training.callbacks import TrainingBackup
from keras_fasrgan.training.callbacks import read_backup_metadata
from keras_fasrgan.training.configs import PRESETS
from keras_fasrgan.training.configs import TINY_OVERRIDES
from keras_fasrgan.training.configs import TrainingConfig
from keras_fasrgan.training.configs import apply_overrides
from keras_fasrgan.training.configs import available_configs
from keras_fasrgan.training.configs import build_networks
from keras_fasrgan.training.configs import build_trainer
from keras_fasrgan.training.configs import load_config
from keras_fasrgan.training.configs import make_optimizer
from keras_fasrgan.training.configs import save_config
from keras_fasrgan.training.run import train

__all__ = [
    "PRESETS",
    "SampleImages",
    "StopOnNaN",
    "TINY_OVERRIDES",
    "TrainingBackup",
    "TrainingConfig",
    "apply_overrides",
    "available_configs",
    "build_networks",
    "build_trainer",
    "load_config",
    "make_optimizer",
    "read_backup_metadata",
    "save_config",
    "train",
]
