"""Inference engines: the Keras model itself, or its TFLite conversion run by LiteRT.

An engine is a callable `(B, h, w, C) float32 -> (B, s*h, s*w, 3) float32`. Engines are cached
per model (weakly, so they die with the model):

- the TFLite conversion is done once per architecture and weights and kept on disk
  (`keras_fasrgan.inference.conversion`), so a later process loads it instead of converting;
- a weight change (e.g. further training between calls) is noticed by `get_engine`, which
  compares an exact checksum of every variable's bits (one compiled reduction, about 10 ms for
  the 16.7M parameters of the full RRDBNet) and converts again;
- `"auto"` picks the faster engine per model and tile shape by measuring both once
  (`keras_fasrgan.inference.auto`).
"""

import collections
import hashlib
import os
import threading
import weakref

import numpy as np

from keras_fasrgan.inference.conversion import cached_tflite_bytes
from keras_fasrgan.inference.tflite_model import TFLiteModel

ENGINES = ("auto", "keras", "tflite")

_CACHE = weakref.WeakKeyDictionary()  # model -> _Entry
_LOCK = threading.RLock()


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


def cpu_info():
    """The first processor's fields of Linux `/proc/cpuinfo` (empty where unknown).

    Examples:
        >>> cpu_info().get("model name")  # doctest: +SKIP
        'AMD EPYC 9R14 96-Core Processor'
    """
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, sep, value = line.partition(":")
                key = key.strip()
                if not key and info:
                    break  # the blank line after the first processor
                if sep and key not in info:
                    info[key] = value.strip()
    except OSError:
        pass
    return info


def cpu_flags():
    """The CPU's feature flags from Linux `/proc/cpuinfo` (empty where unknown)."""
    return set(cpu_info().get("flags", "").split())


def cpu_has_avx512():
    """Whether the CPU advertises AVX-512 (Linux `/proc/cpuinfo`; False where unknown)."""
    return "avx512f" in cpu_flags()


def can_use_tflite():
    """Whether the TFLite engine can run here: TensorFlow backend, no GPU, LiteRT installed."""
    import keras

    return keras.backend.backend() == "tensorflow" and not _tensorflow_has_gpu() and has_litert()


