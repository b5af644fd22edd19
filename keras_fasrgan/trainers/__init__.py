"""The trainers: `keras.Model`s that hold the networks and train them with `fit`.

- `SRModel`: the PSNR stage (L1), for RRDBNet or E + G;
- `ESRGAN`, `FASRGAN`, `FsSRGAN`, `FAFsSRGAN`: the GAN stages;
- `SRTrainerBase`, `GANTrainerBase`: what they share; `OptimizerGroup`: G and D optimizers
  behind one `model.optimizer`; `LossSpec`: the loss terms of a method, as data.

Each trainer's defaults (optimizers, loss weights) come from its recipe in
`keras_fasrgan.recipes`.

Examples:
    >>> from keras_fasrgan.models import RRDBNet, UNetDiscriminator
    >>> from keras_fasrgan.trainers import FASRGAN
    >>> gan = FASRGAN(RRDBNet(), UNetDiscriminator(), perceptual_loss="vgg19-dcbb9e9d.pth")
    >>> gan.compile()
"""

from keras_fasrgan.trainers.base import SRTrainerBase
from keras_fasrgan.trainers.esrgan import ESRGAN
from keras_fasrgan.trainers.fa_fs_srgan import FAFsSRGAN
from keras_fasrgan.trainers.fasrgan import FASRGAN
from keras_fasrgan.trainers.fs_srgan import FsSRGAN
from keras_fasrgan.trainers.gan_base import GANTrainerBase
from keras_fasrgan.trainers.loss_terms import LossSpec
from keras_fasrgan.trainers.optimizer_group import OptimizerGroup
from keras_fasrgan.trainers.sr_model import SRModel
from keras_fasrgan.trainers.steps import num_replicas_in_sync

__all__ = [
    "ESRGAN",
    "FAFsSRGAN",
    "FASRGAN",
    "FsSRGAN",
    "GANTrainerBase",
    "LossSpec",
    "OptimizerGroup",
    "SRModel",
    "SRTrainerBase",
    "num_replicas_in_sync",
]
