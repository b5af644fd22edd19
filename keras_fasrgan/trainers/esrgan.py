"""ESRGAN baseline trainer: RRDBNet G, VGG-style D, pixel + perceptual + RaGAN.

Examples:
    >>> from keras_fasrgan.models import RRDBNet, VGGDiscriminator
    >>> from keras_fasrgan.trainers import ESRGAN
    >>> gan = ESRGAN(RRDBNet(), VGGDiscriminator(input_size=128), perceptual_loss="vgg19-dcbb9e9d.pth")
    >>> gan.compile()  # the "esrgan" recipe: Adam 1e-4 for G and D, halved at 50k/100k/200k/300k
    >>> gan.fit(pairs, epochs=1)  # logs g_loss, pixel, perceptual, adversarial, d_loss, real/fake_score
"""

import keras

from keras_fasrgan.trainers.gan_base import GANTrainerBase


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class ESRGAN(GANTrainerBase):
    """ESRGAN trainer: relativistic-average GAN on the discriminator's image score.

    Args:
        generator: `RRDBNet`.
        discriminator: a model returning one logit per image (`VGGDiscriminator`).
        perceptual_loss: a `PerceptualLoss`, a weights spec for it ("imagenet", a VGG19 `.pth`
            or `.h5` path), or None to drop the term.
        loss_weights: overrides of the recipe's {"pixel": 1e-2, "perceptual": 1,
            "adversarial": 5e-3}; another term is an error.
        d_update_ratio: G is updated only every k-th iteration (official option, default 1).
        d_init_iters: D-only warm-up iterations (default 0).
        ema_decay: None or e.g. 0.999 (EMA generator for inference/export).
        crop_border: PSNR/SSIM border for `evaluate` (default: the generator's scale).

    Examples:
        >>> gan = ESRGAN(generator, discriminator, perceptual_loss=None)
    """

    recipe = "esrgan"
