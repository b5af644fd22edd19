"""RRDB: residual-in-residual dense block (ESRGAN)."""

import keras

from keras_fasrgan.layers.residual_dense_block import ResidualDenseBlock
from keras_fasrgan.layers.residual_dense_block import ScaledResidualBlock


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class RRDB(ScaledResidualBlock):
    """Residual-in-residual dense block: three `ResidualDenseBlock`s, `0.2 * out + x`.

    Its sub-blocks are `rdb1`, `rdb2`, `rdb3`, matching the official `RDB1..RDB3`.

    Args:
        filters: channels in and out (nf).
        growth_channels: growth channels of each dense block (gc).
        residual_scale: scale of the outer residual (0.2).
        init_scale: scale of the Kaiming-normal initialisation (0.1).

    Examples:
        >>> block = RRDB(filters=64, growth_channels=32)
        >>> block(keras.ops.zeros((1, 8, 8, 64))).shape
        (1, 8, 8, 64)
    """

    def __init__(self, filters=64, growth_channels=32, residual_scale=0.2, init_scale=0.1, **kwargs):
        super().__init__(filters, growth_channels, residual_scale, init_scale, **kwargs)
        self.rdb1, self.rdb2, self.rdb3 = (
            ResidualDenseBlock(
                filters, growth_channels, residual_scale, init_scale, name=f"rdb{i + 1}"
            )
            for i in range(3)
        )

    def build(self, input_shape):
        for block in (self.rdb1, self.rdb2, self.rdb3):
            block.build(input_shape)
        self.built = True

    def call(self, x):
        out = self.rdb3(self.rdb2(self.rdb1(x)))
        return out * self.residual_scale + x
