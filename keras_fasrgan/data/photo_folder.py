"""Training on a plain folder of your own HR photos (any names, PNG or JPEG, nested one level).

`photo_pairs(folder, ...)` finds the photos in `folder` and in its direct subfolders, skips
(with a warning naming them) those smaller than the HR patch, and makes each photo's LR once
with the MATLAB bicubic (`bicubic_lr` of the whole photo), cached as PNG under
`<cache_dir>/photos/LR_x<scale>/`. The photos themselves are read where they are and never
written to; a photo that TensorFlow cannot decode as it is (another format, an EXIF
rotation, CMYK) gets a normalised PNG copy in the cache first. Cached files are named after
the photo's path, size and modification time, so an edited photo gets a new LR.

`hr_folder_dataset(root, split, ...)` is what `fasrgan train --data/--val-data` use: the
DIV2K layout when `root` has it (`keras_fasrgan.data.div2k`), else a folder of photos.
"""

import hashlib
import os

from keras_fasrgan.data.files import DatasetError
from keras_fasrgan.data.files import describe_dir
from keras_fasrgan.data.files import image_size
from keras_fasrgan.data.files import keep_large_enough
from keras_fasrgan.data.files import list_images
from keras_fasrgan.data.files import raise_collected
from keras_fasrgan.data.pipeline import check_scale
from keras_fasrgan.data.pipeline import split_dataset

PHOTO_EXTENSIONS = (".png", ".jpg", ".jpeg")
_DECODABLE_MODES = ("RGB", "RGBA", "L", "LA", "P", "I;16", "I;16B", "I")
_EXIF_ORIENTATION = 0x0112


def default_cache_dir():
    """`$XDG_CACHE_HOME/keras_fasrgan` (default `~/.cache/keras_fasrgan`)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "keras_fasrgan")


def find_photos(folder):
    """PNG/JPEG files in `folder` and its direct subfolders (hidden ones skipped), sorted.

    Examples:
        >>> find_photos("~/photos")[:2]  # doctest: +SKIP
        ['~/photos/beach.jpg', '~/photos/2024/IMG_0001.JPG']
    """
    folder = os.fspath(folder)
    found = list_images(folder, PHOTO_EXTENSIONS)
    for name in sorted(os.listdir(folder)):
        sub = os.path.join(folder, name)
        if not name.startswith(".") and os.path.isdir(sub):
            found += list_images(sub, PHOTO_EXTENSIONS)
    return found


def _decodable_as_is(path):
    """True when `tf.io.decode_image` gives the same pixels as `read_image` (no rotation)."""
    from PIL import Image

    with Image.open(path) as img:
        if img.format not in ("PNG", "JPEG") or img.mode not in _DECODABLE_MODES:
            return False
        return img.getexif().get(_EXIF_ORIENTATION, 1) == 1


def _cache_name(path):
    stat = os.stat(path)
    key = f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return f"{os.path.splitext(os.path.basename(path))[0]}_{digest}"


def _write_png_copy(source, target):
    from keras_fasrgan.utils import read_image
    from keras_fasrgan.utils import write_image

    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_image(target, read_image(source))


def photo_pairs(folder, scale=4, min_size=None, cache_dir=None, workers=None):
    """`(hr_path, lr_path)` pairs of the usable photos in `folder`; makes the LR once.

    Args:
        folder: a folder of HR photos (PNG/JPEG, any names; subfolders one level deep too).
        scale: super-resolution factor.
        min_size: photos whose height or width is below this (the HR patch size) are
            skipped with a warning naming them. Default: `scale`.
        cache_dir: where LR images (and normalised copies) go; default
            `default_cache_dir()`. Never inside `folder`.
        workers: threads that make the LR cache.

    Raises:
        DatasetError: not a folder, no photos, unreadable files (named), or no photo large
            enough (the message names them and their sizes).

    Examples:
        >>> pairs = photo_pairs("~/photos", scale=4, min_size=128, cache_dir="/tmp/lr")  # doctest: +SKIP
    """
    from keras_fasrgan.data.div2k import make_lr_cache

    folder = os.path.expanduser(os.fspath(folder))
    scale = check_scale(scale)
    min_size = scale if min_size is None else int(min_size)
    if not os.path.isdir(folder):
        raise DatasetError(f"no photo folder: {describe_dir(folder)}")
    photos = find_photos(folder)
    if not photos:
        raise DatasetError(
            f"no PNG or JPEG images in {folder} nor in its subfolders; " + describe_dir(folder)
        )
    sizes, problems = {}, []
    for path in photos:
        try:
            sizes[path] = image_size(path)
        except DatasetError as e:
            problems.append(str(e))
    raise_collected(problems, "unreadable images")
    usable = keep_large_enough(photos, min_size, folder, sizes)
    root = os.path.join(os.path.expanduser(os.fspath(cache_dir or default_cache_dir())), "photos")
    pairs = []
    for path in usable:
        name = _cache_name(path)
        hr = path
        if not _decodable_as_is(path):
            hr = os.path.join(root, "HR", name + ".png")
            _write_png_copy(path, hr)
        pairs.append((hr, os.path.join(root, f"LR_x{scale}", f"{name}x{scale}.png")))
    make_lr_cache(pairs, scale, workers=workers)
    return pairs


def photo_dataset(folder, split="train", scale=4, patch_size=128, batch_size=16, cache_dir=None,
                  **kwargs):
    """`(lr, hr)` batches from a folder of photos, as `div2k` gives for DIV2K.

    `split="train"`: random aligned patches, augmented, shuffled, repeated; `"valid"`: center
    crops (`patch_size`, or whole images with `patch_size=None` and `batch_size=1`), one pass.
    Other keyword arguments go to `keras_fasrgan.data.pair_dataset` (`seed`, `augment`, ...).

    Examples:
        >>> ds = photo_dataset("~/photos", "train", patch_size=128, batch_size=16, seed=0)  # doctest: +SKIP
    """
    pairs = photo_pairs(folder, scale, min_size=patch_size, cache_dir=cache_dir)
    return split_dataset(
        pairs, split, scale=scale, patch_size=patch_size, batch_size=batch_size, **kwargs
    )


def hr_folder_dataset(root, split="train", cache_dir=None, subimages=False, **kwargs):
    """DIV2K when `root` has its layout (`DIV2K_<split>_HR/`), else a folder of photos.

    A root with any `DIV2K_*_HR` folder is read as DIV2K (so a missing split is an error,
    not a silent fallback to other images). `subimages` applies to DIV2K only. Other
    arguments as for `div2k` / `photo_dataset`.

    Examples:
        >>> ds = hr_folder_dataset("~/photos", "train", scale=4, patch_size=128, batch_size=16)  # doctest: +SKIP
    """
    from keras_fasrgan.data.div2k import div2k

    root = os.path.expanduser(os.fspath(root))
    names = os.listdir(root) if os.path.isdir(root) else []
    if any(n.startswith("DIV2K_") and n.endswith("_HR") for n in names):
        return div2k(root, split, cache_dir=cache_dir, subimages=subimages, **kwargs)
    return photo_dataset(root, split, cache_dir=cache_dir, **kwargs)
