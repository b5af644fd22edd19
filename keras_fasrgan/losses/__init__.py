"""keras_fasrgan.losses: pixel, perceptual (VGG19), relativistic GAN, score-map, attention losses.

Examples:
    >>> from keras_fasrgan.losses import pixel_loss, PerceptualLoss, relativistic_generator_loss
"""

from keras_fasrgan.losses.colour_anchor import ColourAnchorLoss
from keras_fasrgan.losses.cross_replica import batch_mean
from keras_fasrgan.losses.gan import attention_loss
from keras_fasrgan.losses.gan import bce_with_logits
from keras_fasrgan.losses.gan import discriminator_loss
from keras_fasrgan.losses.gan import relativistic_discriminator_loss
from keras_fasrgan.losses.gan import relativistic_generator_loss
from keras_fasrgan.losses.gan import score_map_discriminator_loss
from keras_fasrgan.losses.gan import score_map_generator_loss
from keras_fasrgan.losses.perceptual import PerceptualLoss
from keras_fasrgan.losses.perceptual import build_vgg19_features
from keras_fasrgan.losses.perceptual import load_torchvision_vgg19_state
from keras_fasrgan.losses.perceptual import vgg19_layer_names
from keras_fasrgan.losses.pixel import pixel_loss
from keras_fasrgan.losses.weights import DEFAULT_LOSS_WEIGHTS
from keras_fasrgan.losses.weights import resolve_loss_weights

__all__ = [
    "ColourAnchorLoss",
    "DEFAULT_LOSS_WEIGHTS",
    "PerceptualLoss",
    "attention_loss",
    "batch_mean",
    "bce_with_logits",
    "build_vgg19_features",
    "discriminator_loss",
    "load_torchvision_vgg19_state",
    "pixel_loss",
    "relativistic_discriminator_loss",
    "relativistic_generator_loss",
    "resolve_loss_weights",
    "score_map_discriminator_loss",
    "score_map_generator_loss",
    "vgg19_layer_names",
]
