"""ESRGAN's VGG-style discriminator (`Discriminator_VGG_128` / `_192` of Wang et al. 2018)."""

import keras

from keras_fasrgan.layers import KaimingNormal
from keras_fasrgan.layers import conv3x3
from keras_fasrgan.layers.double_conv import TORCH_BN_EPSILON
from keras_fasrgan.layers.double_conv import TORCH_BN_MOMENTUM
from keras_fasrgan.models.network import Network

# Channels of the (3x3 stride 1, 4x4 stride 2) pairs after conv0 / conv1.
_STAGE_CHANNELS = (128, 256, 512, 512, 512)


def num_downsamplings(input_size):
    """Stride-2 convs of the official VGG discriminators: 5 at 128 (4x4), 6 at 192 (3x3).

    Other multiples of 32 use 6 when the size is a multiple of 64 and at least 192 (so the
    last map stays 3x3 or larger and square), else 5.
    """
    if input_size % 32:
        raise ValueError(f"input_size must be a multiple of 32, got {input_size}")
    return 6 if (input_size >= 192 and input_size % 64 == 0) else 5


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class VGGDiscriminator(Network):
    """ESRGAN's VGG-style discriminator, used by ESRGAN and (on E features) by Fs-SRGAN.

    conv0 (in -> 64) + LeakyReLU(0.2); then 4x4 stride-2 and 3x3 stride-1 convs in turn, each
    with BatchNorm + LeakyReLU(0.2), channels 64, 128, 128, 256, 256, 512, 512, 512, 512 (and
    512, 512 at 192), down to 4x4x512 at 128 or 3x3x512 at 192; Dense 100 + LeakyReLU(0.2);
    Dense 1. Returns one raw logit per image.

    Args:
        in_channels: 3 for images, 64 for Fs-SRGAN's D head on E features.
        input_size: side of the square input: 128 or 192 as the official code, or another
            multiple of 32.

    Examples:
        >>> disc = VGGDiscriminator(input_size=32)
        >>> disc(keras.ops.zeros((2, 32, 32, 3))).shape
        (2, 1)
    """

    def __init__(self, in_channels=3, input_size=128, **kwargs):
        n_down = num_downsamplings(input_size)
        inputs = keras.Input(shape=(input_size, input_size, in_channels), name="image")
        x = conv3x3(64, name="conv0", init_scale=1.0)(inputs)
        x = keras.layers.LeakyReLU(0.2, name="lrelu0")(x)
        specs = [(64, 4, 2)]  # conv1
        for channels in _STAGE_CHANNELS[: n_down - 1]:
            specs += [(channels, 3, 1), (channels, 4, 2)]
        for i, (channels, kernel, stride) in enumerate(specs, start=1):
            x = conv3x3(
                channels, name=f"conv{i}", init_scale=1.0, kernel_size=kernel, strides=stride
            )(x)
            x = keras.layers.BatchNormalization(
                momentum=TORCH_BN_MOMENTUM, epsilon=TORCH_BN_EPSILON, name=f"bn{i}"
            )(x)
            x = keras.layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(100, kernel_initializer=KaimingNormal(1.0), name="dense1")(x)
        x = keras.layers.LeakyReLU(0.2, name="lrelu_dense1")(x)
        outputs = keras.layers.Dense(1, kernel_initializer=KaimingNormal(1.0), name="score")(x)
        kwargs.setdefault("name", "vgg_discriminator")
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self._set_config(in_channels=in_channels, input_size=input_size)
