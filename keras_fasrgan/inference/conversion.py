"""TFLite conversions through the on-disk cache, keyed by everything they depend on."""

import hashlib
import json

import numpy as np

from keras_fasrgan.inference import disk_cache


def _architecture(model):
    """The model's class and constructor config as canonical JSON (its name left out)."""
    config = {k: v for k, v in model.get_config().items() if k not in ("name", "trainable")}
    cls = type(model)
    return json.dumps({"class": f"{cls.__module__}.{cls.__qualname__}", "config": config},
                      sort_keys=True, default=str)


def architecture_key(model):
    """A short hash of the model's architecture (class and config, not the weights)."""
    return hashlib.sha256(_architecture(model).encode()).hexdigest()[:24]


def conversion_key(model, quantize=None, input_shape=None):
    """SHA-256 of everything a TFLite conversion depends on: architecture, every weight's
    bytes, the converter options and the TensorFlow version."""
    import tensorflow as tf
    from keras import ops

    h = hashlib.sha256()
    h.update(f"keras_fasrgan-tflite-1|{tf.__version__}|{quantize}|{input_shape}|".encode())
    h.update(_architecture(model).encode())
    for v in model.weights:
        a = np.ascontiguousarray(ops.convert_to_numpy(v))
        h.update(f"|{v.path}|{a.dtype}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _convert(model, quantize=None, input_shape=None):
    """The TFLite conversion itself (a seam for tests that count conversions).

    The converter leaves hundreds of MB of freed heap behind (about 0.6 GB for the full
    RRDBNet); on glibc `malloc_trim` hands most of it back to the system at once.
    """
    from keras_fasrgan.export.tflite import tflite_bytes

    try:
        return tflite_bytes(model, quantize=quantize, input_shape=input_shape)
    finally:
        _release_heap()


def _release_heap():
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl)
        pass


def cached_tflite_bytes(model, quantize=None, input_shape=None):
    """`tflite_bytes(model, ...)` through the on-disk cache: converted once per architecture,
    weights, options and TensorFlow version, then read back (a damaged entry is rebuilt).

    Examples:
        >>> content = cached_tflite_bytes(model)  # doctest: +SKIP
    """
    key = conversion_key(model, quantize, input_shape)
    content = disk_cache.read_blob("tflite", key)
    if content is None:
        content = _convert(model, quantize, input_shape)
        disk_cache.write_blob("tflite", key, content)
    return content
