"""Inference: tiled `upscale` of any image, on the Keras model or its TFLite conversion.

- `upscale(model, image, tile=None, tile_pad=16, batch_size=4, engine="auto",
  self_ensemble=False, progress=False)`: NumPy in, NumPy out, same dtype and channel layout.
- `tile_grid`, `tiled_forward`: the exact tiling scheme (see `tiling`).
- `get_engine`, `resolve_engine`, `KerasEngine`, `TFLiteEngine`, `AutoEngine`: cached engines;
  `clear_engine_cache` forgets them.
- `TFLiteModel`: a `.tflite` file used as a generator.
"""

from keras_fasrgan.inference.auto import AutoEngine
from keras_fasrgan.inference.engines import ENGINES
from keras_fasrgan.inference.engines import KerasEngine
from keras_fasrgan.inference.engines import TFLiteEngine
from keras_fasrgan.inference.conversion import cached_tflite_bytes
from keras_fasrgan.inference.engines import clear_engine_cache
from keras_fasrgan.inference.engines import get_engine
from keras_fasrgan.inference.engines import resolve_engine
from keras_fasrgan.inference.tflite_model import TFLiteModel
from keras_fasrgan.inference.tiling import tile_grid
from keras_fasrgan.inference.tiling import tiled_forward
from keras_fasrgan.inference.upscale import model_scale
from keras_fasrgan.inference.upscale import upscale

__all__ = [
    "ENGINES",
    "AutoEngine",
    "KerasEngine",
    "TFLiteEngine",
    "TFLiteModel",
    "cached_tflite_bytes",
    "clear_engine_cache",
    "get_engine",
    "model_scale",
    "resolve_engine",
    "tile_grid",
    "tiled_forward",
    "upscale",
]
