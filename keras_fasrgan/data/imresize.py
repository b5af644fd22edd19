"""MATLAB-exact bicubic resizing (`imresize(image, scale, 'bicubic')`).

Super-resolution benchmarks (DIV2K, Set5, Set14, BSD100, Urban100, Manga109) make their
low-resolution inputs with MATLAB's `imresize(HR, 1/4, 'bicubic')`. MATLAB's bicubic is not
the plain cubic interpolation of `tf.image.resize`, Pillow or OpenCV: when shrinking it widens
the cubic kernel by `1/scale` (antialiasing), normalises the weights of every output pixel, and
mirrors indices at the borders. A network trained on LR made another way sees a different
degradation and loses about 0.1-0.5 dB on the benchmarks. This module reproduces MATLAB:

- cubic kernel with `a = -0.5` (Keys), width 4;
- when shrinking (`scale < 1`) the kernel is `scale * cubic(scale * x)` with width `4 / scale`;
- output pixel `x` (1-based) maps to input coordinate `u = x / scale + 0.5 * (1 - 1 / scale)`;
- `ceil(4 / scale) + 2` taps per output pixel, weights divided by their sum;
- out-of-range indices are mirrored (`[1..n, n..1]` repeated);
- output size `ceil(scale * size)`;
- the dimension with the smaller scale is resized first (rows first on ties);
- integer images (`uint8`, `uint16`) are rounded (half away from zero) and clipped after every
  pass, exactly as MATLAB's `imresizemex` returns the input class from each pass; float images
  are computed in float64 and returned in their own dtype, unclipped.

`imresize` is NumPy; `imresize_tf` is the same computation with TensorFlow ops (usable inside
`tf.data`).
"""

import math

import numpy as np

_KERNEL_WIDTH = 4.0


def cubic(x):
    """MATLAB's cubic convolution kernel (Keys, a = -0.5).

    Examples:
        >>> float(cubic(np.array(0.0)))
        1.0
    """
    absx = np.abs(np.asarray(x, dtype=np.float64))
    absx2 = absx * absx
    absx3 = absx2 * absx
    inner = (1.5 * absx3 - 2.5 * absx2 + 1.0) * (absx <= 1)
    outer = (-0.5 * absx3 + 2.5 * absx2 - 4.0 * absx + 2.0) * ((absx > 1) & (absx <= 2))
    return inner + outer


def contributions(in_length, out_length, scale, antialiasing=True):
    """Per-output-pixel weights and 0-based source indices along one axis, as MATLAB.

    Args:
        in_length: input size along the axis.
        out_length: output size along the axis.
        scale: the scale factor MATLAB uses for this axis (output/input).
        antialiasing: widen the kernel when shrinking (MATLAB's default for bicubic).

    Returns:
        `(weights, indices)`: float64 `(out_length, taps)` weights whose rows sum to 1, and int64
        `(out_length, taps)` 0-based indices into the input, already mirrored at the borders.
        Taps whose weight is zero for every output pixel are removed, as MATLAB does.

    Examples:
        >>> w, i = contributions(8, 2, 0.25)
        >>> w.shape, bool(np.allclose(w.sum(1), 1.0))
        ((2, 16), True)
    """
    in_length, out_length, scale = int(in_length), int(out_length), float(scale)
    if in_length < 1 or out_length < 1:
        raise ValueError(f"sizes must be positive, got in={in_length} out={out_length}")
    if scale < 1 and antialiasing:
        def kernel(x):
            return scale * cubic(scale * x)

        width = _KERNEL_WIDTH / scale
    else:
        kernel = cubic
        width = _KERNEL_WIDTH
    x = np.arange(1, out_length + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1.0 - 1.0 / scale)
    left = np.floor(u - width / 2.0)
    taps = int(math.ceil(width)) + 2
    indices = left[:, None] + np.arange(taps, dtype=np.float64)[None, :]  # 1-based
    weights = kernel(u[:, None] - indices)
    weights = weights / np.sum(weights, axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_length), np.arange(in_length - 1, -1, -1)])
    indices = mirror[np.mod(indices.astype(np.int64) - 1, mirror.size)]
    keep = np.any(weights != 0, axis=0)
    return weights[:, keep], indices[:, keep]


