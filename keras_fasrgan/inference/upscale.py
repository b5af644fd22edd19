"""`upscale`: super-resolve one image of any size, bit depth and channel layout."""

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

    Example:
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
    if image.ndim != 3 or image.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"image must be (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got shape {image.shape}"
        )
    channels = image.shape[-1]
    if channels == 1:
        return np.repeat(image, 3, axis=-1), None, "gray3d"
    if channels == 4:
        return image[..., :3], image[..., 3], "rgba"
    return image, None, "rgb"


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

    Args:
        model: a Keras generator (e.g. `RRDBNet`) with a `scale` attribute.
        image: the NumPy image.
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

    Example:
    >>> model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)  # doctest: +SKIP
    >>> upscale(model, np.zeros((30, 20, 3), np.uint8), tile=16).shape  # doctest: +SKIP
    (120, 80, 3)
    """
    from keras_fasrgan.utils import to_float

    image = np.asarray(image)
    if image.ndim < 2 or min(image.shape[:2]) < 1:
        raise ValueError(f"image must have at least one pixel, got shape {image.shape}")
    dtype = image.dtype
    if not (dtype in (np.uint8, np.uint16) or np.issubdtype(dtype, np.floating)):
        raise TypeError(f"image dtype must be uint8, uint16 or float, got {dtype}")
    if _in_channels(model) != 3:
        raise ValueError(f"upscale needs an RGB-input model, got {_in_channels(model)} channels")
    rgb, alpha, layout = _split_layout(to_float(image))
    scale = model_scale(model)
    run = get_engine(model, engine)

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
    np.clip(out, 0.0, 1.0, out=out)  # in place: the output is the largest array here

    if layout in ("gray2d", "gray3d"):
        out = out.mean(axis=-1, keepdims=layout == "gray3d")
    elif layout == "rgba":
        a = np.clip(_resize_alpha(alpha, scale), 0.0, 1.0)
        out = np.concatenate([out, a[..., None]], axis=-1)
    if dtype in (np.uint8, np.uint16):
        out *= float(np.iinfo(dtype).max)
        np.rint(out, out=out)  # as utils.from_float (round half to even), without copies
        return out.astype(dtype)
    return out.astype(dtype, copy=False)