def resolve_engine(engine="auto"):
    """Resolves `"auto"` without measuring: the fallback rule when no probe can run.

    `upscale(engine="auto")` measures both engines once per model and tile shape instead
    (`keras_fasrgan.inference.auto`); this rule is what is left when that is not possible.
    On a GPU, and on backends other than TensorFlow, the Keras model. On a CPU with the
    TensorFlow backend and `ai-edge-litert` installed: `"keras"` on CPUs with AVX-512
    (TensorFlow's oneDNN kernels ran RRDBNet about 2x faster than XNNPACK on an AVX-512 Xeon,
    and at least as fast on an AVX-512 AMD Zen 4), `"tflite"` on the others (XNNPACK ran it
    about 1.6x faster than Keras-TF on an AVX2 EPYC). Force either with `engine=`.

    Examples:
        >>> resolve_engine("keras")
        'keras'
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if engine != "auto":
        return engine
    if not can_use_tflite():
        return "keras"
    return "keras" if cpu_has_avx512() else "tflite"


class KerasEngine:
    """Runs the Keras model: on TensorFlow through a `tf.function` (after a few distinct tile
    shapes it is retraced once with dynamic height and width, `reduce_retracing=True`), on
    other backends through `model.predict_on_batch` (JAX jit-compiles it per shape).

    `jit_compile=True` compiles the forward pass once per tile shape: XLA on TensorFlow,
    `torch.compile` on PyTorch (JAX always compiles). The benchmarks (docs/benchmarks.md)
    measure the compile time and the gain per call, hence how many tiles repay it.

    Examples:
        >>> engine = KerasEngine(model)  # doctest: +SKIP
        >>> engine(np.zeros((2, 16, 16, 3), "float32")).shape  # doctest: +SKIP
        (2, 64, 64, 3)
    """

    name = "keras"

    def __init__(self, model, jit_compile=False):
        import keras

        if isinstance(model, TFLiteModel):
            raise ValueError(
                f"{model.name} is a TFLite model: run it with engine='tflite' or 'auto', "
                "not 'keras'"
            )
        self._model = weakref.ref(model)
        self._fn = None
        ref = self._model
        backend = keras.backend.backend()
        if backend == "tensorflow":
            import tensorflow as tf

            def forward(x):
                return ref()(x, training=False)

            self._fn = tf.function(forward, jit_compile=jit_compile, reduce_retracing=True)
        elif backend == "torch" and jit_compile:
            import torch

            # dynamo needs the model itself (a weakref call breaks its graph), so this engine
            # keeps the model alive; the engines `get_engine` caches never compile.
            compiled = torch.compile(lambda x: model(x, training=False))

            def forward(x):
                with torch.inference_mode():
                    return compiled(torch.from_numpy(x)).cpu()

            self._fn = forward

    def __call__(self, batch):
        model = self._model()
        if model is None:
            raise RuntimeError("the model of this engine was deleted")
        batch = np.asarray(batch, np.float32)
        if self._fn is not None:
            return np.asarray(self._fn(batch))
        return np.asarray(model.predict_on_batch(batch))


class TFLiteEngine:
    """Runs a TFLite float32 model with LiteRT (XNNPACK on CPU).

    `source` is a Keras model (converted once per architecture and weights; the conversion
    is kept on disk, see `cached_tflite_bytes`), a `TFLiteModel`, or flatbuffer bytes. One
    interpreter is kept per input shape (up to `max_shapes`, least recently used first out),
    each with `num_threads` threads (default: all CPUs).

    Examples:
        >>> engine = TFLiteEngine(model)  # doctest: +SKIP
        >>> engine(np.zeros((1, 32, 32, 3), "float32")).shape  # doctest: +SKIP
        (1, 128, 128, 3)
    """

    name = "tflite"

    def __init__(self, source, num_threads=None, max_shapes=4):
        if not has_litert():
            raise ImportError(
                "engine='tflite' needs ai-edge-litert: pip install 'keras-fasrgan[litert]'"
            )
        if isinstance(source, (bytes, bytearray)):
            self.content = bytes(source)
        elif isinstance(source, TFLiteModel):
            self.content = source.content
        else:
            self.content = cached_tflite_bytes(source)
        self.num_threads = num_threads or os.cpu_count() or 1
        self.max_shapes = max_shapes
        self._interpreters = collections.OrderedDict()

    def _interpreter(self, shape):
        from keras_fasrgan.export.tflite import check_input_shape
        from keras_fasrgan.export.tflite import make_interpreter

        entry = self._interpreters.pop(shape, None)
        if entry is None:
            interpreter = make_interpreter(self.content, num_threads=self.num_threads)
            detail = interpreter.get_input_details()[0]
            check_input_shape(detail, shape)
            interpreter.resize_tensor_input(detail["index"], shape, strict=True)
            interpreter.allocate_tensors()
            entry = (interpreter, detail["index"], interpreter.get_output_details()[0]["index"])
            while len(self._interpreters) >= self.max_shapes:
                self._interpreters.popitem(last=False)
        self._interpreters[shape] = entry
        return entry

    def release(self, shape):
        """Frees the interpreter (and its activation memory) kept for `shape`, if any."""
        self._interpreters.pop(tuple(shape), None)

    def __call__(self, batch):
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        interpreter, x_index, y_index = self._interpreter(tuple(batch.shape))
        interpreter.set_tensor(x_index, batch)
        interpreter.invoke()
        return interpreter.get_tensor(y_index).copy()


# ------------------------------------------------------------------------------------------
# Weight checks and the per-model cache
# ------------------------------------------------------------------------------------------


def _weights_checker(model):
    """A function returning an exact checksum of the model's weights: per variable, the
    integer sum of its float32 bit patterns (any changed element changes it). On TensorFlow
    it is one compiled call reading each variable in place (about 10 ms for 16.7M weights)."""
    import keras
    from keras import ops

    variables = list(model.weights)
    if keras.backend.backend() != "tensorflow":
        return lambda: tuple(
            hashlib.sha1(np.ascontiguousarray(ops.convert_to_numpy(v)).tobytes()).hexdigest()
            for v in variables)
    import tensorflow as tf

    raw = [v.value if hasattr(v, "value") else v for v in variables]

    @tf.function(autograph=False)
    def sums():
        return tf.stack([tf.reduce_sum(tf.bitcast(tf.cast(r, tf.float32), tf.int32)) for r in raw])

    return lambda: tuple(sums().numpy().tolist())


class _Entry:
    """The engines of one model and what they depend on."""

    def __init__(self, model):
        self.keras = None
        self.tflite = None
        self.tflite_checksum = None
        self.auto = None
        self.checksum = None if isinstance(model, TFLiteModel) else _weights_checker(model)


def _entry(model):
    entry = _CACHE.get(model)
    if entry is None:
        entry = _CACHE[model] = _Entry(model)
    return entry


def keras_engine(model):
    """The cached `KerasEngine` of `model`."""
    with _LOCK:
        entry = _entry(model)
        if entry.keras is None:
            entry.keras = KerasEngine(model)
        return entry.keras


def tflite_engine(model, check_weights=True):
    """The cached `TFLiteEngine` of `model`, converted again if the weights changed since
    (`check_weights=False` skips that check when an engine exists: `AutoEngine` checks once
    per image, not once per tile)."""
    if isinstance(model, TFLiteModel):
        return model.engine
    with _LOCK:
        entry = _entry(model)
        if entry.tflite is not None and not check_weights:
            return entry.tflite
        checksum = entry.checksum()
        if entry.tflite is None or entry.tflite_checksum != checksum:
            entry.tflite = TFLiteEngine(model)
            entry.tflite_checksum = checksum
        return entry.tflite


def get_engine(model, engine="auto"):
    """The cached engine for `model`: `"keras"`, `"tflite"` or `"auto"`.

    `"tflite"` converts once per model and weights (read from the disk cache when another
    process converted the same weights) and again whenever the weights changed since.
    `"auto"` returns an engine that picks, per tile shape, the faster of the two by a timed
    probe cached in memory and on disk (`keras_fasrgan.inference.auto.AutoEngine`); without
    LiteRT, on a GPU or on other backends it is the Keras engine. A `TFLiteModel` runs with
    `"tflite"` / `"auto"` only.

    Examples:
        >>> run = get_engine(model, "tflite")  # doctest: +SKIP
        >>> run(np.zeros((1, 24, 24, 3), "float32")).shape  # doctest: +SKIP
        (1, 96, 96, 3)
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if isinstance(model, TFLiteModel):
        if engine == "keras":
            raise ValueError(f"{model.name} is a TFLite model: use engine='tflite' or 'auto'")
        return model.engine
    if engine == "keras":
        return keras_engine(model)
    if engine == "tflite":
        return tflite_engine(model)
    if not can_use_tflite():
        return keras_engine(model)
    from keras_fasrgan.inference.auto import AutoEngine

    with _LOCK:
        entry = _entry(model)
        if entry.tflite is not None and entry.tflite_checksum != entry.checksum():
            entry.tflite = None  # the weights changed: convert again when TFLite is needed
        if entry.auto is None:
            entry.auto = AutoEngine(model)
        return entry.auto


def clear_engine_cache(model=None):
    """Forgets the in-memory engines of `model` (all models by default): the next call
    rebuilds them (the disk cache still spares the TFLite conversion)."""
    with _LOCK:
        if model is None:
            _CACHE.clear()
        else:
            _CACHE.pop(model, None)

