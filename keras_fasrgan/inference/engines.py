"""Inference engines: the Keras model itself, or its TFLite conversion run by LiteRT.

An engine is a callable `(B, h, w, C) float32 -> (B, s*h, s*w, 3) float32`. Engines are cached
per model (weakly, so they die with the model), hence the TFLite conversion is paid once per
model and its weights; a weight change (e.g. further training) triggers a new conversion.
"""

import collections
import os
import threading
import weakref

import numpy as np

ENGINES = ("auto", "keras", "tflite")

_CACHE = weakref.WeakKeyDictionary()  # model -> {engine name: engine}
_LOCK = threading.Lock()


def _weights_fingerprint(model):
    """A cheap checksum of the model's weights (sum and sum of squares per variable)."""
    parts = []
    for v in model.weights:
        a = np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=np.float64)
        parts.append((a.shape, float(a.sum()), float(np.square(a).sum())))
    return hash(tuple(parts))


def has_litert():
    """Whether `ai_edge_litert` (the LiteRT runtime) can be imported."""
    try:
        import ai_edge_litert.interpreter  # noqa: F401
    except ImportError:
        return False
    return True


def _tensorflow_has_gpu():
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def cpu_has_avx512():
    """Whether the CPU advertises AVX-512 (Linux `/proc/cpuinfo`; False where unknown)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return "avx512f" in line.split()
    except OSError:
        pass
    return False


def resolve_engine(engine="auto"):
    """Resolves `"auto"` to `"keras"` or `"tflite"`, the faster engine on this machine.

    On a GPU, and on backends other than TensorFlow, the Keras model. On a CPU with the
    TensorFlow backend the choice follows measurements (`benchmarks/`, docs/benchmarks.md):
    on AVX2 CPUs LiteRT/XNNPACK ran RRDBNet about 1.6x faster than Keras (measured on a
    2-core AMD EPYC), while on AVX-512 CPUs TensorFlow's oneDNN kernels ran it about 2x faster than
    XNNPACK. So `"tflite"` when `ai-edge-litert` is installed and the CPU lacks AVX-512,
    else `"keras"`. Force either with `engine=`.

    Example:
    >>> resolve_engine("keras")
    'keras'
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if engine != "auto":
        return engine
    import keras

    if (
        keras.backend.backend() == "tensorflow"
        and not _tensorflow_has_gpu()
        and has_litert()
        and not cpu_has_avx512()
    ):
        return "tflite"
    return "keras"


class KerasEngine:
    """Runs the Keras model: on TensorFlow through a `tf.function` (after a few distinct tile
    shapes it is retraced once with dynamic height and width, `reduce_retracing=True`), on
    other backends through `model.predict_on_batch` (JAX jit-compiles).

    `jit_compile=True` asks TensorFlow for XLA. It is off by default: compiling the full
    RRDBNet with XLA on CPU took tens of seconds per tile shape here, more than it saves on
    one image (XLA measured about 25% faster per step once compiled).

    Example:
    >>> engine = KerasEngine(model)  # doctest: +SKIP
    >>> engine(np.zeros((2, 16, 16, 3), "float32")).shape  # doctest: +SKIP
    (2, 64, 64, 3)
    """

    name = "keras"

    def __init__(self, model, jit_compile=False):
        import keras

        self._model = weakref.ref(model)
        self._fn = None
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            ref = self._model

            def forward(x):
                return ref()(x, training=False)

            self._fn = tf.function(forward, jit_compile=jit_compile, reduce_retracing=True)

    def __call__(self, batch):
        model = self._model()
        if model is None:
            raise RuntimeError("the model of this engine was deleted")
        if self._fn is not None:
            return self._fn(np.asarray(batch, np.float32)).numpy()
        return np.asarray(model.predict_on_batch(np.asarray(batch, np.float32)))


class TFLiteEngine:
    """Runs the model's TFLite float32 conversion with LiteRT (XNNPACK on CPU).

    One interpreter is kept per input shape (up to `max_shapes`, least recently used first
    out), each with `num_threads` threads (default: all CPUs).

    Example:
    >>> engine = TFLiteEngine(model)  # doctest: +SKIP
    >>> engine(np.zeros((1, 32, 32, 3), "float32")).shape  # doctest: +SKIP
    (1, 128, 128, 3)
    """

    name = "tflite"

    def __init__(self, model, num_threads=None, max_shapes=4):
        from keras_fasrgan.export.tflite import tflite_bytes

        if not has_litert():
            raise ImportError(
                "engine='tflite' needs ai-edge-litert: pip install 'keras-fasrgan[litert]'"
            )
        self.content = tflite_bytes(model)
        self.num_threads = num_threads or os.cpu_count() or 1
        self.max_shapes = max_shapes
        self._interpreters = collections.OrderedDict()

    def _interpreter(self, shape):
        from keras_fasrgan.export.tflite import make_interpreter

        interpreter = self._interpreters.pop(shape, None)
        if interpreter is None:
            interpreter = make_interpreter(self.content, num_threads=self.num_threads)
            index = interpreter.get_input_details()[0]["index"]
            interpreter.resize_tensor_input(index, shape, strict=True)
            interpreter.allocate_tensors()
            while len(self._interpreters) >= self.max_shapes:
                self._interpreters.popitem(last=False)
        self._interpreters[shape] = interpreter
        return interpreter

    def __call__(self, batch):
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        interpreter = self._interpreter(tuple(batch.shape))
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], batch)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).copy()


def get_engine(model, engine="auto"):
    """The cached engine for `model`: `"keras"`, `"tflite"` or `"auto"` (see `resolve_engine`).

    The TFLite engine is converted once per model and re-converted only when the weights have
    changed since.

    Example:
    >>> run = get_engine(model, "tflite")  # doctest: +SKIP
    >>> run(np.zeros((1, 24, 24, 3), "float32")).shape  # doctest: +SKIP
    (1, 96, 96, 3)
    """
    name = resolve_engine(engine)
    with _LOCK:
        entry = _CACHE.setdefault(model, {})
        if name == "keras":
            if "keras" not in entry:
                entry["keras"] = KerasEngine(model)
            return entry["keras"]
        fingerprint = _weights_fingerprint(model)
        cached = entry.get("tflite")
        if cached is None or cached[0] != fingerprint:
            entry["tflite"] = (fingerprint, TFLiteEngine(model))
        return entry["tflite"][1]
