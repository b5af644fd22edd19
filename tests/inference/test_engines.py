"""Engines: TFLite (LiteRT/XNNPACK) matches Keras; conversions are cached in memory and on
disk (`conversion`, `disk_cache`) and redone when the weights change; `"auto"` measures once
per shape and caches it."""

import pathlib

import numpy as np
import pytest

from keras_fasrgan.export import ExportError
from keras_fasrgan.inference import auto
from keras_fasrgan.inference import clear_engine_cache
from keras_fasrgan.inference import conversion
from keras_fasrgan.inference import disk_cache
from keras_fasrgan.inference import engines
from keras_fasrgan.inference import get_engine
from keras_fasrgan.inference import resolve_engine
from keras_fasrgan.inference import upscale
from keras_fasrgan.inference.engines import TFLiteEngine
from keras_fasrgan.models import RRDBNet


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh disk cache, empty memory caches, and a counter of TFLite conversions."""
    monkeypatch.setenv("KERAS_FASRGAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(auto, "_MEMORY", {})
    clear_engine_cache()
    calls = []
    convert = conversion._convert

    def counting(*args, **kwargs):
        calls.append(args)
        return convert(*args, **kwargs)

    monkeypatch.setattr(conversion, "_convert", counting)
    yield calls
    clear_engine_cache()


def _batch(shape=(2, 12, 10, 3), seed=1):
    return np.random.default_rng(seed).random(shape).astype(np.float32)


def test_tflite_engine_matches_keras(lively_model):
    image = np.random.default_rng(0).random((40, 33, 3)).astype(np.float32)
    keras_out = upscale(lively_model, image, tile=16, tile_pad=8, engine="keras")
    tflite_out = upscale(lively_model, image, tile=16, tile_pad=8, engine="tflite")
    assert tflite_out.shape == keras_out.shape == (160, 132, 3)
    assert 0.05 < keras_out.std()  # a real image, not all clipped
    np.testing.assert_allclose(tflite_out, keras_out, atol=1e-4)


def test_converted_once_then_again_after_a_weight_change(lively_model, cache):
    first = get_engine(lively_model, "tflite")
    assert isinstance(first, TFLiteEngine)
    assert get_engine(lively_model, "tflite") is first and len(cache) == 1
    batch = _batch()
    before = first(batch)
    np.testing.assert_allclose(before, lively_model.predict_on_batch(batch), atol=1e-4)
    bias = lively_model.get_layer("conv_last").bias
    old = bias.numpy()
    bias.assign(old + 0.25)
    try:
        second = get_engine(lively_model, "tflite")
        assert second is not first and len(cache) == 2
        np.testing.assert_allclose(second(batch), before + 0.25, atol=1e-4)
    finally:
        bias.assign(old)
    # One changed element of one kernel changes the checksum too (it is exact).
    checksum = engines._weights_checker(lively_model)
    kernel = lively_model.get_layer("conv_first").kernel
    old, before = kernel.numpy(), checksum()
    changed = old.copy()
    changed[0, 0, 0, 0] += 1e-6
    kernel.assign(changed)
    try:
        assert checksum() != before
    finally:
        kernel.assign(old)
    assert checksum() == before


def test_training_between_calls_is_seen_by_every_engine(cache):
    import keras

    model = RRDBNet(scale=2, num_blocks=1, filters=8, growth_channels=4)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mae")
    x = _batch((2, 8, 8, 3))
    y = np.full((2, 16, 16, 3), 0.5, np.float32)
    for name in ("tflite", "auto"):
        get_engine(model, name)(x)  # engines exist before training
    model.train_on_batch(x, y)
    expected = model.predict_on_batch(x)
    for name in ("tflite", "auto", "keras"):
        np.testing.assert_allclose(get_engine(model, name)(x), expected, atol=1e-4)


def test_disk_cache_spares_the_conversion_and_rebuilds_a_damaged_entry(lively_model, cache):
    content = get_engine(lively_model, "tflite").content
    assert len(cache) == 1
    clear_engine_cache()  # as a new process: nothing in memory
    assert get_engine(lively_model, "tflite").content == content and len(cache) == 1
    key = conversion.conversion_key(lively_model)
    path = pathlib.Path(disk_cache._blob_path("tflite", key))
    with open(path, "r+b") as f:  # damage one byte in the middle
        f.seek(len(content) // 2)
        byte = f.read(1)
        f.seek(len(content) // 2)
        f.write(bytes([byte[0] ^ 0xFF]))
    clear_engine_cache()
    assert get_engine(lively_model, "tflite").content == content and len(cache) == 2
    assert disk_cache.read_blob("tflite", key) == content  # rewritten whole
    with open(path, "r+b") as f:
        f.truncate(100)
    assert disk_cache.read_blob("tflite", key) is None and not path.exists()


_WRITER = """
import sys
from keras_fasrgan.inference import disk_cache as dc
content = bytes([int(sys.argv[1])]) * 3_000_000
for _ in range(15):
    dc.write_blob("tflite", "shared", content)
    got = dc.read_blob("tflite", "shared")
    assert got is not None and len(set(got)) == 1 and len(got) == len(content), "torn read"
