"""Reading and writing images robustly, as photo viewers and editors do.

Every reader in the package goes through `read_image`, so odd files (grayscale, gray + alpha,
palette, RGBA, 16-bit, truncated, empty, decompression bombs) get one clear `ImageReadError`
naming the file, and every writer goes through `write_image` / `atomic_write`, so a crash
never leaves a half written output and an input is never overwritten.

What a photo carries beyond its pixels is honoured: the EXIF orientation is applied on
reading (a phone photo comes out upright), and the ICC colour profile, returned with
`with_info=True`, can be handed to `write_image` to keep the colours (PNG, JPEG, TIFF, WebP).
Bit depth and channel layout are kept: 16-bit colour PNG and TIFF stay 16-bit (see
`deep_color`), gray + alpha stays gray + alpha.
"""

import dataclasses
import os
import warnings

import numpy as np
from PIL import Image

from keras_fasrgan.utils import deep_color
from keras_fasrgan.utils.atomic import atomic_write

# EXIF orientation -> the NumPy transform that shows the image upright (as Pillow's
# `ImageOps.exif_transpose`): 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90
# clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
_ORIENT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: np.swapaxes(a, 0, 1),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.swapaxes(a[::-1, ::-1], 0, 1),
    8: lambda a: np.rot90(a, 1),
}
_EXIF_ORIENTATION = 0x0112
# Formats that store no alpha (JPEG, PPM) or no gray + alpha (BMP): what each mode becomes.
_MODE_FALLBACK = {
    "JPEG": {"LA": "L", "RGBA": "RGB"},
    "PPM": {"LA": "L", "RGBA": "RGB"},
    "BMP": {"LA": "RGBA"},
}


class ImageReadError(ValueError):
    """An image file that cannot be read; the message names the file and the reason."""


@dataclasses.dataclass
class ImageInfo:
    """What `read_image(..., with_info=True)` learns besides the pixels.

    Attributes:
        format: Pillow's format name ("PNG", "JPEG", "TIFF", ...).
        icc_profile: the embedded ICC colour profile (bytes) or None.
        frames: number of frames (more than 1 for animated GIF / PNG / WebP; only the first
            is read).
        orientation: the EXIF orientation (1-8) that was applied, 1 when none.
    """

    format: str = None
    icc_profile: bytes = None
    frames: int = 1
    orientation: int = 1


