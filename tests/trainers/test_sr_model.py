"""SRModel (PSNR stage): L1 step, XLA, EMA, evaluation, pretrained-generator loading."""

import keras
import numpy as np
import pytest
from _trainer_testkit import pairs
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import to_np
from _trainer_testkit import weights_of

from keras_fasrgan.metrics import psnr
from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import SRModel


def test_one_step_is_sgd_on_l1_in_xla():
    import tensorflow as tf

    lr, hr = pairs(2)
    model = SRModel(tiny_generator())
    w0 = weights_of(model.generator.trainable_variables)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(model.generator(lr) - hr))
    grads = tape.gradient(loss, model.generator.trainable_variables)
    model.compile(optimizer=keras.optimizers.SGD(0.5))  # default "auto": XLA on TensorFlow
    assert model.jit_compile is True
    hist = model.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
    np.testing.assert_allclose(hist["loss"][0], float(loss), rtol=1e-5)
    for w, g, v in zip(w0, grads, model.generator.trainable_variables):
        np.testing.assert_allclose(to_np(v), w - 0.5 * g.numpy(), rtol=1e-4, atol=1e-6)


def test_ema_weights_predict_export_and_evaluate():
    lr, hr = pairs(2)
    model = SRModel(tiny_generator(), ema_decay=0.9)
    w0 = weights_of(model.generator.trainable_variables)
    model.compile(optimizer=keras.optimizers.SGD(0.5), run_eagerly=True)
    model.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
    w1 = weights_of(model.generator.trainable_variables)
    ema = model.export_generator()
    for e, a, b in zip(ema.trainable_variables, w0, w1):
        np.testing.assert_allclose(to_np(e), 0.9 * a + 0.1 * b, rtol=1e-5, atol=1e-7)
    out = model.predict(lr, verbose=0)
    np.testing.assert_allclose(out, to_np(ema(lr)), atol=1e-5)
    assert not np.allclose(out, to_np(model.generator(lr)), atol=1e-5)
    logs = model.evaluate(lr, hr, verbose=0, return_dict=True)
    sr = np.clip(out, 0, 1)
    ref = np.mean([psnr(s, h, crop_border=4) for s, h in zip(sr, hr)])
    np.testing.assert_allclose(logs["psnr"], ref, atol=1e-2)
    assert 0 < logs["ssim"] <= 1


def test_load_pretrained_generator_from_files(tmp_path):
    lr, _ = pairs(1)
    source = tiny_generator()
    source.set_weights([w + 0.01 for w in source.get_weights()])
    expected = to_np(source(lr))
    source.save_weights(tmp_path / "g.weights.h5")
    psnr_stage = SRModel(source)
    psnr_stage.save(tmp_path / "psnr_stage.keras")
    for path in ("g.weights.h5", "psnr_stage.keras"):
        gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None, ema_decay=0.999)
        gan.load_pretrained_generator(tmp_path / path)
        np.testing.assert_allclose(to_np(gan(lr)), expected, atol=1e-5, err_msg=path)
    with pytest.raises(FileNotFoundError, match="nope.pth"):
        gan.load_pretrained_generator(tmp_path / "nope.pth")


def test_load_pretrained_extractor_from_official_pth(tmp_path):
    from conftest import shared_data

    from keras_fasrgan.convert import load_torch_weights
    from keras_fasrgan.models import FeatureExtractor

    path = shared_data("official_weights", "FsSRGAN_E.pth")
    ref = FeatureExtractor(num_blocks=1)
    load_torch_weights(ref, path)
    g = tiny_generator(in_channels=64)
    g.save_weights(tmp_path / "g.weights.h5")
    model = SRModel(tiny_generator(in_channels=64), extractor=FeatureExtractor(num_blocks=1), ema_decay=0.999)
    model.load_pretrained_generator(tmp_path / "g.weights.h5", extractor_path=path)
    for a, b in zip(model.extractor.get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(model.generator.get_weights(), g.get_weights()):
        np.testing.assert_array_equal(a, b)
    # EMA restarts from the loaded weights, so the exported E is the official one.
    for a, b in zip(model.export_extractor().get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)
