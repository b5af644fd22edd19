"""A `.tflite` file as a generator: `upscale`, the engines and the CLI take it like a Keras one."""

import os

import numpy as np

from keras_fasrgan.export._paths import ExportError


class _TensorSpec:
    """The part of a Keras input tensor that inference reads: its shape."""

    def __init__(self, shape):
        self.shape = shape


class TFLiteModel:
    """A TFLite image-to-image model (e.g. written by `keras_fasrgan.export.to_tflite`).

    It runs with LiteRT (XNNPACK on CPU) and offers what inference needs of a generator:
    `scale` (read from the file by running it once on an 8x8 input, or from its fixed
    shape), `inputs[0].shape`, `predict_on_batch(x)` / `model(x)` on float32 NHWC batches.
    `upscale(model, image)` and `get_engine(model, "auto" | "tflite")` accept it; there is no
    Keras model inside, so `engine="keras"` is refused.

    Args:
        source: path of a `.tflite` file, or its bytes.
        num_threads: LiteRT threads (default: all CPUs).
        name: a label (default: the file name).

    Raises:
        ExportError: the file is not a TFLite model, or not an image-to-image one (one
            float32 `(B, H, W, C)` input, one `(B, sH, sW, C')` output, integer `s`).

    Examples:
        >>> model = TFLiteModel("demo_x4.tflite")  # doctest: +SKIP
        >>> model.scale  # doctest: +SKIP
        4
        >>> upscale(model, image).shape  # doctest: +SKIP
    """

    def __init__(self, source, num_threads=None, name=None):
        from keras_fasrgan.export.tflite import make_interpreter

        if isinstance(source, (bytes, bytearray)):
            self.content = bytes(source)
            self.name = label = name or "tflite_model"
        else:
            label = os.fspath(source)
            with open(label, "rb") as f:
                self.content = f.read()
            self.name = name or os.path.basename(label)
        self.num_threads = num_threads
        try:
            interpreter = make_interpreter(self.content, num_threads=1)
        except ExportError:
            raise
        except Exception as e:  # noqa: BLE001 - LiteRT raises ValueError / RuntimeError
            raise ExportError(f"{label}: not a TFLite model ({str(e).strip()[:200]})") from None
        self.input_shape, self.scale, self.out_channels = _image_signature(interpreter, label)
        self.inputs = [_TensorSpec(self.input_shape)]
        self._engine = None

    @property
    def engine(self):
        """The `TFLiteEngine` that runs this model (created on first use)."""
        if self._engine is None:
            from keras_fasrgan.inference.engines import TFLiteEngine

            self._engine = TFLiteEngine(self, num_threads=self.num_threads)
        return self._engine

    def predict_on_batch(self, x):
        """Runs a float32 `(B, H, W, C)` batch; returns `(B, s*H, s*W, C')` float32."""
        return self.engine(np.asarray(x, np.float32))

    __call__ = predict_on_batch

    def __repr__(self):
        return f"TFLiteModel({self.name!r}, scale={self.scale}, input={self.input_shape})"


def _image_signature(interpreter, name):
    """`(input shape with None for dynamic sizes, scale, output channels)` of an interpreter,
    or `ExportError` when it is not an image-to-image model."""
    inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
    if len(inputs) != 1 or len(outputs) != 1:
        raise ExportError(
            f"{name}: not an image-to-image model: it has {len(inputs)} inputs and "
            f"{len(outputs)} outputs (one image in, one image out expected)"
        )
    detail = inputs[0]
    signature = [int(s) for s in detail.get("shape_signature", detail["shape"])]
    if len(signature) != 4 or detail["dtype"] != np.float32 or signature[-1] < 1:
        raise ExportError(
            f"{name}: not an image model: its input is {detail['dtype'].__name__} "
            f"{tuple(signature)}, expected float32 (batch, height, width, channels)"
        )
    dynamic = -1 in signature[1:3]
    probe = [1 if signature[0] == -1 else signature[0],
             8 if signature[1] == -1 else signature[1],
             8 if signature[2] == -1 else signature[2], signature[3]]
    try:
        if probe != [int(s) for s in detail["shape"]]:
            interpreter.resize_tensor_input(detail["index"], probe, strict=True)
        interpreter.allocate_tensors()
        if dynamic:  # output sizes of dynamic graphs are known after a run
            interpreter.set_tensor(detail["index"], np.zeros(probe, np.float32))
            interpreter.invoke()
            out = tuple(interpreter.get_tensor(outputs[0]["index"]).shape)
        else:
            out = tuple(int(s) for s in interpreter.get_output_details()[0]["shape"])
    except (RuntimeError, ValueError) as e:
        raise ExportError(f"{name}: cannot run the model on a {tuple(probe)} input ({e})") from None
    h, w = probe[1:3]
    if len(out) != 4 or out[1] < h or out[1] % h or out[2] % w or out[1] // h != out[2] // w:
        raise ExportError(
            f"{name}: not an image-to-image model: input {tuple(probe)} gives output {out}, "
            "expected (batch, s*height, s*width, channels) with an integer scale s"
        )
    shape = tuple(None if s == -1 else s for s in signature)
    return shape, out[1] // h, out[3]
