"""Engines: TFLite (LiteRT/XNNPACK) matches Keras; conversions are cached per model."""

import numpy as np

from keras_fasrgan.inference import get_engine
from keras_fasrgan.inference import resolve_engine
from keras_fasrgan.inference import upscale
from keras_fasrgan.inference.engines import TFLiteEngine


def test_tflite_engine_matches_keras(lively_model):
    image = np.random.default_rng(0).random((40, 33, 3)).astype(np.float32)
    keras_out = upscale(lively_model, image, tile=16, tile_pad=8, engine="keras")
    tflite_out = upscale(lively_model, image, tile=16, tile_pad=8, engine="tflite")
    assert tflite_out.shape == keras_out.shape == (160, 132, 3)
    assert 0.05 < keras_out.std()  # a real image, not all clipped
    np.testing.assert_allclose(tflite_out, keras_out, atol=1e-4)


def test_tflite_engine_is_converted_once_per_weights(lively_model):
    first = get_engine(lively_model, "tflite")
    assert isinstance(first, TFLiteEngine)
    assert get_engine(lively_model, "tflite") is first
    batch = np.random.default_rng(1).random((2, 12, 10, 3)).astype(np.float32)
    before = first(batch)
    np.testing.assert_allclose(before, lively_model.predict_on_batch(batch), atol=1e-4)
    # Changing the weights invalidates the cached conversion.
    bias = lively_model.get_layer("conv_last").bias
    old = bias.numpy()
    bias.assign(old + 0.25)
    try:
        second = get_engine(lively_model, "tflite")
        assert second is not first
        np.testing.assert_allclose(second(batch), before + 0.25, atol=1e-4)
    finally:
        bias.assign(old)


def test_auto_engine_follows_device_and_cpu(monkeypatch):
    import tensorflow as tf

    from keras_fasrgan.inference import engines

    if tf.config.list_physical_devices("GPU"):
        assert resolve_engine("auto") == "keras"
        return
    monkeypatch.setattr(engines, "cpu_has_avx512", lambda: False)
    assert resolve_engine("auto") == "tflite"  # AVX2: XNNPACK measured faster
    monkeypatch.setattr(engines, "cpu_has_avx512", lambda: True)
    assert resolve_engine("auto") == "keras"  # AVX-512: oneDNN measured faster
    assert resolve_engine("keras") == "keras"
    assert resolve_engine("tflite") == "tflite"


def test_cpu_flag_reader_returns_bool():
    from keras_fasrgan.inference.engines import cpu_has_avx512

    assert cpu_has_avx512() in (True, False)
