"""Building blocks of the paper's networks (Keras layers, `keras.ops` only)."""

from keras_fasrgan.layers.conv import conv3x3
from keras_fasrgan.layers.double_conv import DoubleConv
from keras_fasrgan.layers.initializers import KaimingNormal
from keras_fasrgan.layers.pixel_unshuffle import PixelUnshuffle
from keras_fasrgan.layers.residual_dense_block import ResidualDenseBlock
from keras_fasrgan.layers.rrdb import RRDB
from keras_fasrgan.layers.upsample import BilinearUpsample
from keras_fasrgan.layers.upsample import NearestUpsample

__all__ = [
    "BilinearUpsample",
    "DoubleConv",
    "KaimingNormal",
    "NearestUpsample",
    "PixelUnshuffle",
    "RRDB",
    "ResidualDenseBlock",
    "conv3x3",
]
