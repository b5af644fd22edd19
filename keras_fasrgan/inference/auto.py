"""`engine="auto"`: the faster engine per model architecture and tile shape, measured once.

The first batch of a new shape is run on both engines (Keras, then the TFLite conversion with
LiteRT/XNNPACK), each once to warm up (trace, allocation) and once timed (a third round when
they are within 25% of each other); the faster one runs every later batch of that shape. The
outputs of the probe are real outputs (the chosen engine's is returned), so the probe costs
a few extra batches once, not a separate benchmark. When one Keras call takes under
`MIN_PROBE_SECONDS` the Keras engine is kept without converting: the conversion (seconds)
could not pay for itself.

Choices are cached in memory and on disk (`keras_fasrgan.inference.disk_cache`, record
`engine_probe`), keyed by the architecture (not the weights: they do not change the speed),
the batch shape, the CPU (model name, flags, threads) and the library versions, so a later
process on the same machine starts with the engine already chosen. When no probe can run
(no LiteRT, a failed conversion) the choice is the Keras engine.

Examples:
    >>> engine = get_engine(model, "auto")  # doctest: +SKIP
    >>> y = engine(batch)  # doctest: +SKIP
    >>> engine.choices[batch.shape]["engine"], engine.choices[batch.shape]["reason"]  # doctest: +SKIP
    ('tflite', 'measured: keras 1.21 s, tflite 0.83 s per (1, 64, 64, 3) batch')
"""

import datetime
import functools
import hashlib
import json
import os
import platform
import threading
import time
import weakref

import numpy as np

from keras_fasrgan.inference import disk_cache

RECORD = "engine_probe"
MIN_PROBE_SECONDS = 0.1
_MEMORY = {}  # probe key -> choice


@functools.lru_cache(maxsize=None)
def _machine_json():
    return json.dumps(machine_signature(), sort_keys=True)


def machine_signature():
    """What the speed of an engine depends on besides the model: CPU, threads, versions."""
    import keras
    import tensorflow as tf

    from keras_fasrgan.inference.engines import cpu_flags
    from keras_fasrgan.inference.engines import cpu_info

    model = cpu_info().get("model name", "")
    flags = sorted(f for f in cpu_flags() if f.startswith(("avx", "fma", "amx", "sse4")))
    try:
        from importlib.metadata import version

        litert = version("ai-edge-litert")
    except Exception:  # noqa: BLE001 - metadata missing
        litert = "?"
    return {"cpu": model or platform.processor(), "flags": flags, "cpus": os.cpu_count(),
            "keras": keras.__version__, "tensorflow": tf.__version__, "litert": litert}


def probe_key(model, shape):
    """The cache key of a choice: architecture, batch shape and `machine_signature()`."""
    from keras_fasrgan.inference.conversion import architecture_key

    text = json.dumps({"arch": architecture_key(model), "shape": [int(s) for s in shape],
                       "machine": _machine_json()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _timed(engine, batch):
    t = time.perf_counter()
    out = engine(batch)
    return out, time.perf_counter() - t


def probe(model, batch):
    """Times both engines on `batch` and returns `(choice, output of the chosen engine)`.

    `choice` is `{"engine", "reason", "seconds": {engine: best seconds}, "date"}`.
    """
    from keras_fasrgan.inference.engines import keras_engine
    from keras_fasrgan.inference.engines import tflite_engine

    shape = tuple(batch.shape)
    engines = {"keras": keras_engine(model)}
    outputs, best = {}, {}
    outputs["keras"], _ = _timed(engines["keras"], batch)  # trace + first run
    outputs["keras"], best["keras"] = _timed(engines["keras"], batch)
    if best["keras"] < MIN_PROBE_SECONDS:
        reason = (f"a Keras call takes {1e3 * best['keras']:.0f} ms (< "
                  f"{1e3 * MIN_PROBE_SECONDS:.0f} ms): too short for a TFLite conversion to "
                  "pay off, not probed")
        return _choice("keras", reason, best), outputs["keras"]
    try:
        engines["tflite"] = tflite_engine(model, check_weights=False)
        outputs["tflite"], _ = _timed(engines["tflite"], batch)  # interpreter warm-up
        outputs["tflite"], best["tflite"] = _timed(engines["tflite"], batch)
    except Exception as e:  # noqa: BLE001 - any conversion or runtime failure means Keras
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return _choice("keras", f"TFLite unavailable for this model ({first})", best), \
            outputs["keras"]
    if 0.8 < best["tflite"] / best["keras"] < 1.25:  # close: one more interleaved round
        for name in ("keras", "tflite"):
            outputs[name], seconds = _timed(engines[name], batch)
            best[name] = min(best[name], seconds)
    name = min(best, key=best.get)
    if name == "keras" and hasattr(engines["tflite"], "release"):
        engines["tflite"].release(shape)  # its activation memory is not needed any more
    reason = (f"measured: keras {best['keras']:.3f} s, tflite {best['tflite']:.3f} s per "
              f"{shape} batch")
    return _choice(name, reason, best), outputs[name]


def _choice(engine, reason, seconds):
    return {"engine": engine, "reason": reason, "seconds": dict(seconds),
            "date": datetime.datetime.now().isoformat(timespec="seconds")}


class AutoEngine:
    """Runs each batch on the engine chosen for its shape (see the module docstring).

    `choices` maps each batch shape seen to its choice (`{"engine", "reason", "seconds",
    "date", "source"}`, `source` being `"probe"`, `"memory"` or `"disk"`).

    Examples:
        >>> engine = AutoEngine(model)  # doctest: +SKIP
        >>> engine(np.zeros((1, 64, 64, 3), "float32")).shape  # doctest: +SKIP
        (1, 256, 256, 3)
    """

    name = "auto"

    def __init__(self, model):
        self._model = weakref.ref(model)
        self._lock = threading.Lock()
        self.choices = {}

    def __call__(self, batch):
        from keras_fasrgan.inference.engines import keras_engine
        from keras_fasrgan.inference.engines import tflite_engine

        model = self._model()
        if model is None:
            raise RuntimeError("the model of this engine was deleted")
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        shape = tuple(batch.shape)
        with self._lock:
            choice = self.choices.get(shape)
            if choice is None:
                choice, output = self._choose(model, batch)
                self.choices[shape] = choice
                if output is not None:
                    return output
        if choice["engine"] == "tflite":
            return tflite_engine(model, check_weights=False)(batch)
        return keras_engine(model)(batch)

    def _choose(self, model, batch):
        key = probe_key(model, batch.shape)
        if key in _MEMORY:
            return dict(_MEMORY[key], source="memory"), None
        stored = disk_cache.read_record(RECORD, key)
        if isinstance(stored, dict) and stored.get("engine") in ("keras", "tflite"):
            _MEMORY[key] = stored
            return dict(stored, source="disk"), None
        choice, output = probe(model, batch)
        _MEMORY[key] = choice
        disk_cache.write_record(RECORD, key, choice)
        return dict(choice, source="probe"), output
