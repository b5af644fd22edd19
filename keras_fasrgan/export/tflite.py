"""TFLite export (builtin ops only) and LiteRT helpers.

Conversion goes Keras -> SavedModel -> `tf.lite.TFLiteConverter.from_saved_model`:
`from_concrete_functions` on a Keras 3 model captured wrong weights (outputs off by 1e32).
Only TFLite builtin ops are allowed (no Flex / SELECT_TF_OPS), so the file runs with the
plain LiteRT runtime on CPU (XNNPACK) and mobile GPU delegates.
"""

import os
import tempfile

import numpy as np

from keras_fasrgan.export._paths import ExportError
from keras_fasrgan.export._paths import atomic_path
from keras_fasrgan.export._paths import check_keras_model
from keras_fasrgan.export.saved_model import export_saved_model_dir

QUANTIZE_MODES = (None, "float16", "dynamic")


def tflite_bytes(model, quantize=None, input_shape=None):
    """Converts a Keras model to a TFLite flatbuffer (builtin ops only) and returns its bytes.

    Args:
        model: a Keras model with a `(None, None, None, C)` input (e.g. `RRDBNet`).
        quantize: `None` (float32), `"float16"` (float16 weights, float32 compute on CPU) or
            `"dynamic"` (int8 weights, dynamic-range quantisation).
        input_shape: `None` for dynamic batch, height and width (resize the interpreter input
            with `resize_tensor_input`), or a fixed `(height, width)` / `(batch, height, width,
            C)` shape, which GPU delegates prefer.

    Returns:
        The flatbuffer as `bytes`.

    Examples:
        >>> content = tflite_bytes(RRDBNet(num_blocks=1, filters=8, growth_channels=4))  # doctest: +SKIP
    """
    if quantize not in QUANTIZE_MODES:
        raise ExportError(f"quantize must be one of {QUANTIZE_MODES}, got {quantize!r}")
    check_keras_model(model)
    import keras

    if keras.backend.backend() != "tensorflow":
        raise ExportError(
            "TFLite export needs the TensorFlow backend (KERAS_BACKEND=tensorflow), "
            f"not {keras.backend.backend()!r}"
        )
    import tensorflow as tf

    with tempfile.TemporaryDirectory(prefix="fasrgan-tflite-") as work:
        saved = os.path.join(work, "saved_model")
        export_saved_model_dir(model, saved, input_shape=input_shape)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if quantize == "float16":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.target_spec.supported_types = [tf.float16]
        elif quantize == "dynamic":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        try:
            return bytes(converter.convert())
        except Exception as e:  # noqa: BLE001 - the converter raises several types
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ExportError(f"TFLite conversion (builtin ops only) failed: {first}") from e


def to_tflite(model, path, quantize=None, input_shape=None, overwrite=False):
    """Exports a generator to a `.tflite` file that uses TFLite builtin ops only.

    The input is float32 `(B, H, W, C)` in [0, 1]. With `input_shape=None` the batch, height
    and width are dynamic: call `interpreter.resize_tensor_input(index, (B, H, W, C))` then
    `allocate_tensors()` before each new shape. The file is written atomically.

    Args:
        model: a Keras model.
        path: output `.tflite` file.
        quantize: `None`, `"float16"` or `"dynamic"` (see `tflite_bytes`).
        input_shape: `None` (dynamic) or a fixed `(height, width)` / `(B, H, W, C)`.
        overwrite: replace an existing file; otherwise an existing path is an error.

    Returns:
        `path`.

    Examples:
        >>> to_tflite(model, "rrdbnet.tflite", quantize="float16")  # doctest: +SKIP
        >>> from ai_edge_litert.interpreter import Interpreter  # doctest: +SKIP
        >>> interpreter = Interpreter(model_path="rrdbnet.tflite")  # doctest: +SKIP
    """
    path = os.fspath(path)
    with atomic_path(path, overwrite=overwrite) as tmp:
        content = tflite_bytes(model, quantize=quantize, input_shape=input_shape)
        with open(tmp, "wb") as f:
            f.write(content)
    return path


def make_interpreter(content, num_threads=None):
    """A LiteRT interpreter (XNNPACK delegate on CPU) from flatbuffer bytes or a file path.

    Examples:
        >>> interpreter = make_interpreter("rrdbnet.tflite")  # doctest: +SKIP
    """
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        raise ExportError(
            "running TFLite models needs ai-edge-litert: pip install 'keras-fasrgan[litert]'"
        ) from None
    if num_threads is None:
        num_threads = os.cpu_count() or 1
    if isinstance(content, (bytes, bytearray)):
        return Interpreter(model_content=bytes(content), num_threads=num_threads)
    return Interpreter(model_path=os.fspath(content), num_threads=num_threads)


def run_tflite(interpreter, x):
    """Runs a one-input, one-output interpreter on `x`, resizing a dynamic input if needed.

    Examples:
        >>> y = run_tflite(make_interpreter("rrdbnet.tflite"), np.zeros((1, 16, 16, 3), "float32"))  # doctest: +SKIP
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    detail = interpreter.get_input_details()[0]
    if tuple(detail["shape"]) != x.shape:
        check_input_shape(detail, x.shape)
        interpreter.resize_tensor_input(detail["index"], x.shape, strict=True)
        interpreter.allocate_tensors()
    elif not getattr(interpreter, "_fasrgan_allocated", False):
        interpreter.allocate_tensors()
    interpreter._fasrgan_allocated = True
    interpreter.set_tensor(detail["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def check_input_shape(detail, shape):
    """Raises `ExportError` unless `shape` fits an interpreter input (`get_input_details()`
    entry): same rank, equal sizes where the model's signature is fixed (not -1).

    Examples:
        >>> check_input_shape(interpreter.get_input_details()[0], (1, 64, 64, 3))  # doctest: +SKIP
    """
    signature = tuple(int(s) for s in detail.get("shape_signature", detail["shape"]))
    fixed = [s for s, sig in zip(detail["shape"], signature) if sig != -1]
    wanted = [s for s, sig in zip(shape, signature) if sig != -1]
    if len(signature) != len(shape) or fixed != wanted:
        raise ExportError(
            f"input of shape {tuple(shape)} does not fit the TFLite model's input {signature} "
            "(-1 = dynamic); with upscale, choose tile, tile_pad and batch_size to match it"
        )


def tflite_op_names(content):
    """The sorted operator names in a TFLite flatbuffer (bytes or path), e.g. `["CONV_2D", ...]`.

    Flex (SELECT_TF_OPS) kernels appear as names starting with `"Flex"`.

    Examples:
        >>> "CONV_2D" in tflite_op_names("rrdbnet.tflite")  # doctest: +SKIP
        True
    """
    interpreter = make_interpreter(content, num_threads=1)
    return sorted({op["op_name"] for op in interpreter._get_ops_details()})
