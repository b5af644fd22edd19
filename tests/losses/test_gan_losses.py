"""GAN / pixel / attention losses against NumPy transcriptions of the authors' loss code."""

import numpy as np
import pytest
from keras import ops

from keras_fasrgan import losses as L


def np_bce(x, t):
    x = np.asarray(x, np.float64)
    s = 1.0 / (1.0 + np.exp(-x))
    return float(np.mean(-(t * np.log(s) + (1 - t) * np.log(1 - s))))


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def _t(a):
    return ops.convert_to_tensor(np.asarray(a, np.float32))


def _f(x):
    return float(ops.convert_to_numpy(x))


@pytest.mark.multi_backend
def test_bce_with_logits_matches_numpy_and_is_stable(rng):
    x = rng.normal(0, 3, (4, 5)).astype(np.float32)
    for t in (0.0, 1.0):
        np.testing.assert_allclose(_f(L.bce_with_logits(_t(x), t)), np_bce(x, t), rtol=1e-5)
    big = _t([[100.0, -100.0]])
    value = _f(L.bce_with_logits(big, 1.0))
    assert np.isfinite(value)
    np.testing.assert_allclose(value, 50.0, rtol=1e-5)  # (0 + 100) / 2


@pytest.mark.multi_backend
def test_relativistic_losses_match_numpy(rng):
    real = rng.normal(size=(6, 1)).astype(np.float32)
    fake = rng.normal(size=(6, 1)).astype(np.float32)
    g = 0.5 * (np_bce(real - fake.mean(), 0) + np_bce(fake - real.mean(), 1))
    d = 0.5 * (np_bce(real - fake.mean(), 1) + np_bce(fake - real.mean(), 0))
    np.testing.assert_allclose(_f(L.relativistic_generator_loss(_t(real), _t(fake))), g, rtol=1e-5)
    np.testing.assert_allclose(
        _f(L.relativistic_discriminator_loss(_t(real), _t(fake))), d, rtol=1e-5
    )


@pytest.mark.multi_backend
def test_score_map_losses_match_numpy(rng):
    real = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
    fake = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
    g = 0.5 * (np_bce(real, 0) + np_bce(fake, 1))
    d = 0.5 * (np_bce(real, 1) + np_bce(fake, 0))
    np.testing.assert_allclose(_f(L.score_map_generator_loss(_t(real), _t(fake))), g, rtol=1e-5)
    np.testing.assert_allclose(_f(L.score_map_discriminator_loss(_t(real), _t(fake))), d, rtol=1e-5)
    total = _f(L.discriminator_loss(_t(real[:, 0, 0, :1]), _t(fake[:, 0, 0, :1]), _t(real), _t(fake)))
    rel = 0.5 * (
        np_bce(real[:, 0, 0, :1] - fake[:, 0, 0, :1].mean(), 1)
        + np_bce(fake[:, 0, 0, :1] - real[:, 0, 0, :1].mean(), 0)
    )
    np.testing.assert_allclose(total, rel + d, rtol=1e-5)


@pytest.mark.multi_backend
def test_pixel_and_attention_losses_match_numpy(rng):
    sr = rng.uniform(size=(2, 6, 6, 3)).astype(np.float32)
    hr = rng.uniform(size=(2, 6, 6, 3)).astype(np.float32)
    m = rng.normal(size=(2, 6, 6, 3)).astype(np.float32)
    np.testing.assert_allclose(_f(L.pixel_loss(_t(hr), _t(sr))), np.abs(sr - hr).mean(), rtol=1e-5)
    expected = np.mean(np.abs(sr - hr) * (1 - np_sigmoid(m)))
    np.testing.assert_allclose(_f(L.attention_loss(_t(sr), _t(hr), _t(m))), expected, rtol=1e-5)


def test_loss_gradients_follow_stop_gradients():
    """C(HR), M(HR) and the attention mask are stopped (TensorFlow tape)."""
    import tensorflow as tf

    real = tf.Variable([[0.3], [-0.2]])
    fake = tf.Variable([[0.1], [0.7]])
    rmap = tf.Variable(tf.random.normal((2, 4, 4, 3)))
    fmap = tf.Variable(tf.random.normal((2, 4, 4, 3)))
    sr = tf.Variable(tf.random.uniform((2, 4, 4, 3)))
    hr = tf.random.uniform((2, 4, 4, 3))
    with tf.GradientTape(persistent=True) as tape:
        g = L.relativistic_generator_loss(real, fake) + L.score_map_generator_loss(rmap, fmap)
        a = L.attention_loss(sr, hr, fmap)
    assert tape.gradient(g, real) is None
    assert tape.gradient(g, rmap) is None
    assert tape.gradient(g, fake) is not None
    assert tape.gradient(a, fmap) is None
    assert float(tf.reduce_sum(tf.abs(tape.gradient(a, sr)))) > 0


@pytest.mark.multi_backend
def test_resolve_loss_weights():
    w = L.resolve_loss_weights({"attention": 1e-2})
    assert w == {"pixel": 1e-2, "perceptual": 1.0, "adversarial": 5e-3, "map": 5e-3, "attention": 1e-2}
    with pytest.raises(ValueError, match="Unknown loss weight"):
        L.resolve_loss_weights({"gan": 1.0})
