"""Small helpers shared across the package (image I/O, atomic writes)."""

from keras_fasrgan.utils.image_io import ImageReadError
from keras_fasrgan.utils.image_io import atomic_write
from keras_fasrgan.utils.image_io import from_float
from keras_fasrgan.utils.image_io import read_image
from keras_fasrgan.utils.image_io import to_float
from keras_fasrgan.utils.image_io import write_image

__all__ = [
    "ImageReadError",
    "atomic_write",
    "from_float",
    "read_image",
    "to_float",
    "write_image",
]