def _orientation(img):
    try:
        value = int(img.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:  # noqa: BLE001 - a broken EXIF block must not make the image unreadable
        return 1
    return value if value in _ORIENT else 1


def read_image(path, mode="RGB", with_info=False):
    """Reads an image file into a NumPy array, upright, keeping its bit depth.

    Args:
        path: file path.
        mode: `"RGB"` (default) returns `(H, W, 3)`; `"keep"` returns the file's own layout:
            `(H, W)` grayscale, `(H, W, 2)` gray + alpha, `(H, W, 3)` RGB or `(H, W, 4)` RGBA;
            `"Y"` returns `(H, W)` grayscale as stored (only for grayscale files, others are
            converted to RGB first).
        with_info: also return an `ImageInfo` (ICC profile, frame count, orientation).
            Without it, reading an animated image warns that only its first frame is used.

    Returns:
        A `uint8` array, or `uint16` for 16-bit files (16-bit PNG and TIFF); with
        `with_info=True`, `(array, ImageInfo)`.

    Raises:
        ImageReadError: missing, empty, corrupt or too large a file, or an unsupported mode.

    Examples:
        >>> image = read_image("photo.png")  # doctest: +SKIP
        >>> image.shape, image.dtype  # doctest: +SKIP
        ((480, 640, 3), dtype('uint8'))
        >>> image, info = read_image("phone.jpg", mode="keep", with_info=True)  # doctest: +SKIP
    """
    if mode not in ("RGB", "keep", "Y"):
        raise ValueError(f"mode must be 'RGB', 'keep' or 'Y', got {mode!r}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ImageReadError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ImageReadError(f"{path}: is a directory, not an image")
    if os.path.getsize(path) == 0:
        raise ImageReadError(f"{path}: the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(path) as img:
                    array, info = _decode(path, img)
            except Image.UnidentifiedImageError:
                if not deep_color.is_tiff(path):
                    raise
                array, info = _decode_tiff(path)  # e.g. 16-bit gray + alpha: not for Pillow
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageReadError(
            f"{path}: image too large for Pillow's decompression-bomb guard ({e}); raise "
            "PIL.Image.MAX_IMAGE_PIXELS if you trust this file"
        ) from None
    except ImageReadError as e:
        raise ImageReadError(f"{path}: {e}") from None
    except Exception as e:  # noqa: BLE001 - Pillow raises many types for corrupt files
        raise ImageReadError(f"{path}: cannot read image ({type(e).__name__}: {e})") from None
    if min(array.shape[:2]) < 1:
        raise ImageReadError(f"{path}: image has no pixels")
    if info.orientation in _ORIENT:
        array = np.ascontiguousarray(_ORIENT[info.orientation](array))
    if mode != "keep" and array.ndim == 3 and array.shape[-1] == 2:
        array = array[..., 0]  # gray + alpha: the gray plane
    if mode == "RGB" and array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=-1)
    elif mode in ("RGB", "Y") and array.ndim == 3:
        array = array[..., :3]
    if with_info:
        return array, info
    if info.frames > 1:
        warnings.warn(f"{path}: animated image with {info.frames} frames; only the first is read",
                      stacklevel=2)
    return array


def _decode(path, img):
    """The first frame as an array (before orientation) and the image's `ImageInfo`."""
    info = ImageInfo(
        format=img.format,
        icc_profile=img.info.get("icc_profile") or None,
        frames=int(getattr(img, "n_frames", 1) or 1),
    )
    array = None
    if img.format == "PNG" and deep_color.is_deep_png(path):
        array = deep_color.read_png16(path)
    elif deep_color.is_deep_tiff(img):
        try:
            array = deep_color.read_tiff16(path)
        except deep_color.DeepColorUnavailable as e:
            warnings.warn(f"{path}: {e}; read as 8-bit instead", stacklevel=3)
    if array is None:
        img.load()
        array = _to_array(img)
    info.orientation = _orientation(img)
    return array, info


def _decode_tiff(path):
    """A TIFF that Pillow cannot open, read with tifffile."""
    array = deep_color.read_tiff16(path)
    icc, orientation = deep_color.tiff_tags(path)
    return array, ImageInfo(format="TIFF", icc_profile=icc, orientation=orientation)


def _to_array(img):
    """Converts a PIL image to uint8/uint16 array: (H, W), (H, W, 2), (H, W, 3) or (H, W, 4)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(img, dtype=np.uint16)
    if img.mode == "I":  # 32-bit int, as Pillow opens most 16-bit grayscale PNGs
        array = np.asarray(img)
        if array.max(initial=0) > 65535 or array.min(initial=0) < 0:
            raise ImageReadError("32-bit integer images are not supported")
        return array.astype(np.uint16)
    if img.mode == "F":
        raise ImageReadError("32-bit float images are not supported; save as 8 or 16-bit")
    if img.mode in ("L", "1"):
        return np.asarray(img.convert("L"), dtype=np.uint8)
    if img.mode == "LA" or (img.mode == "L" and "transparency" in img.info):
        return np.asarray(img.convert("LA"), dtype=np.uint8)
    if img.mode in ("RGBA", "PA") or (img.mode == "P" and "transparency" in img.info):
        return np.asarray(img.convert("RGBA"), dtype=np.uint8)
    if img.mode == "RGB":
        return np.asarray(img, dtype=np.uint8)
    # P, CMYK, YCbCr, LAB, HSV, 48-bit RGB (which Pillow opens as RGB already) ...
    return np.asarray(img.convert("RGB"), dtype=np.uint8)


def to_float(image):
    """uint8 / uint16 / float image -> float32 in [0, 1]."""
    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    if image.dtype == np.uint16:
        return image.astype(np.float32) / 65535.0
    if np.issubdtype(image.dtype, np.floating):
        return image.astype(np.float32)
    if image.dtype == bool:
        return image.astype(np.float32)
    raise TypeError(f"unsupported image dtype {image.dtype}")


def from_float(image, dtype):
    """float image in [0, 1] -> `dtype` (uint8/uint16 rounded and clipped; float clipped)."""
    dtype = np.dtype(dtype)
    image = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
    if dtype == np.uint8:
        return np.round(image * 255.0).astype(np.uint8)
    if dtype == np.uint16:
        return np.round(image * 65535.0).astype(np.uint16)
    return image.astype(dtype)


def image_format(path):
    """Pillow's format name for `path`'s extension ("PNG", "JPEG", ...), or None if unknown.

    Examples:
        >>> image_format("out.JPG"), image_format("out.xyz")
        ('JPEG', None)
    """
    return Image.registered_extensions().get(os.path.splitext(os.fspath(path))[1].lower())


def _icc_fits(profile, channels):
    """Whether an ICC profile's colour space (header bytes 16-20) fits gray or RGB pixels."""
    if not profile or len(profile) < 20:
        return False
    space = bytes(profile[16:20])
    return space == (b"GRAY" if channels in (1, 2) else b"RGB ")


def write_image(path, image, icc_profile=None):
    """Writes a uint8/uint16/float array atomically; the format follows the extension.

    Float arrays are taken as [0, 1] and saved as 8-bit. uint16 is kept for PNG and TIFF and
    reduced to 8-bit for formats that cannot hold it (JPEG, WebP, BMP). Alpha is dropped for
    formats without it (JPEG, PPM).

    Args:
        path: output file; its extension chooses the format.
        image: `(H, W)`, `(H, W, 1)`, `(H, W, 2)` (gray + alpha), `(H, W, 3)` or `(H, W, 4)`.
        icc_profile: an ICC profile to embed (as `read_image(..., with_info=True)` returns);
            written for PNG, JPEG, TIFF and WebP when its colour space (gray or RGB) fits.

    Examples:
        >>> image, info = read_image("photo.jpg", with_info=True)  # doctest: +SKIP
        >>> write_image("copy.png", image, icc_profile=info.icc_profile)  # doctest: +SKIP
    """
    path = os.fspath(path)
    fmt = image_format(path)
    if fmt is None:
        raise ValueError(f"{path}: unknown image extension {os.path.splitext(path)[1]!r}")
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.floating):
        image = from_float(image, np.uint8)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    channels = 1 if image.ndim == 2 else image.shape[-1]
    icc = icc_profile if _icc_fits(icc_profile, channels) else None
    if image.dtype == np.uint16 and fmt not in ("PNG", "TIFF"):
        image = (image.astype(np.float32) / 257.0).round().astype(np.uint8)
    if image.dtype == np.uint16 and channels > 1:
        with atomic_write(path) as tmp:
            if fmt == "PNG":
                with open(tmp, "wb") as f:
                    f.write(deep_color.encode_png16(image, icc))
            else:
                deep_color.write_tiff16(tmp, image, icc)
        return path
    pil = Image.fromarray(image if image.dtype == np.uint16 else image.astype(np.uint8))
    fallback = _MODE_FALLBACK.get(fmt, {}).get(pil.mode)
    if fallback:
        pil = pil.convert(fallback)
    kwargs = {"quality": 95} if fmt == "JPEG" else {}
    if icc and fmt in ("PNG", "JPEG", "TIFF", "WEBP"):
        kwargs["icc_profile"] = icc
    with atomic_write(path) as tmp:
        pil.save(tmp, format=fmt, **kwargs)
    return path
