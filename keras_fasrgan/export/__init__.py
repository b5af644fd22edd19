"""Exporting generators: TensorFlow SavedModel, TFLite (builtin ops only) and ONNX.

- `to_saved_model(model, path)`: dynamic batch/height/width serving signature.
- `to_tflite(model, path, quantize=None | "float16" | "dynamic", input_shape=None)`.
- `to_onnx(model, path)`: through Keras' own ONNX exporter.
- `tflite_bytes`, `make_interpreter`, `run_tflite`, `tflite_op_names`: LiteRT helpers.
- `tflite_quality(model, pairs)`: PSNR / SSIM of the float32, float16 and dynamic-range files.

Every writer is atomic (built beside the target, then renamed) and refuses to replace an
existing path unless `overwrite=True`.
"""

from keras_fasrgan.export._paths import ExportError
from keras_fasrgan.export.onnx import to_onnx
from keras_fasrgan.export.quality import tflite_quality
from keras_fasrgan.export.saved_model import to_saved_model
from keras_fasrgan.export.tflite import make_interpreter
from keras_fasrgan.export.tflite import run_tflite
from keras_fasrgan.export.tflite import tflite_bytes
from keras_fasrgan.export.tflite import tflite_op_names
from keras_fasrgan.export.tflite import to_tflite

__all__ = [
    "ExportError",
    "make_interpreter",
    "run_tflite",
    "tflite_bytes",
    "tflite_op_names",
    "tflite_quality",
    "to_onnx",
    "to_saved_model",
    "to_tflite",
]
