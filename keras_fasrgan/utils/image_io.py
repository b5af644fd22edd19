"""Reading and writing images robustly.

Every reader in the package goes through `read_image`, so odd files (grayscale, palette, RGBA,
16-bit, truncated, empty, decompression bombs) get one clear `ImageReadError` naming the file,
and every writer goes through `write_image`/`atomic_write`, so a crash never leaves a half
written output and an input is never overwritten.
"""

import contextlib
import os
import tempfile
import warnings

import numpy as np
from PIL import Image


class ImageReadError(ValueError):
    """An image file that cannot be read; the message names the file and the reason."""


def read_image(path, mode="RGB"):
    """Reads an image file into a NumPy array, keeping its bit depth.

    Args:
        path: file path.
        mode: `"RGB"` (default) returns `(H, W, 3)`; `"keep"` returns the file's own layout:
            `(H, W)` grayscale, `(H, W, 3)` RGB or `(H, W, 4)` RGBA; `"Y"` returns `(H, W)`
            grayscale as stored (only for grayscale files, others are converted to RGB first).

    Returns:
        A `uint8` array, or `uint16` for 16-bit files (16-bit PNG and TIFF).

    Raises:
        ImageReadError: missing, empty, corrupt or too large a file, or an unsupported mode.

    Example:
    >>> image = read_image("photo.png")  # doctest: +SKIP
    >>> image.shape, image.dtype  # doctest: +SKIP
    ((480, 640, 3), dtype('uint8'))
    """
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
            with Image.open(path) as img:
                img.load()
                if _is_16bit_color_png(path, img):
                    array = _read_16bit_color_png(path)
                else:
                    array = _to_array(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageReadError(
            f"{path}: image too large for Pillow's decompression-bomb guard ({e}); raise "
            "PIL.Image.MAX_IMAGE_PIXELS if you trust this file"
        ) from None
    except ImageReadError:
        raise
    except Exception as e:  # noqa: BLE001 - Pillow raises many types for corrupt files
        raise ImageReadError(f"{path}: cannot read image ({type(e).__name__}: {e})") from None
    if array.ndim == 2 and mode == "RGB":
        array = np.repeat(array[..., None], 3, axis=-1)
    elif array.ndim == 3 and array.shape[-1] == 4 and mode == "RGB":
        array = array[..., :3]
    elif mode not in ("RGB", "keep", "Y"):
        raise ValueError(f"mode must be 'RGB', 'keep' or 'Y', got {mode!r}")
    if mode == "Y" and array.ndim == 3:
        array = array[..., :3]
    if min(array.shape[:2]) < 1:
        raise ImageReadError(f"{path}: image has no pixels")
    return array


def _is_16bit_color_png(path, img):
    """Pillow opens 48/64-bit PNGs as 8-bit RGB(A), silently dropping precision."""
    if img.format != "PNG" or img.mode not in ("RGB", "RGBA"):
        return False
    with open(path, "rb") as f:
        header = f.read(26)
    return len(header) == 26 and header[24] == 16


def _read_16bit_color_png(path):
    import tensorflow as tf

    data = tf.io.read_file(path)
    return tf.io.decode_png(data, channels=0, dtype=tf.uint16).numpy()


def _to_array(img):
    """Converts a PIL image to uint8/uint16 array: (H, W), (H, W, 3) or (H, W, 4)."""
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
    if img.mode == "LA":
        return np.asarray(img.convert("L"), dtype=np.uint8)
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


@contextlib.contextmanager
def atomic_write(path, suffix=None):
    """Yields a temporary path beside `path`; renames it onto `path` only on success.

    Example:
    >>> with atomic_write("out.json") as tmp:  # doctest: +SKIP
    ...     open(tmp, "w").write("{}")
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if suffix is None:
        suffix = os.path.splitext(path)[1]
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def write_image(path, image):
    """Writes a uint8/uint16/float array atomically; the format follows the extension.

    Float arrays are taken as [0, 1] and saved as 8-bit. uint16 is kept for PNG and TIFF and
    reduced to 8-bit for formats that cannot hold it (JPEG, WebP, BMP).
    """
    path = os.fspath(path)
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.floating):
        image = from_float(image, np.uint8)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    ext = os.path.splitext(path)[1].lower()
    if image.dtype == np.uint16 and ext not in (".png", ".tif", ".tiff"):
        image = (image.astype(np.float32) / 257.0).round().astype(np.uint8)
    if image.dtype == np.uint16:
        if image.ndim == 2:
            pil = Image.fromarray(image)
        else:
            return _write_uint16_color(path, image)
    else:
        pil = Image.fromarray(image.astype(np.uint8))
    if ext in (".jpg", ".jpeg") and pil.mode == "RGBA":
        pil = pil.convert("RGB")
    fmt = Image.registered_extensions().get(ext)
    if fmt is None:
        raise ValueError(f"{path}: unknown image extension {ext!r}")
    with atomic_write(path) as tmp:
        kwargs = {"quality": 95} if fmt == "JPEG" else {}
        pil.save(tmp, format=fmt, **kwargs)
    return path


def _write_uint16_color(path, image):
    """16-bit RGB/RGBA PNG through the raw encoder (Pillow has no 48-bit RGB mode)."""
    ext = os.path.splitext(path)[1].lower()
    if ext != ".png":
        image8 = (image.astype(np.float32) / 257.0).round().astype(np.uint8)
        return write_image(path, image8)
    import zlib
    import struct

    h, w, c = image.shape
    color_type = {3: 2, 4: 6}[c]
    raw = image.astype(">u2").reshape(h, w * c).tobytes()
    stride = w * c * 2
    rows = b"".join(b"\x00" + raw[i * stride:(i + 1) * stride] for i in range(h))

    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 6))
    png += chunk(b"IEND", b"")
    with atomic_write(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(png)
    return path
