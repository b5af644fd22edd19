"""FA+Fs-SRGAN trainer: the shared extractor of Fs-SRGAN with FASRGAN's UNet discriminator and
attention loss (DESIGN 1.3; attention weight 1e-2, lr 2.5e-5 in the official recipe).

Example:

```python
from keras_fasrgan.models import FAFsSRGAN, FeatureExtractor, RRDBNet, UNetDiscriminator
gan = FAFsSRGAN(
    FeatureExtractor(num_blocks=2),
    RRDBNet(num_blocks=15, in_channels=64),
    UNetDiscriminator(in_channels=64),
    perceptual_loss="vgg19-dcbb9e9d.pth",
)
from keras_fasrgan.optimizers import official_optimizer
gan.compile(official_optimizer("fa_fs_srgan"), official_optimizer("fa_fs_srgan"))
```
"""

import keras

from keras_fasrgan.losses import DEFAULT_LOSS_WEIGHTS
from keras_fasrgan.models.fs_srgan import FsSRGAN

FA_FS_SRGAN_LOSS_WEIGHTS = dict(DEFAULT_LOSS_WEIGHTS, attention=1e-2)


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class FAFsSRGAN(FsSRGAN):
    """FA+Fs-SRGAN trainer: SR = G(E(LR)); (score, map) = D(E(.)) with a UNet D on E features.

    Loss weights default to FASRGAN's with attention 1e-2. Arguments as for `FsSRGAN`, with
    a discriminator returning `(score, score_map)`.

    Example:

    ```python
    gan = FAFsSRGAN(extractor, generator, UNetDiscriminator(in_channels=64), perceptual_loss=None)
    ```
    """

    uses_score_map = True
    uses_attention = True
    default_loss_weights = FA_FS_SRGAN_LOSS_WEIGHTS
