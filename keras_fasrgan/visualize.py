"""Side-by-side comparison figures: LR | bicubic | SR | HR, with a zoomed crop row.

Uses Matplotlib's object API with the Agg canvas (no GUI, no global pyplot state), so it works
on headless machines and inside tests. Files are written atomically.
"""

import os

import numpy as np

from keras_fasrgan.utils import atomic_write


def _to_uint8_rgb(image):
    image = np.asarray(image)
    if image.dtype == np.uint16:
        image = (image.astype(np.float64) / 257.0).round().astype(np.uint8)
    elif np.issubdtype(image.dtype, np.floating) or image.dtype == bool:
        image = (np.clip(image.astype(np.float64), 0, 1) * 255.0).round().astype(np.uint8)
    elif image.dtype != np.uint8:
        raise TypeError(f"unsupported image dtype {image.dtype}")
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    if image.ndim == 3 and image.shape[-1] == 4:
        image = image[..., :3]
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got {image.shape}")
    return image


def _nearest_upscale(lr, shape):
    h, w = shape[:2]
    rows = np.minimum((np.arange(h) * lr.shape[0]) // h, lr.shape[0] - 1)
    cols = np.minimum((np.arange(w) * lr.shape[1]) // w, lr.shape[1] - 1)
    return lr[rows][:, cols]


def default_crop(shape, size=None):
    """A centred square `(top, left, height, width)` about a quarter of the smaller side."""
    h, w = shape[:2]
    size = size or max(8, min(h, w) // 4)
    size = min(size, h, w)
    return ((h - size) // 2, (w - size) // 2, size, size)


def comparison_figure(lr, sr, hr, bicubic=None, crop=None, path=None, titles=None,
                      crop_border=None, dpi=100, others=None, sr_label="SR"):
    """Builds (and optionally saves) a comparison figure.

    Top row: LR (nearest-neighbour enlarged to the HR size) | bicubic (if given) | SR | HR,
    the zoom region outlined. Bottom row: the same region of each, enlarged. The titles of
    bicubic and SR carry their PSNR/SSIM against HR (Y channel, `crop_border` pixels cropped,
    the scale by default: the paper's protocol).

    Args:
        lr, sr, hr: images (uint8/uint16/float in [0, 1]); `sr` and `bicubic` must have HR's
            size.
        bicubic: optional bicubic upscaling of `lr`.
        crop: `(top, left, height, width)` in HR pixels; default a centred square.
        path: if given, the figure is written there (format from the extension), atomically.
        titles: optional list of panel titles replacing the defaults, in panel order.
        crop_border: border for the PSNR/SSIM in the titles; default `HR height // LR height`.
        dpi: resolution of the saved file.
        others: optional `{label: image}` of more SR results (HR's size), shown and scored
            between bicubic and `sr`.
        sr_label: the title of `sr`'s panel.

    Returns:
        A `matplotlib.figure.Figure`.

    Examples:
        >>> fig = comparison_figure(lr, sr, hr, bicubic=bic, path="compare.png")  # doctest: +SKIP
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.metrics import ssim

    hr8 = _to_uint8_rgb(hr)
    sr8 = _to_uint8_rgb(sr)
    lr8 = _to_uint8_rgb(lr)
    if sr8.shape != hr8.shape:
        raise ValueError(f"SR shape {sr8.shape} differs from HR shape {hr8.shape}")
    if crop_border is None:
        crop_border = max(1, round(hr8.shape[0] / lr8.shape[0]))
    panels = [("LR (nearest)", _nearest_upscale(lr8, hr8.shape), False)]
    if bicubic is not None:
        bic8 = _to_uint8_rgb(bicubic)
        if bic8.shape != hr8.shape:
            raise ValueError(f"bicubic shape {bic8.shape} differs from HR shape {hr8.shape}")
        panels.append(("Bicubic", bic8, True))
    for label, image in (others or {}).items():
        other8 = _to_uint8_rgb(image)
        if other8.shape != hr8.shape:
            raise ValueError(f"{label} shape {other8.shape} differs from HR shape {hr8.shape}")
        panels.append((label, other8, True))
    panels.append((sr_label, sr8, True))
    panels.append(("HR", hr8, False))
    names = []
    for name, image, scored in panels:
        if scored:
            try:
                p = psnr(image, hr8, crop_border)
                s = ssim(image, hr8, crop_border)
                name = f"{name}\n{p:.2f} dB / {s:.4f}"
            except ValueError:  # image too small for the metric
                pass
        names.append(name)
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(panels):
            raise ValueError(f"titles needs {len(panels)} entries, got {len(titles)}")
        names = titles
    top, left, ch, cw = crop if crop is not None else default_crop(hr8.shape)
    if not (0 <= top < hr8.shape[0] and 0 <= left < hr8.shape[1] and ch > 0 and cw > 0):
        raise ValueError(f"crop {crop} is outside the {hr8.shape[0]}x{hr8.shape[1]} image")

    n = len(panels)
    aspect = hr8.shape[0] / hr8.shape[1]
    fig = Figure(figsize=(3.2 * n, 3.2 * aspect + 3.6), dpi=dpi)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, n, height_ratios=[aspect, 1.0])
    for i, ((_, image, _), name) in enumerate(zip(panels, names)):
        ax = fig.add_subplot(grid[0, i])
        ax.imshow(image, interpolation="nearest")
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), cw, ch, fill=False, edgecolor="red", lw=1.5))
        ax.set_title(name, fontsize=9)
        ax.axis("off")
        ax = fig.add_subplot(grid[1, i])
        ax.imshow(image[top:top + ch, left:left + cw], interpolation="nearest")
        ax.axis("off")
    fig.tight_layout()
    if path is not None:
        path = os.fspath(path)
        ext = os.path.splitext(path)[1].lstrip(".").lower() or "png"
        with atomic_write(path) as tmp:
            fig.savefig(tmp, format=ext, dpi=dpi)
    return fig
