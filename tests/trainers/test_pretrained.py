"""Starting a stage from the previous one: E and G of the Fs variants from one E+G file."""

import numpy as np
import pytest
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import tiny_vgg
from _trainer_testkit import to_np

from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import FsSRGAN
from keras_fasrgan.trainers import SRModel


def _psnr_stage():
    """A Fs PSNR stage (E + G) with weights unlike a fresh initialisation."""
    stage = SRModel(tiny_generator(8), extractor=tiny_extractor())
    rng = np.random.default_rng(3)
    stage.set_weights([w + rng.normal(0, 0.01, w.shape).astype(w.dtype) for w in stage.get_weights()])
    return stage


def _fs_gan(ema_decay=None):
    return FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None,
                   ema_decay=ema_decay)


def _assert_same(a, b):
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("saved", ["export_sr_model", "trainer"])
def test_fs_gan_starts_e_and_g_from_the_psnr_stage(tmp_path, saved):
    stage = _psnr_stage()
    path = tmp_path / "generator.keras"
    (stage.export_sr_model() if saved == "export_sr_model" else stage).save(path)
    gan = _fs_gan(ema_decay=0.999).load_pretrained_generator(path)
    _assert_same(gan.extractor, stage.extractor)
    _assert_same(gan.generator, stage.generator)
    lr, _ = pairs(1)
    # EMA restarts from the loaded weights: the GAN's SR equals the PSNR stage's.
    np.testing.assert_allclose(to_np(gan(lr)), to_np(stage(lr)), atol=1e-6)


def test_fs_gan_needs_e_from_somewhere(tmp_path):
    stage = _psnr_stage()
    stage.generator.save_weights(tmp_path / "g.weights.h5")
    with pytest.raises(ValueError, match="--pretrained-extractor"):
        _fs_gan().load_pretrained_generator(tmp_path / "g.weights.h5")
    stage.generator.save(tmp_path / "g.keras")
    with pytest.raises(ValueError, match="no FeatureExtractor in this file"):
        _fs_gan().load_pretrained_generator(tmp_path / "g.keras")
    stage.extractor.save_weights(tmp_path / "e.weights.h5")
    gan = _fs_gan().load_pretrained_generator(tmp_path / "g.weights.h5", tmp_path / "e.weights.h5")
    _assert_same(gan.extractor, stage.extractor)


def test_a_network_that_does_not_fit_is_an_error(tmp_path):
    path = tmp_path / "generator.keras"
    _psnr_stage().export_sr_model().save(path)
    with pytest.raises(ValueError, match="do not fit"):  # G on 8 E channels, not on RGB
        FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None).load_pretrained_generator(path)
    with pytest.raises(ValueError, match="no feature extractor"):
        FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None).load_pretrained_generator(
            path, extractor_path=path
        )
