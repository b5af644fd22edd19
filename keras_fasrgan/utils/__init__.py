"""Small helpers shared across the package (image I/O, atomic writes)."""

from keras_fasrgan.utils.atomic import atomic_write
from keras_fasrgan.utils.image_io import ImageInfo
from keras_fasrgan.utils.image_io import ImageReadError
from keras_fasrgan.utils.image_io import from_float
from keras_fasrgan.utils.image_io import image_format
from keras_fasrgan.utils.image_io import read_image
from keras_fasrgan.utils.image_io import to_float
from keras_fasrgan.utils.image_io import write_image

__all__ = [
    "ImageInfo",
    "ImageReadError",
    "atomic_write",
    "from_float",
    "image_format",
    "read_image",
    "to_float",
    "write_image",
]
