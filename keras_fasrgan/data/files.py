"""Finding image files and checking them cheaply (headers only), with errors that name them."""

import os

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm")


class DatasetError(ValueError):
    """A dataset folder that does not have the expected layout or holds bad files."""


def list_images(directory, extensions=IMAGE_EXTENSIONS):
    """Sorted image paths (by file name) directly inside `directory`, hidden files skipped.

    Examples:
        >>> list_images("DIV2K/DIV2K_train_HR")[:1]  # doctest: +SKIP
        ['DIV2K/DIV2K_train_HR/0001.png']
    """
    directory = os.fspath(directory)
    names = sorted(
        n for n in os.listdir(directory)
        if not n.startswith(".") and os.path.splitext(n)[1].lower() in extensions
    )
    return [os.path.join(directory, n) for n in names]


def describe_dir(directory, limit=12):
    """A short listing of what `directory` holds, for error messages."""
    directory = os.fspath(directory)
    if not os.path.exists(directory):
        return f"{directory} does not exist"
    if not os.path.isdir(directory):
        return f"{directory} is not a folder"
    names = sorted(os.listdir(directory))
    if not names:
        return f"{directory} is empty"
    shown = [n + ("/" if os.path.isdir(os.path.join(directory, n)) else "") for n in names[:limit]]
    more = f", ... ({len(names) - limit} more)" if len(names) > limit else ""
    return f"{directory} holds: " + ", ".join(shown) + more


def image_size(path):
    """`(height, width)` from the file header (no decoding); `DatasetError` naming the file.

    Examples:
        >>> image_size("0001.png")  # doctest: +SKIP
        (1356, 2040)
    """
    from PIL import Image

    path = os.fspath(path)
    try:
        if os.path.getsize(path) == 0:
            raise DatasetError(f"{path}: the file is empty")
        with Image.open(path) as img:
            width, height = img.size
    except DatasetError:
        raise
    except Exception as e:  # noqa: BLE001 - Pillow raises many types for bad files
        raise DatasetError(f"{path}: cannot read image ({type(e).__name__}: {e})") from None
    return height, width


def raise_collected(problems, what, limit=10):
    """Raises one `DatasetError` listing up to `limit` problems (each names its file)."""
    if not problems:
        return
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    lines = "\n  ".join(problems[:limit])
    raise DatasetError(f"{len(problems)} {what}:\n  {lines}{more}")


def keep_large_enough(paths, min_size, where, sizes=None):
    """The `paths` whose height and width are both at least `min_size` (the HR patch).

    The others are skipped with a warning naming them and their sizes; when none is left, a
    `DatasetError` names them (a TensorFlow crop error deep in the pipeline otherwise).
    `sizes` maps a path to `(height, width)`; by default the headers are read.

    Examples:
        >>> keep_large_enough(["a.png", "tiny.png"], 128, "~/photos")  # doctest: +SKIP
        ['a.png']
    """
    import warnings

    sizes = sizes or {p: image_size(p) for p in paths}
    small = [p for p in paths if min(sizes[p]) < min_size]
    named = [f"{p} ({sizes[p][0]}x{sizes[p][1]})" for p in small[:10]]
    named += [f"... ({len(small) - 10} more)"] if len(small) > 10 else []
    if len(small) == len(paths):
        raise DatasetError(
            f"no usable image in {where}: all {len(paths)} are smaller than the HR patch "
            f"({min_size}x{min_size}): {', '.join(named)}; use a smaller --patch-size "
            "(patch_size=) or larger images"
        )
    if small:
        warnings.warn(
            f"{where}: skipping {len(small)} image(s) smaller than the HR patch "
            f"({min_size}x{min_size}): {', '.join(named)}",
            stacklevel=3,
        )
    return [p for p in paths if min(sizes[p]) >= min_size]
