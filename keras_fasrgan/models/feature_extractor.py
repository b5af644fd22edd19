"""Fs-SRGAN's shared feature extractor E."""

import keras

from keras_fasrgan.layers import conv3x3
from keras_fasrgan.models.network import Network
from keras_fasrgan.models.rrdbnet import rrdb_trunk


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class FeatureExtractor(Network):
    """The "shallow feature extraction" network E that Fs-SRGAN shares between G and D.

    conv_first (3 -> nf), then a residual shortcut around [`num_blocks` x RRDB, conv_body]:
    the trunk of RRDBNet without its upsampler. Fully convolutional; returns `filters`
    channels at the input resolution. In Fs-SRGAN, G works on E(LR) and D on E(HR), E(SR).
    The released `FsSRGAN_E.pth` has `num_blocks=1` (758,144 parameters).

    The official code initialises E (`define_E`) with Kaiming-normal weights at scale 1,
    not the 0.1 of the generator (`define_G`): `init_scale=1.0` by default.

    Args:
        num_blocks: RRDBs in the trunk (1 in Fs-SRGAN, 2 in FA+Fs-SRGAN).
        filters: output channels (64).
        growth_channels: dense-block growth channels (32).
        in_channels: input channels (3).
        init_scale: scale of the convs' Kaiming-normal initialisation (1, as `define_E`).

    Examples:
        >>> extractor = FeatureExtractor(num_blocks=1)
        >>> extractor.count_params()
        758144
        >>> extractor(keras.ops.zeros((1, 16, 16, 3))).shape
        (1, 16, 16, 64)
    """

    def __init__(
        self, num_blocks=1, filters=64, growth_channels=32, in_channels=3, init_scale=1.0, **kwargs
    ):
        inputs = keras.Input(shape=(None, None, in_channels), name="image")
        x = conv3x3(filters, name="conv_first", init_scale=init_scale)(inputs)
        outputs = rrdb_trunk(x, num_blocks, filters, growth_channels, init_scale=init_scale)
        kwargs.setdefault("name", "feature_extractor")
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self._set_config(
            num_blocks=num_blocks,
            filters=filters,
            growth_channels=growth_channels,
            in_channels=in_channels,
            init_scale=init_scale,
        )
