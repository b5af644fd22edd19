"""FA+Fs-SRGAN trainer: defaults (attention 1e-2), map + attention terms on E features."""

import keras
import numpy as np
import pytest
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import tiny_vgg
from _trainer_testkit import to_np

from keras_fasrgan.trainers import FAFsSRGAN


def test_fa_fs_srgan_defaults_and_attention_term():
    lr, hr = pairs(2)
    gan = FAFsSRGAN(tiny_extractor(), tiny_generator(8), tiny_unet(8), perceptual_loss=None, ema_decay=0.999)
    assert gan.loss_weights["attention"] == pytest.approx(1e-2)
    assert gan.loss_weights["map"] == pytest.approx(5e-3)
    sr = to_np(gan.generator(gan.extractor(lr)))
    _, m_f = gan.discriminator(gan.extractor(sr), training=True)
    attention = np.mean(np.abs(sr - hr) / (1 + np.exp(to_np(m_f).astype(np.float64))))
    gan.compile(run_eagerly=True)
    hist = gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
    assert {"map", "attention", "adversarial", "d_loss"} <= set(hist)
    np.testing.assert_allclose(hist["attention"][0], attention, rtol=1e-4)
    # EMA on: predict uses the averaged E and G.
    out = gan.predict(lr, verbose=0)
    np.testing.assert_allclose(out, to_np(gan.export_sr_model()(lr)), atol=1e-5)


def test_fa_fs_srgan_needs_unet_discriminator():
    with pytest.raises(ValueError, match="score_map"):
        FAFsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None)
    with pytest.raises(ValueError):
        FAFsSRGAN(tiny_extractor(), tiny_generator(8), tiny_unet(8), perceptual_loss=None, d_update_ratio=0)
    assert keras.saving.get_registered_object("keras_fasrgan>FAFsSRGAN") is FAFsSRGAN
