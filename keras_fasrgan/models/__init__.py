"""The paper's networks and, below them, the GAN trainers."""

from keras_fasrgan.models.feature_extractor import FeatureExtractor
from keras_fasrgan.models.network import Network
from keras_fasrgan.models.rrdbnet import RRDBNet
from keras_fasrgan.models.unet_discriminator import UNetDiscriminator
from keras_fasrgan.models.vgg_discriminator import VGGDiscriminator

# Trainers are appended below by their modules' owners.
