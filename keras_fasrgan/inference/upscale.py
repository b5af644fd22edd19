"""`upscale`: super-resolve one image of any size, bit depth and channel layout."""

import os

import numpy as np

from keras_fasrgan.inference.engines import get_engine
from keras_fasrgan.inference.tiling import tile_grid
from keras_fasrgan.inference.tiling import tiled_forward

# The 8 dihedral transforms of the self-ensemble: (transpose, flip rows, flip columns).
_TRANSFORMS = [(t, v, h) for t in (False, True) for v in (False, True) for h in (False, True)]


def _apply(image, transpose, vflip, hflip):
    if vflip:
        image = image[::-1]
    if hflip:
        image = image[:, ::-1]
    if transpose:
        image = image.transpose(1, 0, 2)
    return image


def _invert(image, transpose, vflip, hflip):
    if transpose:
        image = image.transpose(1, 0, 2)
    if hflip:
        image = image[:, ::-1]
    if vflip:
        image = image[::-1]
    return image


def model_scale(model):
    """The integer upscaling factor of a generator (`model.scale`, else measured once).

    Examples:
        >>> model_scale(RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4))  # doctest: +SKIP
        4
    """
    scale = getattr(model, "scale", None)
    if isinstance(scale, (int, np.integer)) and scale >= 1:
        return int(scale)
    probe = np.zeros((1, 8, 8, _in_channels(model)), np.float32)
    out = np.asarray(model.predict_on_batch(probe))
    if out.shape[1] % 8:
        raise ValueError(f"cannot infer an integer scale: 8x8 gave {out.shape[1:3]}")
    return out.shape[1] // 8


def _in_channels(model):
    inputs = getattr(model, "inputs", None)
    return int(inputs[0].shape[-1]) if inputs else 3


def _split_layout(image):
    """(H, W, 3) float32 colour, alpha or None, output layout tag."""
    if image.ndim == 2:
        return np.repeat(image[..., None], 3, axis=-1), None, "gray2d"
    if image.ndim != 3 or image.shape[-1] not in (1, 2, 3, 4):
        raise ValueError(
            "image must be (H, W), (H, W, 1), (H, W, 2) (gray + alpha), (H, W, 3) or (H, W, 4), "
            f"got shape {image.shape}"
        )
    channels = image.shape[-1]
    if channels == 1:
        return np.repeat(image, 3, axis=-1), None, "gray3d"
    if channels == 2:
        return np.repeat(image[..., :1], 3, axis=-1), image[..., 1], "gray_alpha"
    if channels == 4:
        return image[..., :3], image[..., 3], "rgba"
    return image, None, "rgb"


def input_multiple(model):
    """The factor the input height and width must be multiples of: the model's pixel-unshuffle
    factor (Real-ESRGAN x2 / x1 RRDBNets), else 1.

    Examples:
        >>> input_multiple(RRDBNet(scale=2, pixel_unshuffle=2, num_blocks=1, filters=8))  # doctest: +SKIP
        2
    """
    factor = getattr(model, "pixel_unshuffle", 1)
    return int(factor) if isinstance(factor, (int, np.integer)) and factor > 1 else 1


