"""RRDBNet: the ESRGAN generator that FASRGAN and Fs-SRGAN use (ESRGAN, Wang et al. 2018)."""

import keras

from keras_fasrgan.layers import RRDB
from keras_fasrgan.layers import NearestUpsample
from keras_fasrgan.layers import PixelUnshuffle
from keras_fasrgan.layers import conv3x3
from keras_fasrgan.models.network import Network

SUPPORTED_SCALES = (2, 3, 4, 8)  # of the upsampler
PIXEL_UNSHUFFLE_FACTORS = (1, 2, 4)


def upsample_factors(scale):
    """The nearest-neighbour steps of ESRGAN's upsampler: x2 steps, or one x3 step."""
    if scale not in SUPPORTED_SCALES:
        raise ValueError(f"scale must be one of {SUPPORTED_SCALES}, got {scale!r}")
    return (3,) if scale == 3 else (2,) * {2: 1, 4: 2, 8: 3}[scale]


def _upsampler_scale(scale, pixel_unshuffle):
    if pixel_unshuffle not in PIXEL_UNSHUFFLE_FACTORS:
        raise ValueError(
            f"pixel_unshuffle must be one of {PIXEL_UNSHUFFLE_FACTORS}, got {pixel_unshuffle!r}"
        )
    body = scale * pixel_unshuffle
    if body not in SUPPORTED_SCALES:
        hint = "; Real-ESRGAN x1 is scale 1 with pixel-unshuffle 4" if scale == 1 else ""
        raise ValueError(
            f"scale {scale!r} with pixel-unshuffle {pixel_unshuffle} leaves the upsampler a "
            f"factor of {body}, which is not one of {SUPPORTED_SCALES}{hint}"
        )
    return body


def rrdb_trunk(x, num_blocks, filters, growth_channels, init_scale=0.1):
    """`nb` RRDBs then a conv, with a global residual around both (`conv_body + x`).

    `init_scale` scales the convs' Kaiming-normal initialisation (0.1 in G, 1 in E).
    """
    trunk = x
    for i in range(num_blocks):
        trunk = RRDB(filters, growth_channels, init_scale=init_scale, name=f"rrdb_{i}")(trunk)
    trunk = conv3x3(filters, name="conv_body", init_scale=init_scale)(trunk)
    return keras.layers.Add(name="trunk_residual")([x, trunk])


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class RRDBNet(Network):
    """RRDBNet, the generator of ESRGAN, FASRGAN and Fs-SRGAN.

    conv_first (in_channels -> nf); trunk of `num_blocks` RRDBs and conv_body with a global
    residual; per x2 step a nearest-neighbour resize, conv and LeakyReLU(0.2) (one x3 step for
    scale 3); conv_hr + LeakyReLU(0.2); conv_last (nf -> 3). No clamp inside the network.
    Layer names follow ESRGAN's (`conv_first`, `rrdb_i`, `conv_body`, `conv_up1`, ...,
    `conv_hr`, `conv_last`) so official checkpoints map onto them one to one.

    Real-ESRGAN's x2 and x1 models (`RealESRGAN_x2plus.pth`, ...) run the same network on a
    pixel-unshuffled input: `pixel_unshuffle=2` (x2) or `4` (x1) turns `(H, W, 3)` into
    `(H / f, W / f, 3 f^2)` before conv_first (layer `pixel_unshuffle`, PyTorch's channel
    order), and the upsampler then enlarges by `scale * f` (x4). A plain `scale=2` keeps
    ESRGAN's x2 network with one upsampling step.

    Input: float RGB in [0, 1], `(B, H, W, in_channels)`, any height and width (multiples of
    `pixel_unshuffle` when it is above 1; `inference.upscale` pads to them).
    Output: `(B, scale * H, scale * W, 3)`.

    Args:
        scale: the model's factor: 2, 3, 4 or 8; 1 or 2 with `pixel_unshuffle`.
        num_blocks: number of RRDBs (nb): 23 in ESRGAN/FASRGAN, 16 in Fs-SRGAN's G head.
        filters: feature channels (nf).
        growth_channels: dense-block growth channels (gc).
        in_channels: input channels: 3 for images, 64 for the Fs-SRGAN G head on E features.
        pixel_unshuffle: 1 (no unshuffle, ESRGAN), 2 (Real-ESRGAN x2) or 4 (Real-ESRGAN x1);
            `scale * pixel_unshuffle` is the upsampler's factor.

    Examples:
        >>> model = RRDBNet(scale=4, num_blocks=2, filters=16, growth_channels=8)
        >>> model(keras.ops.zeros((1, 12, 12, 3))).shape
        (1, 48, 48, 3)
        >>> RRDBNet().count_params()
        16697987
        >>> x2 = RRDBNet(scale=2, pixel_unshuffle=2, num_blocks=1, filters=8, growth_channels=4)
        >>> x2(keras.ops.zeros((1, 12, 12, 3))).shape
        (1, 24, 24, 3)
    """

    def __init__(
        self,
        scale=4,
        num_blocks=23,
        filters=64,
        growth_channels=32,
        in_channels=3,
        pixel_unshuffle=1,
        **kwargs,
    ):
        factors = upsample_factors(_upsampler_scale(scale, pixel_unshuffle))
        inputs = keras.Input(shape=(None, None, in_channels), name="lr")
        x = inputs
        if pixel_unshuffle > 1:
            x = PixelUnshuffle(pixel_unshuffle, name="pixel_unshuffle")(x)
        x = conv3x3(filters, name="conv_first")(x)
        x = rrdb_trunk(x, num_blocks, filters, growth_channels)
        for i, factor in enumerate(factors):
            x = NearestUpsample(factor, name=f"upsample{i + 1}")(x)
            x = conv3x3(filters, name=f"conv_up{i + 1}")(x)
            x = keras.layers.LeakyReLU(0.2, name=f"lrelu_up{i + 1}")(x)
        x = conv3x3(filters, name="conv_hr")(x)
        x = keras.layers.LeakyReLU(0.2, name="lrelu_hr")(x)
        outputs = conv3x3(3, name="conv_last")(x)
        kwargs.setdefault("name", "rrdbnet")
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self._set_config(
            scale=scale,
            num_blocks=num_blocks,
            filters=filters,
            growth_channels=growth_channels,
            in_channels=in_channels,
            pixel_unshuffle=pixel_unshuffle,
        )

