"""FASRGAN trainer: UNet discriminator with image score and per-pixel score map, plus the
fine-grained attention loss.

Examples:
    >>> from keras_fasrgan.models import RRDBNet, UNetDiscriminator
    >>> from keras_fasrgan.trainers import FASRGAN
    >>> gan = FASRGAN(RRDBNet(), UNetDiscriminator(), perceptual_loss="vgg19-dcbb9e9d.pth")
    >>> gan.load_pretrained_generator("RRDB_PSNR_x4.pth")
    >>> gan.compile()  # the "fasrgan" recipe: Adam 1e-4 halved at 50k/100k/200k/300k
    >>> gan.fit(pairs, epochs=1)  # logs g_loss, pixel, perceptual, adversarial, map, attention, d_loss, ...
"""

import keras

from keras_fasrgan.trainers.gan_base import GANTrainerBase


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class FASRGAN(GANTrainerBase):
    """FASRGAN trainer.

    G loss: 1e-2 L1 + 1 perceptual + 5e-3 RaGAN(score) + 5e-3 per-pixel GAN(map) + 5e-2
    attention, where attention = mean(|SR - HR| * stop_gradient(1 - sigmoid(M(SR)))).
    D loss: RaGAN(score) + per-pixel BCE(map). Arguments as for `ESRGAN`, with a
    discriminator returning `(score, score_map)` (`UNetDiscriminator`); `loss_weights` also
    accepts "map" and "attention".

    Examples:
        >>> gan = FASRGAN(generator, UNetDiscriminator(input_size=128), loss_weights={"attention": 1e-2})
    """

    recipe = "fasrgan"
