"""Tiny networks and data shared by the trainer tests (HR 32, LR 8, x4)."""

import keras
import numpy as np

from keras_fasrgan.models import FeatureExtractor
from keras_fasrgan.models import RRDBNet
from keras_fasrgan.models import UNetDiscriminator
from keras_fasrgan.models import VGGDiscriminator


def tiny_generator(in_channels=3):
    return RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4, in_channels=in_channels)


def tiny_extractor():
    return FeatureExtractor(num_blocks=1, filters=8, growth_channels=4)


def tiny_unet(in_channels=3):
    return UNetDiscriminator(in_channels=in_channels, input_size=32)


def tiny_vgg(in_channels=3):
    return VGGDiscriminator(in_channels=in_channels, input_size=32)


def pairs(n=2, seed=0):
    rng = np.random.default_rng(seed)
    hr = rng.uniform(size=(n, 32, 32, 3)).astype("float32")
    lr = hr.reshape(n, 8, 4, 8, 4, 3).mean(axis=(2, 4)).astype("float32")
    return lr, hr


def weights_of(variables):
    return [keras.ops.convert_to_numpy(v).copy() for v in variables]


def changed(before, variables):
    after = weights_of(variables)
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


def to_np(x):
    return keras.ops.convert_to_numpy(x)
