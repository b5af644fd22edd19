"""Fs-SRGAN trainer: SR = G(E(LR)), terms logged, export of an end-to-end model."""

import keras
import numpy as np
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_vgg
from _trainer_testkit import to_np

from keras_fasrgan.trainers import FsSRGAN


def np_bce(x, t):
    x = np.asarray(x, np.float64)
    return float(np.mean(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))))


def test_fs_srgan_step_logs_and_sr_path():
    lr, hr = pairs(2)
    gan = FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None)
    sr = to_np(gan.generator(gan.extractor(lr)))
    np.testing.assert_allclose(to_np(gan(lr)), sr, atol=1e-6)
    c_f = to_np(gan.discriminator(gan.extractor(sr), training=True))
    c_r = to_np(gan.discriminator(gan.extractor(hr), training=True))
    adversarial = 0.5 * (np_bce(c_r - c_f.mean(), 0) + np_bce(c_f - c_r.mean(), 1))
    # G learning rate 0: the D step then sees the pre-step E as well.
    gan.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.1), run_eagerly=True)
    hist = gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
    assert set(hist) == {"g_loss", "pixel", "adversarial", "d_loss", "real_score", "fake_score"}
    np.testing.assert_allclose(hist["adversarial"][0], adversarial, rtol=1e-4)
    d_loss = 0.5 * (np_bce(c_r - c_f.mean(), 1) + np_bce(c_f - c_r.mean(), 0))
    np.testing.assert_allclose(hist["d_loss"][0], d_loss, rtol=1e-4)
    np.testing.assert_allclose(hist["g_loss"][0], 1e-2 * np.abs(sr - hr).mean() + 5e-3 * adversarial, rtol=1e-4)
    model = gan.export_sr_model()
    np.testing.assert_allclose(to_np(model(lr)), to_np(gan(lr)), atol=1e-5)


def test_fs_srgan_config_round_trip():
    gan = FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None, d_update_ratio=3)
    clone = FsSRGAN.from_config(gan.get_config())
    assert clone.d_update_ratio == 3 and clone.perceptual_loss is None
    assert clone.extractor.count_params() == gan.extractor.count_params()
    assert clone.discriminator.count_params() == gan.discriminator.count_params()
