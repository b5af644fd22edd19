"""FA+Fs-SRGAN trainer: the shared extractor of Fs-SRGAN with FASRGAN's UNet discriminator and
attention loss (attention weight 1e-2, lr 2.5e-5 in the official recipe).

Examples:
    >>> from keras_fasrgan.models import FeatureExtractor, RRDBNet, UNetDiscriminator
    >>> from keras_fasrgan.trainers import FAFsSRGAN
    >>> gan = FAFsSRGAN(
    ...     FeatureExtractor(num_blocks=2),
    ...     RRDBNet(num_blocks=15, in_channels=64),
    ...     UNetDiscriminator(in_channels=64),
    ...     perceptual_loss="vgg19-dcbb9e9d.pth",
    ... )
    >>> gan.compile()  # the "fa_fs_srgan" recipe: Adam 2.5e-5 halved at 50k/100k/200k/300k
"""

import keras

from keras_fasrgan.trainers.fs_srgan import FsSRGAN


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class FAFsSRGAN(FsSRGAN):
    """FA+Fs-SRGAN trainer: SR = G(E(LR)); (score, map) = D(E(.)) with a UNet D on E features.

    Loss weights default to FASRGAN's with attention 1e-2. Arguments as for `FsSRGAN`, with
    a discriminator returning `(score, score_map)`.

    Examples:
        >>> gan = FAFsSRGAN(extractor, generator, UNetDiscriminator(in_channels=64), perceptual_loss=None)
    """

    recipe = "fa_fs_srgan"
