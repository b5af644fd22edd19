"""DoubleConv: the UNet discriminator's [conv, BatchNorm, ReLU] x 2 block."""

import keras

from keras_fasrgan.layers.conv import conv3x3

# PyTorch's BatchNorm2d(momentum=0.1) updates running stats with weight 0.1 on the new batch;
# Keras' `momentum` is the weight on the old value.
TORCH_BN_MOMENTUM = 0.9
TORCH_BN_EPSILON = 1e-5


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class DoubleConv(keras.layers.Layer):
    """`double_conv(in, out)` of FASRGAN's UNet discriminator: [conv3x3, BN, ReLU] x 2.

    Plain ReLU, no spectral norm, conv biases kept. The official code builds the first
    BatchNorm as `nn.BatchNorm2d(out_ch, out_ch)`, which passes the channel count as
    `eps`: with `faithful_bn_epsilon=True` (default) the first BatchNorm's epsilon is
    `filters` (64/128/256), as in the released training code; `False` uses 1e-5.

    Args:
        filters: output channels.
        faithful_bn_epsilon: reproduce the official epsilon quirk.
        init_scale: Kaiming-normal scale of the convs (1 in discriminators).

    Examples:
        >>> block = DoubleConv(64)
        >>> block(keras.ops.zeros((2, 16, 16, 3))).shape
        (2, 16, 16, 64)
    """

    def __init__(self, filters, faithful_bn_epsilon=True, init_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.faithful_bn_epsilon = faithful_bn_epsilon
        self.init_scale = init_scale
        first_epsilon = float(filters) if faithful_bn_epsilon else TORCH_BN_EPSILON
        self.conv1 = conv3x3(filters, name="conv1", init_scale=init_scale)
        self.bn1 = keras.layers.BatchNormalization(
            momentum=TORCH_BN_MOMENTUM, epsilon=first_epsilon, name="bn1"
        )
        self.conv2 = conv3x3(filters, name="conv2", init_scale=init_scale)
        self.bn2 = keras.layers.BatchNormalization(
            momentum=TORCH_BN_MOMENTUM, epsilon=TORCH_BN_EPSILON, name="bn2"
        )

    def build(self, input_shape):
        out_shape = (*input_shape[:-1], self.filters)
        self.conv1.build(input_shape)
        self.bn1.build(out_shape)
        self.conv2.build(out_shape)
        self.bn2.build(out_shape)
        self.built = True

    def call(self, x, training=None):
        x = keras.ops.relu(self.bn1(self.conv1(x), training=training))
        return keras.ops.relu(self.bn2(self.conv2(x), training=training))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "faithful_bn_epsilon": self.faithful_bn_epsilon,
                "init_scale": self.init_scale,
            }
        )
        return config
