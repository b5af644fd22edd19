"""The paper's networks: RRDBNet, the UNet and VGG discriminators, the feature extractor E.

The trainers live in `keras_fasrgan.trainers`; their old paths here
(`keras_fasrgan.models.FASRGAN`, `keras_fasrgan.models.trainer_base`, ...) still work for
one release, with a `DeprecationWarning`.
"""

import importlib as _importlib

from keras_fasrgan.models import _deprecated
from keras_fasrgan.models.feature_extractor import FeatureExtractor
from keras_fasrgan.models.network import Network
from keras_fasrgan.models.rrdbnet import RRDBNet
from keras_fasrgan.models.unet_discriminator import UNetDiscriminator
from keras_fasrgan.models.vgg_discriminator import VGGDiscriminator

_deprecated.install()
# For the deprecation release only: importing the networks also registers the trainer
# classes, so `.keras` files of trainers load as before (`keras_fasrgan>FASRGAN`, ...).
_importlib.import_module("keras_fasrgan.trainers")

__all__ = ["FeatureExtractor", "Network", "RRDBNet", "UNetDiscriminator", "VGGDiscriminator"]


def __getattr__(name):
    return _deprecated.resolve(__name__, name)
