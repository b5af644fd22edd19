"""FASRGAN trainer: logged terms equal NumPy transcriptions of the authors' losses; graph == eager."""

import keras
import numpy as np
import pytest
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import tiny_vgg
from _trainer_testkit import to_np
from _trainer_testkit import weights_of

from keras_fasrgan.losses import PerceptualLoss
from keras_fasrgan.trainers import ESRGAN
from keras_fasrgan.trainers import FAFsSRGAN
from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import FsSRGAN


def np_bce(x, t):
    x = np.asarray(x, np.float64)
    return float(np.mean(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))))


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def test_first_step_logs_match_numpy_formulas():
    lr, hr = pairs(2)
    pl = PerceptualLoss(weights=None, layer="block1_conv2")
    gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=pl, loss_weights={"map": 1e-2})
    assert gan.loss_weights == {
        "pixel": 1e-2, "perceptual": 1.0, "adversarial": 5e-3, "map": 1e-2, "attention": 5e-2
    }
    # Reference on the pre-step weights: D in training mode, called on HR and SR separately.
    sr = to_np(gan.generator(lr))
    c_f, m_f = (to_np(t) for t in gan.discriminator(sr, training=True))
    c_r, m_r = (to_np(t) for t in gan.discriminator(hr, training=True))
    pixel = np.abs(sr - hr).mean()
    perceptual = float(to_np(pl(hr, sr)))
    adversarial = 0.5 * (np_bce(c_r - c_f.mean(), 0) + np_bce(c_f - c_r.mean(), 1))
    score_map = 0.5 * (np_bce(m_r, 0) + np_bce(m_f, 1))
    attention = np.mean(np.abs(sr - hr) * (1 - np_sigmoid(m_f)))
    g_loss = 1e-2 * pixel + perceptual + 5e-3 * adversarial + 1e-2 * score_map + 5e-2 * attention
    d_loss = 0.5 * (np_bce(c_r - c_f.mean(), 1) + np_bce(c_f - c_r.mean(), 0)) + 0.5 * (
        np_bce(m_r, 1) + np_bce(m_f, 0)
    )
    # A large G step: the D step must still see the pre-update SR.
    gan.compile(
        g_optimizer=keras.optimizers.SGD(1.0), d_optimizer=keras.optimizers.SGD(0.1), run_eagerly=True
    )
    logs = {k: v[0] for k, v in gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history.items()}
    expected = {
        "pixel": pixel, "perceptual": perceptual, "adversarial": adversarial, "map": score_map,
        "attention": attention, "g_loss": g_loss, "d_loss": d_loss,
        "real_score": c_r.mean(), "fake_score": c_f.mean(),
    }
    for key, value in expected.items():
        np.testing.assert_allclose(logs[key], value, rtol=2e-4, atol=1e-6, err_msg=key)


def test_graph_step_equals_eager_step():
    """tf.function and eager give the same step (G weights and every logged term).

    D's conv biases in front of BatchNorm have a mathematically zero gradient whose float32
    rounding noise differs between the two modes, so D weights are not compared here.
    """
    lr, hr = pairs(2)
    results = []
    for mode in ("eager", "graph"):
        keras.utils.set_random_seed(1)
        gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None, ema_decay=0.5)
        gan.compile(
            g_optimizer=keras.optimizers.SGD(0.1),
            d_optimizer=keras.optimizers.SGD(0.1),
            run_eagerly=mode == "eager",
            jit_compile=False,
        )
        hist = gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
        results.append((weights_of(gan.generator.weights), hist))
    (g_eager, h_eager), (g_graph, h_graph) = results
    for a, b in zip(g_eager, g_graph):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    for key in h_eager:
        np.testing.assert_allclose(h_eager[key], h_graph[key], rtol=1e-4, atol=1e-6, err_msg=key)


@pytest.mark.parametrize(
    "cls,lr", [(ESRGAN, 1e-4), (FASRGAN, 1e-4), (FsSRGAN, 1e-4), (FAFsSRGAN, 2.5e-5)]
)
def test_default_compile_is_the_recipes_halving_adam(cls, lr):
    """compile() with no arguments: the paper's Adam, halved at 50k, 100k, 200k and 300k."""
    if cls in (FsSRGAN, FAFsSRGAN):
        d = tiny_unet(8) if cls is FAFsSRGAN else tiny_vgg(8)
        gan = cls(tiny_extractor(), tiny_generator(8), d, perceptual_loss=None)
    else:
        gan = cls(tiny_generator(), tiny_unet() if cls is FASRGAN else tiny_vgg(), perceptual_loss=None)
    gan.compile()
    assert gan.g_optimizer is not gan.d_optimizer
    for opt in (gan.g_optimizer, gan.d_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        assert (opt.beta_1, opt.beta_2, opt.epsilon) == (0.9, 0.999, 1e-8)
        schedule = opt._learning_rate
        for step, factor in ((0, 1), (49_999, 1), (50_000, 0.5), (100_000, 0.25),
                             (200_000, 0.125), (300_000, 0.0625), (499_999, 0.0625)):
            assert float(to_np(schedule(step))) == pytest.approx(lr * factor), step
    assert gan.jit_compile is True
    # The container exposes both optimizers' slots (what JAX fit() threads and saving stores).
    n = len(gan.g_optimizer.variables) + len(gan.d_optimizer.variables)
    assert len(gan.optimizer.variables) >= n


def test_rejects_discriminator_without_score_map():
    with pytest.raises(ValueError, match="score_map"):
        FASRGAN(tiny_generator(), tiny_vgg(), perceptual_loss=None)
    with pytest.raises(ValueError, match="Unknown loss weight"):
        FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None, loss_weights={"gan": 1})
