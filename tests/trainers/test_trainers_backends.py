"""Every backend: fit/evaluate/predict and the gradient flow of one step (multi_backend)."""

import keras
import numpy as np
import pytest
from _trainer_testkit import changed
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import tiny_vgg
from _trainer_testkit import weights_of

from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import FsSRGAN
from keras_fasrgan.trainers import SRModel

# TensorFlow's graph/XLA paths are covered in test_sr_model.py / test_fasrgan_trainer.py;
# eager keeps these small runs fast there. JAX runs jitted (the default), torch eagerly.
EAGER = keras.backend.backend() == "tensorflow"


def _half_changed(before, variables):
    return sum(changed(before, variables)) > len(before) // 2


@pytest.mark.multi_backend
def test_srmodel_fit_reduces_l1_and_evaluates():
    lr, hr = pairs(2)
    model = SRModel(tiny_generator())
    model.compile(optimizer=keras.optimizers.Adam(1e-3), run_eagerly=EAGER)
    hist = model.fit(lr, hr, batch_size=2, epochs=4, verbose=0).history
    assert hist["loss"][-1] < hist["loss"][0]
    logs = model.evaluate(lr, hr, verbose=0, return_dict=True)
    assert set(logs) >= {"psnr", "ssim"} and np.isfinite(logs["psnr"])
    assert model.predict(lr, verbose=0).shape == (2, 32, 32, 3)
    assert int(keras.ops.convert_to_numpy(model.iteration)) == 4


@pytest.mark.multi_backend
def test_fasrgan_fit_logs_every_term_and_follows_gradient_flow():
    lr, hr = pairs(2)
    gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None)
    # G learns, D frozen by a zero learning rate: only G may change.
    gan.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.0), run_eagerly=EAGER)
    g0, d0 = weights_of(gan.generator.trainable_variables), weights_of(gan.discriminator.trainable_variables)
    hist = gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
    expected = {"g_loss", "d_loss", "pixel", "adversarial", "map", "attention", "real_score", "fake_score"}
    assert set(hist) == expected
    assert all(np.isfinite(v[0]) for v in hist.values())
    assert _half_changed(g0, gan.generator.trainable_variables)
    assert not any(changed(d0, gan.discriminator.trainable_variables))
    # The other way round.
    gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None)
    gan.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.1), run_eagerly=EAGER)
    g0, d0 = weights_of(gan.generator.trainable_variables), weights_of(gan.discriminator.trainable_variables)
    gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
    assert not any(changed(g0, gan.generator.trainable_variables))
    assert _half_changed(d0, gan.discriminator.trainable_variables)


@pytest.mark.multi_backend
def test_fs_srgan_extractor_learns_from_both_steps():
    lr, hr = pairs(2)
    for g_lr, d_lr in ((0.1, 0.0), (0.0, 0.1)):
        gan = FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None)
        gan.compile(g_optimizer=keras.optimizers.SGD(g_lr), d_optimizer=keras.optimizers.SGD(d_lr), run_eagerly=EAGER)
        e0 = weights_of(gan.extractor.trainable_variables)
        g0 = weights_of(gan.generator.trainable_variables)
        d0 = weights_of(gan.discriminator.trainable_variables)
        gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
        assert any(changed(e0, gan.extractor.trainable_variables)), (g_lr, d_lr)
        assert any(changed(g0, gan.generator.trainable_variables)) == (g_lr > 0)
        assert any(changed(d0, gan.discriminator.trainable_variables)) == (d_lr > 0)


@pytest.mark.multi_backend
def test_d_update_ratio_and_init_iters_skip_generator_steps():
    lr, hr = pairs(2)
    gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None, d_update_ratio=2, d_init_iters=2)
    gan.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1), run_eagerly=EAGER)
    g0 = weights_of(gan.generator.trainable_variables)
    gan.fit(lr, hr, batch_size=2, epochs=2, verbose=0)  # steps 1, 2: no G step (ratio, warm-up)
    assert not any(changed(g0, gan.generator.trainable_variables))
    gan.fit(lr, hr, batch_size=2, epochs=2, verbose=0)  # steps 3 (no), 4 (yes)
    assert _half_changed(g0, gan.generator.trainable_variables)
    to_int = lambda v: int(keras.ops.convert_to_numpy(v))  # noqa: E731
    assert to_int(gan.g_optimizer.iterations) == 1
    assert to_int(gan.d_optimizer.iterations) == 4
    assert to_int(gan.iteration) == 4
