"""ESRGAN baseline trainer: RaGAN on a VGG-style discriminator, no map/attention."""

import keras
import numpy as np
from _trainer_testkit import pairs
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_vgg
from _trainer_testkit import to_np

from keras_fasrgan.losses import PerceptualLoss
from keras_fasrgan.trainers import ESRGAN


def test_esrgan_logs_and_perceptual_term():
    lr, hr = pairs(2)
    pl = PerceptualLoss(weights=None, layer="block1_conv2")
    gan = ESRGAN(tiny_generator(), tiny_vgg(), perceptual_loss=pl, loss_weights={"perceptual": 0.5})
    sr = to_np(gan.generator(lr))
    perceptual = float(to_np(pl(hr, sr)))
    gan.compile(run_eagerly=True)
    hist = gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
    assert set(hist) == {
        "g_loss", "pixel", "perceptual", "adversarial", "d_loss", "real_score", "fake_score"
    }
    np.testing.assert_allclose(hist["perceptual"][0], perceptual, rtol=1e-4)
    assert hist["g_loss"][0] > 0.5 * perceptual
    assert gan.loss_weights["perceptual"] == 0.5


def test_esrgan_keras_file_round_trip(tmp_path):
    lr, hr = pairs(2)
    gan = ESRGAN(tiny_generator(), tiny_vgg(), perceptual_loss=None, ema_decay=0.9)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3), run_eagerly=True)
    gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
    gan.save(tmp_path / "esrgan.keras")
    loaded = keras.saving.load_model(tmp_path / "esrgan.keras")
    np.testing.assert_allclose(to_np(loaded(lr)), to_np(gan(lr)), atol=1e-6)
    assert int(to_np(loaded.iteration)) == 1
    assert int(to_np(loaded.d_optimizer.iterations)) == 1
