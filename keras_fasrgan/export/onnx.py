"""ONNX export through Keras' own `model.export(..., format="onnx")`."""

import os

import numpy as np

from keras_fasrgan.export._paths import ExportError
from keras_fasrgan.export._paths import atomic_path
from keras_fasrgan.export._paths import check_keras_model


def to_onnx(model, path, opset_version=None, overwrite=False):
    """Exports a generator to ONNX with dynamic batch, height and width.

    Uses Keras' exporter: on TensorFlow it needs `tf2onnx` (`pip install
    'keras-fasrgan[onnx]'`), on PyTorch `torch.onnx`. Run the file with `onnxruntime`: input
    float32 `(B, H, W, 3)` in [0, 1], NHWC as in Keras. Written atomically.

    Args:
        model: a Keras model.
        path: output `.onnx` file.
        opset_version: ONNX opset; `None` for the exporter's default.
        overwrite: replace an existing file; otherwise an existing path is an error.

    Returns:
        `path`.

    Examples:
        >>> to_onnx(model, "rrdbnet.onnx")  # doctest: +SKIP
        >>> import onnxruntime as ort  # doctest: +SKIP
        >>> session = ort.InferenceSession("rrdbnet.onnx")  # doctest: +SKIP
    """
    import keras

    check_keras_model(model)
    path = os.fspath(path)
    if keras.backend.backend() == "tensorflow":
        try:
            import tf2onnx  # noqa: F401
        except ImportError:
            raise ExportError(
                "ONNX export on the TensorFlow backend needs tf2onnx: "
                "pip install 'keras-fasrgan[onnx]'"
            ) from None
    if not getattr(model, "_called", True):
        channels = model.inputs[0].shape[-1]
        model(np.zeros((1, 4, 4, channels), "float32"))  # Keras' exporter requires a call
    with atomic_path(path, overwrite=overwrite) as tmp:
        kwargs = {} if opset_version is None else {"opset_version": opset_version}
        model.export(tmp, format="onnx", verbose=False, **kwargs)
    return path
