"""FASRGAN's fine-grained attention discriminator: a UNet with two outputs (authors' `UNet_D`)."""

import keras

from keras_fasrgan.layers import BilinearUpsample
from keras_fasrgan.layers import DoubleConv
from keras_fasrgan.layers import KaimingNormal
from keras_fasrgan.models.network import Network


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class UNetDiscriminator(Network):
    """The UNet discriminator of FASRGAN: an image score and a per-pixel score map.

    Encoder: `inc` = DoubleConv(64) at full size, `down1..down3` = maxpool 2 + DoubleConv
    (128, 256, 256), reaching `input_size / 8` (16x16x256 at 128).
    Image score: flatten the bottleneck -> Dense 1024 -> LeakyReLU(0.2) -> Dense 1.
    Score map: `up2..up4` = bilinear x2 (align_corners=True), concatenated after the skip
    features of `down2`, `down1`, `inc`, then DoubleConv (128, 64, 64); a 1x1 conv to 3
    channels gives one logit per pixel and colour channel.

    Both outputs are raw logits. The map tells the generator which pixels look fake; the
    fine-grained attention loss weights the L1 loss by `1 - sigmoid(map)`.

    Input: `(B, input_size, input_size, in_channels)` (the Dense head fixes the size).
    Output: `(score, score_map)` of shapes `(B, 1)` and `(B, input_size, input_size, 3)`.

    Args:
        in_channels: 3 for images, 64 for FA+Fs-SRGAN's discriminator on E features.
        input_size: side of the (square) input, a multiple of 8; the official one is 128.
        faithful_bn_epsilon: keep the official first-BatchNorm epsilon quirk (see
            `DoubleConv`).
        filters: base width `f` (the official 64): encoder `f, 2f, 4f, 4f`, decoder
            `2f, f, f`. A smaller width makes a lighter discriminator for small generators.
        dense_units: width of the image head's hidden Dense layer (the official 1024).

    Examples:
        >>> disc = UNetDiscriminator(input_size=32)
        >>> score, score_map = disc(keras.ops.zeros((2, 32, 32, 3)))
        >>> score.shape, score_map.shape
        ((2, 1), (2, 32, 32, 3))
    """

    def __init__(self, in_channels=3, input_size=128, faithful_bn_epsilon=True, filters=64,
                 dense_units=1024, **kwargs):
        if input_size % 8:
            raise ValueError(f"input_size must be a multiple of 8, got {input_size}")
        eps, f = faithful_bn_epsilon, int(filters)
        inputs = keras.Input(shape=(input_size, input_size, in_channels), name="image")
        x1 = DoubleConv(f, eps, name="inc")(inputs)
        x2 = DoubleConv(2 * f, eps, name="down1")(keras.layers.MaxPooling2D(2, name="pool1")(x1))
        x3 = DoubleConv(4 * f, eps, name="down2")(keras.layers.MaxPooling2D(2, name="pool2")(x2))
        x4 = DoubleConv(4 * f, eps, name="down3")(keras.layers.MaxPooling2D(2, name="pool3")(x3))

        # Image score from the bottleneck.
        s = keras.layers.Flatten(name="flatten")(x4)
        s = _dense(int(dense_units), "dense1")(s)
        s = keras.layers.LeakyReLU(0.2, name="lrelu_dense1")(s)
        score = _dense(1, "score")(s)

        # Per-pixel score map from the decoder; skip features first, upsampled second.
        y = x4
        for name, skip, width in (("up2", x3, 2 * f), ("up3", x2, f), ("up4", x1, f)):
            y = BilinearUpsample(2, align_corners=True, name=f"{name}_resize")(y)
            y = keras.layers.Concatenate(name=f"{name}_concat")([skip, y])
            y = DoubleConv(width, eps, name=name)(y)
        score_map = keras.layers.Conv2D(
            3, 1, kernel_initializer=KaimingNormal(1.0), name="score_map"
        )(y)

        kwargs.setdefault("name", "unet_discriminator")
        super().__init__(inputs=inputs, outputs=[score, score_map], **kwargs)
        self._set_config(
            in_channels=in_channels,
            input_size=input_size,
            faithful_bn_epsilon=faithful_bn_epsilon,
            filters=f,
            dense_units=int(dense_units),
        )


def _dense(units, name):
    return keras.layers.Dense(units, kernel_initializer=KaimingNormal(1.0), name=name)