def output_size(input_shape, scale=None, output_shape=None):
    """MATLAB's output size and per-axis scales for `imresize`.

    Args:
        input_shape: `(H, W, ...)`.
        scale: a number (both axes) or a pair `(sy, sx)`.
        output_shape: `(H', W')`; an entry may be `None` to keep the aspect ratio, as MATLAB's
            `[NaN W']`.

    Returns:
        `((out_h, out_w), (scale_h, scale_w))`.

    Examples:
        >>> output_size((10, 7), scale=0.25)
        ((3, 2), (0.25, 0.25))
    """
    h, w = int(input_shape[0]), int(input_shape[1])
    if (scale is None) == (output_shape is None):
        raise ValueError("pass exactly one of scale and output_shape")
    if scale is not None:
        scales = tuple(float(s) for s in np.broadcast_to(np.asarray(scale, dtype=np.float64), (2,)))
        if min(scales) <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
        size = (int(math.ceil(scales[0] * h)), int(math.ceil(scales[1] * w)))
        return size, scales
    out_h, out_w = output_shape
    if out_h is None and out_w is None:
        raise ValueError("output_shape needs at least one size")
    if out_h is None:
        s = float(out_w) / w
        out_h = int(math.ceil(s * h))
        return (out_h, int(out_w)), (s, s)
    if out_w is None:
        s = float(out_h) / h
        out_w = int(math.ceil(s * w))
        return (int(out_h), out_w), (s, s)
    out_h, out_w = int(out_h), int(out_w)
    if min(out_h, out_w) < 1:
        raise ValueError(f"output_shape must be positive, got {output_shape}")
    return (out_h, out_w), (out_h / h, out_w / w)


def resize_plan(input_shape, scale=None, output_shape=None, antialiasing=True):
    """The two 1-D resampling steps MATLAB performs, in MATLAB's order.

    Returns:
        A list of `(axis, weights, indices)`, the axis with the smaller scale first.
    """
    (out_h, out_w), (sh, sw) = output_size(input_shape, scale, output_shape)
    steps = {
        0: (0,) + contributions(input_shape[0], out_h, sh, antialiasing),
        1: (1,) + contributions(input_shape[1], out_w, sw, antialiasing),
    }
    order = (0, 1) if sh <= sw else (1, 0)
    return [steps[a] for a in order]


def _round_clip(x, dtype):
    info = np.iinfo(dtype)
    return np.floor(np.clip(x, info.min, info.max) + 0.5).astype(dtype)


def _resize_axis(image, axis, weights, indices):
    """Weighted sum of the gathered taps along `axis` (float64), tap by tap as MATLAB."""
    out = None
    for k in range(weights.shape[1]):
        taken = np.take(image, indices[:, k], axis=axis).astype(np.float64)
        shape = [1] * image.ndim
        shape[axis] = weights.shape[0]
        term = weights[:, k].reshape(shape) * taken
        out = term if out is None else out + term
    return out


