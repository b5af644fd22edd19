"""Upsampling layers that keep the channel count static (so TFLite converts them)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class NearestUpsample(keras.layers.Layer):
    """Nearest-neighbour upsampling by an integer factor, as `nn.Upsample(mode="nearest")`.

    Written as `depth_to_space` of `f * f` copies of the input side by side along channels:
    output pixel `(h * f + i, w * f + j)` takes copy `i * f + j` of input pixel `(h, w)`. No
    shape is computed at run time, so TensorFlow Lite converts it to CONCATENATION +
    DEPTH_TO_SPACE with static sizes, both delegated to XNNPACK: the whole network stays one
    XNNPACK partition. (Keras' `UpSampling2D` loses the static channel count when height and
    width are dynamic, and a reshape to a computed shape leaves SHAPE / RESHAPE nodes on
    LiteRT's own kernels, splitting the XNNPACK graph.)

    Args:
        factor: integer upsampling factor (2 or 3 in RRDBNet).

    Examples:
        >>> NearestUpsample(2)(keras.ops.ones((1, 3, 5, 8))).shape
        (1, 6, 10, 8)
    """

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        self.factor = int(factor)

    def call(self, x):
        f = self.factor
        return ops.depth_to_space(ops.concatenate([x] * (f * f), axis=-1), f)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, None if h is None else h * self.factor, None if w is None else w * self.factor, c)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class BilinearUpsample(keras.layers.Layer):
    """Bilinear upsampling with PyTorch's `align_corners=True` (the UNet discriminator's).

    Output pixel `i` samples input position `i * (in - 1) / (out - 1)`, so the corner pixels
    of input and output coincide. Keras' `UpSampling2D(interpolation="bilinear")` uses
    half-pixel centres instead (`align_corners=False`), which is a different function.

    Args:
        factor: integer upsampling factor.
        align_corners: `True` as the official code; `False` gives half-pixel centres.

    Examples:
        >>> BilinearUpsample(2)(keras.ops.ones((1, 4, 4, 3))).shape
        (1, 8, 8, 3)
    """

    def __init__(self, factor=2, align_corners=True, **kwargs):
        super().__init__(**kwargs)
        self.factor = int(factor)
        self.align_corners = bool(align_corners)

    def _resize_axis(self, x, axis):
        size = ops.shape(x)[axis]
        out = size * self.factor
        positions = ops.cast(ops.arange(out), "float32")
        size_f = ops.cast(size, "float32")
        if self.align_corners:
            denom = ops.maximum(ops.cast(out, "float32") - 1.0, 1.0)
            positions = positions * (size_f - 1.0) / denom
        else:
            positions = ops.maximum((positions + 0.5) / self.factor - 0.5, 0.0)
        lower = ops.floor(positions)
        frac = ops.cast(positions - lower, x.dtype)
        lower = ops.cast(lower, "int32")
        upper = ops.minimum(lower + 1, ops.cast(size, "int32") - 1)
        a = ops.take(x, lower, axis=axis)
        b = ops.take(x, upper, axis=axis)
        frac_shape = [1, 1, 1, 1]
        frac_shape[axis] = -1
        frac = ops.reshape(frac, frac_shape)
        return a + (b - a) * frac

    def call(self, x):
        return self._resize_axis(self._resize_axis(x, 1), 2)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, None if h is None else h * self.factor, None if w is None else w * self.factor, c)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "align_corners": self.align_corners})
        return config
