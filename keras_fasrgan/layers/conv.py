"""The one convolution every block of the paper uses: 3x3, stride 1, "same" padding, bias."""

import keras

from keras_fasrgan.layers.initializers import KaimingNormal


def conv3x3(filters, name=None, init_scale=0.1, kernel_size=3, strides=1, **kwargs):
    """A `keras.layers.Conv2D` as in the official code (3x3, stride 1, "same", with bias).

    `init_scale` scales the Kaiming-normal initialisation (0.1 in generators, 1 in
    discriminators). 4x4 stride-2 convs of the VGG discriminator pass `kernel_size=4, strides=2`;
    Keras' "same" padding then pads one pixel on each side of an even input, as PyTorch's
    `padding=1` does.
    """
    return keras.layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding="same",
        use_bias=True,
        kernel_initializer=KaimingNormal(init_scale),
        bias_initializer="zeros",
        name=name,
        **kwargs,
    )