def _round_up(value, multiple):
    return -(-int(value) // multiple) * multiple


_LOADED = {}  # the last model spec loaded by `upscale`: {(spec, mtime, size): model}


def _load_spec(spec):
    """The generator of a model spec (path or preset name); the last one is kept for reuse."""
    import os

    from keras_fasrgan.loading import load_generator

    spec = os.fspath(spec)
    try:
        stat = os.stat(spec)
        key = (os.path.abspath(spec), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (spec, None, None)
    if key not in _LOADED:
        model = load_generator(spec)
        _LOADED.clear()
        _LOADED[key] = model
    return _LOADED[key]


def _resize_alpha(alpha, scale):
    """MATLAB-bicubic x`scale` of an alpha plane in [0, 1]."""
    from keras_fasrgan.data.imresize import imresize

    return np.asarray(imresize(alpha.astype(np.float64), scale), dtype=np.float32)


def upscale(
    model,
    image,
    tile=None,
    tile_pad=16,
    batch_size=4,
    engine="auto",
    self_ensemble=False,
    progress=False,
):
    """Super-resolves one image with a generator, tile by tile.

    The image may be `uint8`, `uint16` or float in [0, 1], with shape `(H, W)`, `(H, W, 1)`,
    `(H, W, 3)` or `(H, W, 4)`; the result has the same dtype and channel layout, `scale`
    times larger:

    - grayscale goes through the RGB network as three equal channels and comes back as the
      mean of the three output channels;
    - alpha (RGBA) is not given to the network: it is upscaled by bicubic interpolation
      (MATLAB's `imresize`, `keras_fasrgan.data.imresize`) and appended;
    - the network output is clipped to [0, 1], then rounded to the integer dtype.

    Tiles are cut on the host and batched, so the network's memory depends on `tile` and
    `batch_size`, not on the image size. Each tile carries `tile_pad` pixels of real context
    per side (shifted inward at the border, never synthetic padding), so with `tile_pad` at
    least the receptive field the result equals whole-image inference; smaller pads trade
    exactness for speed (the default 16 hides the seams of the full RRDBNet in practice).

    Models whose input is pixel-unshuffled (Real-ESRGAN x2 / x1) need heights and widths that
    are multiples of their factor: the image is padded by reflection at the bottom and right
    to such a multiple (as Real-ESRGAN's own inference does), tiles and pads are rounded up to
    multiples of it, and the output is cropped back to `scale` times the input.

    Args:
        model: a Keras generator (e.g. `RRDBNet`) with a `scale` attribute, or a model spec
            that `keras_fasrgan.loading.load_generator` accepts: a `.keras` / `.weights.h5` /
            `.pth` file or a preset name such as `"demo_x4"` (the last spec loaded is kept,
            so calling again with the same spec does not reload it).
        image: the NumPy image. Float images must be finite: NaN or infinity raise a
            `ValueError` (one would spread through every convolution to the whole output).
        tile: core tile size in input pixels; `None` runs the whole image at once.
        tile_pad: context pixels around each tile.
        batch_size: tiles per network call.
        engine: `"keras"`, `"tflite"` (LiteRT/XNNPACK, TensorFlow backend) or `"auto"` (TFLite
            on a CPU-only TensorFlow with `ai-edge-litert` installed, Keras otherwise).
        self_ensemble: average the outputs of the 8 flips/transposes (x8 slower, about
            +0.1 dB PSNR).
        progress: show a tqdm progress bar over tiles.

    Returns:
        The upscaled image as a NumPy array (same dtype and layout as `image`).

    Examples:
        >>> model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)  # doctest: +SKIP
        >>> upscale(model, np.zeros((30, 20, 3), np.uint8), tile=16).shape  # doctest: +SKIP
        (120, 80, 3)
        >>> upscale("demo_x4", np.zeros((30, 20, 3), np.uint8)).shape  # doctest: +SKIP
        (120, 80, 3)
    """
    from keras_fasrgan.utils import to_float

    image = np.asarray(image)
    if image.ndim < 2 or min(image.shape[:2]) < 1:
        raise ValueError(f"image must have at least one pixel, got shape {image.shape}")
    dtype = image.dtype
    if not (dtype in (np.uint8, np.uint16) or np.issubdtype(dtype, np.floating)):
        raise TypeError(f"image dtype must be uint8, uint16 or float, got {dtype}")
    if np.issubdtype(dtype, np.floating) and not np.isfinite(image).all():
        bad = int(np.size(image) - np.count_nonzero(np.isfinite(image)))
        raise ValueError(
            f"the image holds {bad} NaN or infinite value(s); a float image must be finite "
            "(in [0, 1])"
        )
    if isinstance(model, (str, os.PathLike)):
        model = _load_spec(model)
    if _in_channels(model) != 3:
        raise ValueError(f"upscale needs an RGB-input model, got {_in_channels(model)} channels")
    rgb, alpha, layout = _split_layout(to_float(image))
    scale = model_scale(model)
    run = get_engine(model, engine)
    height, width = rgb.shape[:2]
    multiple = input_multiple(model)
    if multiple > 1:
        rgb = np.pad(
            rgb,
            ((0, _round_up(height, multiple) - height), (0, _round_up(width, multiple) - width),
             (0, 0)),
            mode="reflect",
        )
        tile = None if tile is None else _round_up(tile, multiple)
        tile_pad = _round_up(tile_pad, multiple)

    transforms = _TRANSFORMS if self_ensemble else _TRANSFORMS[:1]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        h, w = rgb.shape[:2]
        per_pass = len(tile_grid(h, w, tile, tile_pad))
        bar = tqdm(total=per_pass * len(transforms), desc="tiles", unit="tile", leave=False)
    try:
        out = None
        for t in transforms:
            x = np.ascontiguousarray(_apply(rgb, *t))
            y = tiled_forward(run, x, scale, tile, tile_pad, batch_size, progress=bar)
            y = _invert(y, *t)
            if out is None:
                out = np.ascontiguousarray(y)
            else:
                out += y
    finally:
        if bar is not None:
            bar.close()
    if len(transforms) > 1:
        out /= len(transforms)
    out = out[: scale * height, : scale * width]
    np.clip(out, 0.0, 1.0, out=out)  # in place: the output is the largest array here

    if layout != "rgb" and layout != "rgba":
        out = out.mean(axis=-1, keepdims=layout != "gray2d")
    if alpha is not None:
        a = np.clip(_resize_alpha(alpha, scale), 0.0, 1.0)
        out = np.concatenate([out, a[..., None]], axis=-1)
    if dtype in (np.uint8, np.uint16):
        out *= float(np.iinfo(dtype).max)
        np.rint(out, out=out)  # as utils.from_float (round half to even), without copies
        return out.astype(dtype)
    return out.astype(dtype, copy=False)
