"""ResidualDenseBlock: five densely connected convs with a scaled residual (ESRGAN)."""

import keras
from keras import ops

from keras_fasrgan.layers.conv import conv3x3


class ScaledResidualBlock(keras.layers.Layer):
    """Base of the residual blocks of RRDBNet: shape-preserving, `residual_scale * f(x) + x`.

    Holds the four arguments every such block takes and their `get_config`; subclasses build
    their branch in `__init__` and `build`.
    """

    def __init__(self, filters=64, growth_channels=32, residual_scale=0.2, init_scale=0.1, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.growth_channels = growth_channels
        self.residual_scale = residual_scale
        self.init_scale = init_scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "growth_channels": self.growth_channels,
                "residual_scale": self.residual_scale,
                "init_scale": self.init_scale,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class ResidualDenseBlock(ScaledResidualBlock):
    """Residual dense block of ESRGAN (`ResidualDenseBlock_5C`).

    Five 3x3 convs with dense concatenation: conv k sees the block input and the outputs of
    convs 1..k-1 (`filters + (k - 1) * growth_channels` channels). Convs 1-4 output
    `growth_channels` and are followed by LeakyReLU(0.2); conv 5 outputs `filters` with no
    activation. Output: `residual_scale * x5 + x`.

    Args:
        filters: channels in and out (nf, 64 in the paper).
        growth_channels: channels added by each of the first four convs (gc, 32).
        residual_scale: scale of the residual branch (0.2).
        init_scale: scale of the Kaiming-normal initialisation (0.1, as the official code).

    Examples:
        >>> block = ResidualDenseBlock(filters=64, growth_channels=32)
        >>> block(keras.ops.zeros((1, 8, 8, 64))).shape
        (1, 8, 8, 64)
    """

    def __init__(
        self, filters=64, growth_channels=32, residual_scale=0.2, init_scale=0.1, **kwargs
    ):
        super().__init__(filters, growth_channels, residual_scale, init_scale, **kwargs)
        self.convs = [
            conv3x3(growth_channels if i < 4 else filters, name=f"conv{i + 1}", init_scale=init_scale)
            for i in range(5)
        ]

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels != self.filters:
            raise ValueError(
                f"ResidualDenseBlock(filters={self.filters}) got an input with {channels} channels"
            )
        for i, conv in enumerate(self.convs):
            conv.build((*input_shape[:-1], self.filters + i * self.growth_channels))
        self.built = True

    def call(self, x):
        features = [x]
        for conv in self.convs[:4]:
            out = conv(ops.concatenate(features, axis=-1) if len(features) > 1 else x)
            features.append(ops.leaky_relu(out, negative_slope=0.2))
        x5 = self.convs[4](ops.concatenate(features, axis=-1))
        return x5 * self.residual_scale + x
