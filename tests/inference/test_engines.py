"""Engines: TFLite (LiteRT/XNNPACK) matches Keras; conversions are cached per model."""

import numpy as np
import pytest

from keras_fasrgan.inference import get_engine
from keras_fasrgan.inference import resolve_engine
from keras_fasrgan.inference import upscale
from keras_fasrgan.inference.engines import TFLiteEngine
from keras_fasrgan.models import RRDBNet


def lively_model(seed=1):
    """Tiny RRDBNet with variance-preserving weights, so outputs are not all about zero."""
    model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)
    rng = np.random.default_rng(seed)
    for v in model.weights:
        shape = tuple(v.shape)
        if len(shape) == 4:
            v.assign(rng.normal(0.0, 1.0 / np.sqrt(np.prod(shape[:3])), shape).astype("float32"))
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    return model


@pytest.fixture(scope="module")
def model():
    return lively_model()


def test_tflite_engine_matches_keras(model):
    image = np.random.default_rng(0).random((40, 33, 3)).astype(np.float32)
    keras_out = upscale(model, image, tile=16, tile_pad=8, engine="keras")
    tflite_out = upscale(model, image, tile=16, tile_pad=8, engine="tflite")
    assert tflite_out.shape == keras_out.shape == (160, 132, 3)
    assert 0.05 < keras_out.std()  # a real image, not all clipped
    np.testing.assert_allclose(tflite_out, keras_out, atol=1e-4)


def test_tflite_engine_is_converted_once_per_weights(model):
    first = get_engine(model, "tflite")
    assert isinstance(first, TFLiteEngine)
    assert get_engine(model, "tflite") is first
    batch = np.random.default_rng(1).random((2, 12, 10, 3)).astype(np.float32)
    before = first(batch)
    np.testing.assert_allclose(before, model.predict_on_batch(batch), atol=1e-4)
    # Changing the weights invalidates the cached conversion.
    bias = model.get_layer("conv_last").bias
    old = bias.numpy()
    bias.assign(old + 0.25)
    try:
        second = get_engine(model, "tflite")
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
