"""The paper's networks and, below them, the GAN trainers."""

from keras_fasrgan.models.feature_extractor import FeatureExtractor
from keras_fasrgan.models.network import Network
from keras_fasrgan.models.rrdbnet import RRDBNet
from keras_fasrgan.models.unet_discriminator import UNetDiscriminator
from keras_fasrgan.models.vgg_discriminator import VGGDiscriminator

# Trainers are appended below by their modules' owners.

# Trainers (losses/trainers helper).
from keras_fasrgan.models.esrgan import ESRGAN  # noqa: E402
from keras_fasrgan.models.fa_fs_srgan import FAFsSRGAN  # noqa: E402
from keras_fasrgan.models.fasrgan import FASRGAN  # noqa: E402
from keras_fasrgan.models.fs_srgan import FsSRGAN  # noqa: E402
from keras_fasrgan.models.sr_model import SRModel  # noqa: E402
from keras_fasrgan.models.trainer_base import GANTrainerBase  # noqa: E402
from keras_fasrgan.models.trainer_base import OptimizerGroup  # noqa: E402
from keras_fasrgan.models.trainer_base import SRTrainerBase  # noqa: E402
from keras_fasrgan.models.trainer_base import load_generator_weights  # noqa: E402
