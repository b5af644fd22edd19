"""16-bit colour PNG and TIFF, which Pillow reduces to 8 bits (it has no 48/64-bit RGB mode).

- PNG is read with TensorFlow's `decode_png` (which keeps 16 bits) and written by a small
  encoder here (IHDR, optional iCCP, one zlib IDAT).
- TIFF is read and written with `tifffile` (a dependency of scikit-image), which handles
  strips, tiles, planar layouts and deflate compression in pure Python. LZW- or JPEG-compressed
  files need its optional `imagecodecs`; without it `read_tiff16` raises `DeepColorUnavailable`
  and the caller falls back to Pillow's 8-bit reading.
"""

import struct
import zlib

import numpy as np

# PNG colour types by channel count: gray+alpha, RGB, RGBA.
_PNG_COLOR_TYPES = {2: 4, 3: 2, 4: 6}


class DeepColorUnavailable(RuntimeError):
    """This file needs an optional codec to be read at full depth."""


def is_deep_png(path):
    """Whether `path` is a 16-bit PNG with colour or alpha (IHDR bit depth 16, type 2/4/6)."""
    with open(path, "rb") as f:
        header = f.read(26)
    return len(header) == 26 and header[24] == 16 and header[25] in _PNG_COLOR_TYPES.values()


def read_png16(path):
    """`(H, W, C)` uint16 array of a 16-bit colour PNG (C = 2, 3 or 4)."""
    import tensorflow as tf

    return tf.io.decode_png(tf.io.read_file(path), channels=0, dtype=tf.uint16).numpy()


def _chunk(tag, data):
    body = tag + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png16(image, icc_profile=None):
    """PNG bytes of an `(H, W, C)` uint16 image, C = 2 (gray + alpha), 3 or 4.

    Examples:
        >>> data = encode_png16(np.zeros((2, 3, 3), np.uint16))
        >>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", data[24:26]
        (True, b'\\x10\\x02')
    """
    h, w, c = image.shape
    raw = np.ascontiguousarray(image, dtype=">u2").reshape(h, w * c)
    rows = np.concatenate([np.zeros((h, 1), np.uint8), raw.view(np.uint8)], axis=1)  # filter 0
    png = b"\x89PNG\r\n\x1a\n"
    png += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, _PNG_COLOR_TYPES[c], 0, 0, 0))
    if icc_profile:
        png += _chunk(b"iCCP", b"ICC profile\x00\x00" + zlib.compress(icc_profile))
    png += _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
    return png + _chunk(b"IEND", b"")


def is_deep_tiff(img):
    """Whether a Pillow-opened TIFF stores colour samples with more than 8 bits."""
    if img.format != "TIFF" or img.mode not in ("RGB", "RGBA", "LA"):
        return False
    bits = img.tag_v2.get(258, (8,))
    bits = bits if isinstance(bits, tuple) else (bits,)
    return max(bits) > 8


def is_tiff(path):
    """Whether the file starts with a TIFF (or BigTIFF) signature."""
    with open(path, "rb") as f:
        return f.read(4) in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def tiff_tags(path):
    """`(icc_profile, orientation)` of a TIFF's first page (None and 1 when absent)."""
    import tifffile

    with tifffile.TiffFile(path) as tif:
        tags = tif.pages[0].tags
        icc = tags.get(34675)
        orientation = tags.get(274)
        return (bytes(icc.value) if icc is not None else None,
                int(orientation.value) if orientation is not None else 1)


def read_tiff16(path):
    """`(H, W, C)` array of the first page of a deep-colour TIFF, channels last."""
    import tifffile

    with tifffile.TiffFile(path) as tif:
        page = tif.pages[0]
        try:
            array = page.asarray()
        except (KeyError, ValueError) as e:
            if "imagecodecs" in str(e):
                raise DeepColorUnavailable(
                    f"reading this TIFF at 16 bits needs imagecodecs ({e}); pip install "
                    "imagecodecs"
                ) from None
            raise
        axes = page.axes
    if axes.startswith("S"):  # planar configuration: one plane per sample
        array = np.moveaxis(array, 0, -1)
    if array.dtype != np.uint16:
        raise ValueError(f"{array.dtype} TIFF samples are not supported; save as 8 or 16-bit")
    return array


def write_tiff16(path, image, icc_profile=None):
    """Writes an `(H, W, C)` uint16 image (C = 2, 3 or 4) as a deflate-compressed TIFF."""
    import tifffile

    channels = image.shape[-1]
    tifffile.imwrite(
        path,
        image,
        photometric="minisblack" if channels == 2 else "rgb",
        planarconfig="contig",
        extrasamples=("unassalpha",) if channels in (2, 4) else None,
        compression="zlib",
        iccprofile=icc_profile or None,
    )
