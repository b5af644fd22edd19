"""PSNRMetric / SSIMMetric (keras.ops) against the NumPy protocol, on every backend."""

import keras
import numpy as np
import pytest

from keras_fasrgan.metrics import PSNRMetric
from keras_fasrgan.metrics import SSIMMetric
from keras_fasrgan.metrics import psnr
from keras_fasrgan.metrics import ssim

pytestmark = pytest.mark.multi_backend


def _batch(rng, n=3, shape=(36, 40, 3)):
    hr = rng.integers(0, 256, (n, *shape)).astype(np.uint8)
    sr = np.clip(hr + rng.normal(0, 15, hr.shape), 0, 255).round().astype(np.uint8)
    return sr, hr


@pytest.mark.parametrize("y_channel", [True, False])
def test_quantized_metrics_match_numpy_protocol(rng, y_channel):
    sr, hr = _batch(rng)
    p = PSNRMetric(crop_border=4, y_channel=y_channel, quantize=True)
    s = SSIMMetric(crop_border=4, y_channel=y_channel, quantize=True)
    # float inputs off the 8-bit grid: quantize=True rounds them back onto it
    jitter = rng.uniform(-0.4, 0.4, sr.shape) / 255.0
    p.update_state(hr / 255.0, sr / 255.0 + jitter)
    s.update_state(hr / 255.0, sr / 255.0 + jitter)
    ref_p = np.mean([psnr(a, b, 4, y_channel) for a, b in zip(sr, hr)])
    ref_s = np.mean([ssim(a, b, 4, y_channel) for a, b in zip(sr, hr)])
    # Measured: |diff| < 3e-6 dB and < 2e-6 SSIM on Set5 with all three backends.
    assert float(p.result()) == pytest.approx(ref_p, abs=1e-4)
    assert float(s.result()) == pytest.approx(ref_s, abs=1e-5)


def test_unquantized_metrics_match_float_numpy(rng):
    hr = rng.uniform(0, 1, (2, 24, 24, 3))
    sr = np.clip(hr + rng.normal(0, 0.05, hr.shape), 0, 1)
    p, s = PSNRMetric(), SSIMMetric()
    p.update_state(hr, sr)
    s.update_state(hr, sr)
    assert float(p.result()) == pytest.approx(np.mean([psnr(a, b) for a, b in zip(sr, hr)]), abs=1e-4)
    assert float(s.result()) == pytest.approx(np.mean([ssim(a, b) for a, b in zip(sr, hr)]), abs=1e-5)


def test_mean_over_images_accumulates_and_resets(rng):
    sr, hr = _batch(rng, n=4, shape=(24, 24, 3))
    m = PSNRMetric(crop_border=2, quantize=True)
    m.update_state(hr[:1] / 255.0, sr[:1] / 255.0)
    m.update_state(hr[1:] / 255.0, sr[1:] / 255.0)
    expected = np.mean([psnr(a, b, 2) for a, b in zip(sr, hr)])
    assert float(m.result()) == pytest.approx(expected, abs=1e-4)
    m.reset_state()
    assert float(m.result()) == 0.0
    # sample_weight weights images
    m.update_state(hr[:2] / 255.0, sr[:2] / 255.0, sample_weight=np.array([1.0, 0.0]))
    assert float(m.result()) == pytest.approx(psnr(sr[0], hr[0], 2), abs=1e-4)
    # a perfect reconstruction stays finite
    m.reset_state()
    m.update_state(hr[:1] / 255.0, hr[:1] / 255.0)
    assert 140 < float(m.result()) < 160


def test_grayscale_batch(rng):
    sr, hr = _batch(rng, n=2, shape=(20, 20, 1))
    s = SSIMMetric(y_channel=True, quantize=True)
    s.update_state(hr / 255.0, sr / 255.0)
    assert float(s.result()) == pytest.approx(np.mean([ssim(a, b) for a, b in zip(sr, hr)]), abs=1e-5)


def test_config_round_trip_and_serialization():
    m = SSIMMetric(crop_border=3, y_channel=False, quantize=True, name="ssim_rgb")
    config = m.get_config()
    assert config["crop_border"] == 3 and config["y_channel"] is False and config["quantize"] is True
    clone = keras.metrics.deserialize(keras.metrics.serialize(m))
    assert isinstance(clone, SSIMMetric)
    assert clone.get_config() == config
    p = keras.metrics.deserialize(keras.metrics.serialize(PSNRMetric(crop_border=4)))
    assert isinstance(p, PSNRMetric) and p.crop_border == 4 and p.name == "psnr"
    with pytest.raises(ValueError, match="crop_border"):
        PSNRMetric(crop_border=-1)


def test_works_in_compile_and_evaluate(rng):
    hr = rng.uniform(0, 1, (4, 16, 16, 3)).astype("float32")
    inputs = keras.Input((16, 16, 3))
    model = keras.Model(inputs, keras.layers.Identity()(inputs))
    model.compile(loss="mae", metrics=[PSNRMetric(crop_border=1), SSIMMetric(crop_border=1)])
    noisy = np.clip(hr + rng.normal(0, 0.05, hr.shape), 0, 1).astype("float32")
    logs = model.evaluate(noisy, hr, batch_size=2, verbose=0, return_dict=True)
    ref = np.mean([psnr(a, b, 1) for a, b in zip(noisy, hr)])
    assert logs["psnr"] == pytest.approx(ref, abs=1e-3)
    assert 0 < logs["ssim"] < 1
