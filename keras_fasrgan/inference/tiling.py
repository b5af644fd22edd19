"""Splitting an image into overlapping tiles that reproduce whole-image inference.

Every tile is a `tile x tile` core (smaller at the right/bottom edge) plus up to `tile_pad`
real pixels of context on each side. The context window has one size for the whole image,
`min(H, tile + 2 * tile_pad) x min(W, tile + 2 * tile_pad)`: near the border the window is
shifted inward instead of being padded with synthetic pixels, so a window edge is either at
least `tile_pad` pixels away from the core or is the image border itself, where the network's
own zero padding applies exactly as in whole-image inference. Hence, when `tile_pad` covers
the network's receptive field, tiled and whole-image outputs agree to float rounding, and one
input shape per image means one compiled function / one TFLite interpreter.
"""

import math

import numpy as np


def _axis_windows(size, tile, pad):
    """[(core_start, core_stop, window_start, window_stop)] along one axis."""
    window = min(size, tile + 2 * pad)
    out = []
    for start in range(0, size, tile):
        stop = min(start + tile, size)
        w0 = min(max(start - pad, 0), size - window)
        out.append((start, stop, w0, w0 + window))
    return out


def tile_grid(height, width, tile, tile_pad):
    """The tiles of a `height x width` image.

    Args:
        height, width: image size (low resolution).
        tile: core tile size; `None` or `>= max(height, width)` gives one whole-image tile.
        tile_pad: context pixels on each side of a core.

    Returns:
        A list of `((y0, y1, x0, x1), (wy0, wy1, wx0, wx1))` core and window boxes; all windows
        have the same size.

    Examples:
        >>> tiles = tile_grid(100, 70, tile=64, tile_pad=8)
        >>> len(tiles), tiles[0]
        (4, ((0, 64, 0, 64), (0, 80, 0, 70)))
    """
    if tile is None:
        tile = max(height, width)
    tile = int(tile)
    if tile < 1:
        raise ValueError(f"tile must be a positive integer or None, got {tile}")
    if tile_pad < 0:
        raise ValueError(f"tile_pad must be >= 0, got {tile_pad}")
    rows = _axis_windows(height, tile, int(tile_pad))
    cols = _axis_windows(width, tile, int(tile_pad))
    return [
        ((y0, y1, x0, x1), (wy0, wy1, wx0, wx1))
        for (y0, y1, wy0, wy1) in rows
        for (x0, x1, wx0, wx1) in cols
    ]


def _balanced_batches(n, batch_size):
    """Splits n items into ceil(n / batch_size) batches of near-equal size (one batch shape)."""
    batches = max(1, math.ceil(n / max(1, batch_size)))
    size = math.ceil(n / batches)
    return [(i, min(i + size, n)) for i in range(0, n, size)], size


def tiled_forward(run_batch, image, scale, tile=None, tile_pad=16, batch_size=4, progress=None):
    """Runs `run_batch` over the tiles of one float image and assembles the output.

    Args:
        run_batch: function `(B, h, w, C) float32 -> (B, scale*h, scale*w, C_out)`.
        image: `(H, W, C)` float32 array.
        scale: the network's integer upscaling factor.
        tile, tile_pad: see `tile_grid`.
        batch_size: tiles per call. The last batch is padded with copies of its last tile so
            that every call has one shape (batches are balanced first to keep waste low).
        progress: optional object with `update(n)` (e.g. a `tqdm` bar), told about each tile.

    Returns:
        `(scale*H, scale*W, C_out)` float32 output (unclipped).

    Examples:
        >>> double = lambda x: np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)
        >>> tiled_forward(double, np.zeros((5, 7, 3), "float32"), 2, tile=4).shape
        (10, 14, 3)
    """
    height, width = image.shape[:2]
    tiles = tile_grid(height, width, tile, tile_pad)
    spans, size = _balanced_batches(len(tiles), batch_size)
    output = None
    s = int(scale)
    for lo, hi in spans:
        chunk = tiles[lo:hi]
        windows = [image[wy0:wy1, wx0:wx1] for _, (wy0, wy1, wx0, wx1) in chunk]
        windows += [windows[-1]] * (size - len(windows))
        result = np.asarray(run_batch(np.stack(windows).astype(np.float32, copy=False)))
        wh, ww = windows[0].shape[:2]
        if result.shape[1:3] != (s * wh, s * ww):
            raise ValueError(
                f"the model turned a {wh}x{ww} tile into {result.shape[1]}x{result.shape[2]}, "
                f"expected x{s}: {s * wh}x{s * ww}"
            )
        if output is None:
            output = np.empty((s * height, s * width, result.shape[-1]), np.float32)
        for k, ((y0, y1, x0, x1), (wy0, _, wx0, _)) in enumerate(chunk):
            output[s * y0:s * y1, s * x0:s * x1] = result[
                k, s * (y0 - wy0):s * (y1 - wy0), s * (x0 - wx0):s * (x1 - wx0)
            ]
        if progress is not None:
            progress.update(len(chunk))
    return output