def imresize(image, scale=None, output_shape=None, antialiasing=True):
    """Resizes like MATLAB's `imresize(image, scale, 'bicubic')`.

    Args:
        image: `(H, W)` or `(H, W, C)` array: `uint8`, `uint16` or float.
        scale: resize factor (e.g. `0.25` for x4 downscaling), a number or `(sy, sx)`.
        output_shape: `(H', W')` instead of `scale` (MATLAB's `[numrows numcols]`).
        antialiasing: MATLAB's `'Antialiasing'` option (default true for bicubic).

    Returns:
        The resized image, same dtype as the input (see the module docstring for rounding).

    Examples:
        >>> hr = np.random.default_rng(0).integers(0, 256, (96, 128, 3), dtype=np.uint8)
        >>> lr = imresize(hr, 1 / 4)
        >>> lr.shape, lr.dtype
        ((24, 32, 3), dtype('uint8'))
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must be (H, W) or (H, W, C), got shape {image.shape}")
    if min(image.shape[:2]) < 1:
        raise ValueError(f"image has no pixels: shape {image.shape}")
    dtype = image.dtype
    integer = dtype in (np.uint8, np.uint16)
    if not integer and not np.issubdtype(dtype, np.floating):
        if dtype == bool:
            raise TypeError("bool images are not supported; convert to uint8 or float")
        raise TypeError(f"unsupported image dtype {dtype}; use uint8, uint16 or float")
    out = image
    for axis, weights, indices in resize_plan(image.shape, scale, output_shape, antialiasing):
        out = _resize_axis(out, axis, weights, indices)
        out = _round_clip(out, dtype) if integer else out
    return out if integer else out.astype(dtype)


def imresize_tf(image, scale=None, output_shape=None, antialiasing=True):
    """`imresize` with TensorFlow ops, for use inside `tf.data` or `tf.function`.

    With a static height and width, the MATLAB weights and indices are computed once in NumPy
    and embedded as constants (one gather and multiply-add per tap, float64, in the same
    order as the NumPy version, so results are bit-identical, eagerly and in graphs). With a dynamic size it falls
    back to the NumPy `imresize` through `tf.numpy_function`. Accepts `(H, W)`, `(H, W, C)` or a
    batch `(B, H, W, C)`; returns the input dtype (integers rounded and clipped per pass).

    Examples:
        >>> import tensorflow as tf  # doctest: +SKIP
        >>> lr = imresize_tf(tf.zeros((128, 128, 3), tf.uint8), 0.25)  # doctest: +SKIP
        >>> lr.shape  # doctest: +SKIP
        TensorShape([32, 32, 3])
    """
    import tensorflow as tf

    image = tf.convert_to_tensor(image)
    rank = image.shape.rank
    if rank not in (2, 3, 4):
        raise ValueError(f"image must be (H, W), (H, W, C) or (B, H, W, C), got {image.shape}")
    dtype = image.dtype
    integer = dtype in (tf.uint8, tf.uint16)
    if not integer and not dtype.is_floating:
        raise TypeError(f"unsupported image dtype {dtype.name}; use uint8, uint16 or float")
    hw_axes = (1, 2) if rank == 4 else (0, 1)
    h, w = image.shape[hw_axes[0]], image.shape[hw_axes[1]]
    if h is None or w is None:
        return _imresize_tf_dynamic(image, scale, output_shape, antialiasing, hw_axes)
    x = tf.cast(image, tf.float64)
    for axis, weights, indices in resize_plan((h, w), scale, output_shape, antialiasing):
        axis = hw_axes[axis]
        shape = [1] * x.shape.rank
        shape[axis] = weights.shape[0]
        taps = weights.shape[1]
        index = tf.constant(indices.T, tf.int64)  # (taps, out)
        weight = tf.constant(weights.T.reshape([taps] + shape))

        def term(k, x=x, axis=axis, index=index, weight=weight):
            return tf.gather(x, index[k], axis=axis) * weight[k]

        # Tap by tap, in a loop: the same summation order as NumPy (and MATLAB). A chain of
        # adds would be regrouped by Grappler's arithmetic optimizer in graphs (tf.data,
        # tf.function), one ulp off, which flips a rounding tie every few thousand pixels.
        x = tf.foldl(lambda total, k: total + term(k), tf.range(1, taps), initializer=term(0))
        if integer:
            x = tf.floor(tf.clip_by_value(x, 0.0, float(dtype.max)) + 0.5)
    return tf.cast(x, dtype)


def _imresize_tf_dynamic(image, scale, output_shape, antialiasing, hw_axes):
    import tensorflow as tf

    def run(array):
        if array.ndim == 4:
            return np.stack([imresize(a, scale, output_shape, antialiasing) for a in array])
        return imresize(array, scale, output_shape, antialiasing)

    out = tf.numpy_function(run, [image], image.dtype, stateful=False)
    shape = image.shape.as_list()
    if output_shape is not None and all(s is not None for s in output_shape):
        shape[hw_axes[0]], shape[hw_axes[1]] = output_shape
    else:
        shape[hw_axes[0]] = shape[hw_axes[1]] = None
    out.set_shape(shape)
    return out


def modcrop(image, scale):
    """Crops `image` (bottom and right) so height and width are multiples of `scale`.

    Examples:
        >>> modcrop(np.zeros((10, 7, 3)), 4).shape
        (8, 4, 3)
    """
    image = np.asarray(image)
    scale = int(scale)
    h, w = image.shape[0] - image.shape[0] % scale, image.shape[1] - image.shape[1] % scale
    if h == 0 or w == 0:
        raise ValueError(f"image of shape {image.shape} is smaller than the scale {scale}")
    return image[:h, :w]


def bicubic_lr(hr, scale):
    """The benchmark LR of an HR image: `imresize(modcrop(hr, scale), 1 / scale)`.

    This is how DIV2K's `LR_bicubic` and the Set5/Set14/BSD100/Urban100/Manga109 x`scale`
    inputs are made (MATLAB, bicubic, antialiasing). Returns `(hr_cropped, lr)`.

    Examples:
        >>> hr = np.zeros((10, 7, 3), np.uint8)
        >>> hr_c, lr = bicubic_lr(hr, 4)
        >>> hr_c.shape, lr.shape
        ((8, 4, 3), (2, 1, 3))
    """
    hr = modcrop(hr, scale)
    h, w = hr.shape[:2]
    return hr, imresize(hr, output_shape=(h // int(scale), w // int(scale)))