"""


def test_concurrent_writers_leave_a_valid_entry(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("KERAS_FASRGAN_CACHE_DIR", str(tmp_path / "cache"))
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(i)],
                              stderr=subprocess.PIPE, text=True) for i in range(1, 5)]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    got = disk_cache.read_blob("tflite", "shared")
    assert got is not None and len(got) == 3_000_000 and len(set(got)) == 1 and got[0] in range(1, 5)
    assert [n for n in (tmp_path / "cache" / "tflite").iterdir()] == [
        tmp_path / "cache" / "tflite" / "shared.bin"]  # no temporary file left behind


def test_cache_is_bounded_least_recently_used_first(tmp_path, monkeypatch):
    import os
    import time

    monkeypatch.setenv("KERAS_FASRGAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_FASRGAN_CACHE_MAX_MB", "3.5")
    for i, key in enumerate("abc"):
        disk_cache.write_blob("tflite", key, bytes(1_000_000))
        os.utime(disk_cache._blob_path("tflite", key), (time.time() - 100 + i,) * 2)
    assert disk_cache.read_blob("tflite", "a") is not None  # now the most recently used
    disk_cache.write_blob("tflite", "d", bytes(1_000_000))
    kept = sorted(p.stem for p in (tmp_path / "tflite").iterdir())
    assert kept == ["a", "c", "d"]  # b, now the least recently used, made room
    monkeypatch.setenv("KERAS_FASRGAN_CACHE_DIR", "off")
    assert disk_cache.write_blob("tflite", "e", b"x") is None
    assert disk_cache.read_blob("tflite", "a") is None


def test_auto_probes_once_per_shape_then_uses_memory_and_disk(lively_model, cache, monkeypatch):
    monkeypatch.setattr(auto, "MIN_PROBE_SECONDS", 0.0)  # the tiny model is always fast
    batch = _batch((1, 14, 11, 3))
    engine = get_engine(lively_model, "auto")
    out = engine(batch)
    np.testing.assert_allclose(out, lively_model.predict_on_batch(batch), atol=1e-4)
    choice = engine.choices[batch.shape]
    assert choice["source"] == "probe" and choice["engine"] in ("keras", "tflite")
    assert set(choice["seconds"]) == {"keras", "tflite"}
    assert choice["engine"] == min(choice["seconds"], key=choice["seconds"].get)
    assert "measured" in choice["reason"] and len(cache) == 1

    def no_probe(*args):
        raise AssertionError("probed again")

    monkeypatch.setattr(auto, "probe", no_probe)
    clear_engine_cache()
    engine = get_engine(lively_model, "auto")
    np.testing.assert_allclose(engine(batch), out, atol=1e-4)
    assert engine.choices[batch.shape]["source"] == "memory"
    monkeypatch.setattr(auto, "_MEMORY", {})  # a new process: only the disk remains
    clear_engine_cache()
    engine = get_engine(lively_model, "auto")
    engine(batch)
    assert engine.choices[batch.shape]["source"] == "disk"
    assert engine.choices[batch.shape]["engine"] == choice["engine"]


@pytest.mark.parametrize("faster", ["keras", "tflite"])
def test_auto_takes_the_faster_engine(lively_model, cache, monkeypatch, faster):
    monkeypatch.setattr(auto, "MIN_PROBE_SECONDS", 0.0)
    real = auto._timed

    def timed(engine, batch):
        out, _ = real(engine, batch)
        return out, 0.2 if engine.name == faster else 0.5

    monkeypatch.setattr(auto, "_timed", timed)
    choice, out = auto.probe(lively_model, _batch((1, 9, 9, 3)))
    assert choice["engine"] == faster and choice["seconds"][faster] == 0.2
    np.testing.assert_allclose(out, lively_model.predict_on_batch(_batch((1, 9, 9, 3))), atol=1e-4)


def test_auto_keeps_keras_without_converting_when_calls_are_short_or_tflite_fails(
        lively_model, cache, monkeypatch):
    choice, _ = auto.probe(lively_model, _batch((1, 8, 8, 3)))  # a few ms per call
    assert choice["engine"] == "keras" and "not probed" in choice["reason"] and not cache

    def broken(*args, **kwargs):
        raise ExportError("TFLite conversion (builtin ops only) failed: no kernel")

    monkeypatch.setattr(conversion, "_convert", broken)
    monkeypatch.setattr(auto, "MIN_PROBE_SECONDS", 0.0)
    choice, out = auto.probe(lively_model, _batch((1, 8, 8, 3)))
    assert choice["engine"] == "keras" and "no kernel" in choice["reason"]
    np.testing.assert_allclose(out, lively_model.predict_on_batch(_batch((1, 8, 8, 3))), atol=1e-5)


def test_fallback_rule_without_a_probe(monkeypatch):
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        assert resolve_engine("auto") == "keras"
        return
    monkeypatch.setattr(engines, "cpu_has_avx512", lambda: False)
    assert resolve_engine("auto") == "tflite"  # AVX2: XNNPACK measured faster
    monkeypatch.setattr(engines, "cpu_has_avx512", lambda: True)
    assert resolve_engine("auto") == "keras"  # AVX-512 (Xeon, Zen 4): oneDNN measured faster
    assert resolve_engine("keras") == "keras"
    assert resolve_engine("tflite") == "tflite"
    with pytest.raises(ValueError, match="engine must be one of"):
        resolve_engine("onnx")
