"""Fs-SRGAN trainer: a feature extractor E shared by G and D.

Examples:
    >>> from keras_fasrgan.models import FeatureExtractor, RRDBNet, VGGDiscriminator
    >>> from keras_fasrgan.trainers import FsSRGAN
    >>> gan = FsSRGAN(
    ...     FeatureExtractor(num_blocks=1),
    ...     RRDBNet(num_blocks=16, in_channels=64),
    ...     VGGDiscriminator(in_channels=64, input_size=192),
    ...     perceptual_loss="vgg19-dcbb9e9d.pth",
    ... )
    >>> gan.load_pretrained_generator("runs/fs_srgan_psnr/generator.keras")  # E and G
    >>> gan.compile()  # the "fs_srgan" recipe: Adam 1e-4 halved at 50k/100k/200k/300k
"""

import keras

from keras_fasrgan.trainers.gan_base import GANTrainerBase


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class FsSRGAN(GANTrainerBase):
    """Fs-SRGAN trainer: SR = G(E(LR)), scores D(E(HR)) and D(E(SR)).

    E is updated by both steps: the G step (G optimizer, E + G) and the D step (D optimizer,
    D + E), with separate optimizer slots. Losses: pixel + perceptual + RaGAN, no map and
    no attention. `call(lr)` returns G(E(lr)); `export_sr_model()` gives an LR -> SR model.

    Args:
        extractor: `FeatureExtractor`.
        generator: `RRDBNet(in_channels=extractor's filters)`.
        discriminator: `VGGDiscriminator(in_channels=extractor's filters)`.
        others: as for `ESRGAN`.

    Examples:
        >>> gan = FsSRGAN(extractor, generator, discriminator, perceptual_loss=None)
    """

    recipe = "fs_srgan"

    def __init__(
        self,
        extractor,
        generator,
        discriminator,
        perceptual_loss="imagenet",
        loss_weights=None,
        d_update_ratio=1,
        d_init_iters=0,
        ema_decay=None,
        crop_border=None,
        **kwargs,
    ):
        super().__init__(
            generator,
            discriminator,
            perceptual_loss=perceptual_loss,
            extractor=extractor,
            loss_weights=loss_weights,
            d_update_ratio=d_update_ratio,
            d_init_iters=d_init_iters,
            ema_decay=ema_decay,
            crop_border=crop_border,
            **kwargs,
        )
