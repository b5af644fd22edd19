"""Pixel unshuffle (space to depth in PyTorch's channel order), for Real-ESRGAN's x2 / x1 nets."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class PixelUnshuffle(keras.layers.Layer):
    """`torch.nn.functional.pixel_unshuffle` for channels-last tensors.

    `(B, H, W, C) -> (B, H / f, W / f, C * f * f)`, where output channel `c * f * f + i * f + j`
    holds input pixel `(f * y + i, f * x + j)` of channel `c`: PyTorch's order, which differs
    from `tf.nn.space_to_depth` (`(i * f + j) * C + c`), so converted Real-ESRGAN weights apply
    as they are. Height and width must be multiples of `f`. Written with two reshapes and one
    5-D transpose (`keras.ops` only), which TFLite's builtin ops and ONNX both express.

    Args:
        factor: the downscaling factor `f` (2 for Real-ESRGAN x2, 4 for x1).

    Examples:
        >>> PixelUnshuffle(2)(keras.ops.ones((1, 4, 6, 3))).shape
        (1, 2, 3, 12)
    """

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        self.factor = int(factor)
        if self.factor < 1:
            raise ValueError(f"factor must be a positive integer, got {factor!r}")

    def _check(self, size, axis):
        if size is not None and size % self.factor:
            raise ValueError(
                f"PixelUnshuffle({self.factor}) needs a {axis} that is a multiple of "
                f"{self.factor}, got {size}"
            )

    def call(self, x):
        f = self.factor
        channels = x.shape[-1]
        self._check(x.shape[1], "height")
        self._check(x.shape[2], "width")
        shape = ops.shape(x)
        h, w = shape[1] // f, shape[2] // f
        # NHWC memory = [b*h + y][i][x][j][c]: one 5-D view, channels to the front of (i, j).
        x = ops.reshape(x, (-1, f, w, f, channels))
        x = ops.transpose(x, (0, 2, 4, 1, 3))  # [b*h + y][x][c][i][j]
        return ops.reshape(x, (-1, h, w, channels * f * f))

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        self._check(h, "height")
        self._check(w, "width")
        f = self.factor
        return (b, None if h is None else h // f, None if w is None else w // f, c * f * f)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config
