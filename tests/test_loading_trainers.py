"""A trainer kept the Keras way (`fit()` then `save("gan.keras")`) and loaded wherever a model
spec is accepted gives `trainer.export_sr_model()`: EMA weights, E + G as one RGB model."""

import keras
import numpy as np
import pytest

from keras_fasrgan.cli import main
from keras_fasrgan.inference import upscale
from keras_fasrgan.loading import load_generator
from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import FsSRGAN

from trainers._trainer_testkit import pairs
from trainers._trainer_testkit import tiny_extractor
from trainers._trainer_testkit import tiny_generator
from trainers._trainer_testkit import tiny_unet
from trainers._trainer_testkit import tiny_vgg


def _trained(kind):
    if kind == "fasrgan_ema":
        gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None, ema_decay=0.5)
    else:
        gan = FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2),
                run_eagerly=True)
    lr, hr = pairs(2)
    gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
    return gan


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    root = tmp_path_factory.mktemp("trainers")
    out = {}
    for kind in ("fasrgan_ema", "fs_srgan"):
        gan = _trained(kind)
        gan.save(root / f"{kind}.keras")
        out[kind] = (gan, str(root / f"{kind}.keras"))
    return out


def _np(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("kind", ["fasrgan_ema", "fs_srgan"])
def test_saved_trainer_loads_as_its_export_sr_model(saved, kind):
    gan, path = saved[kind]
    lr, _ = pairs(1, seed=3)
    expected = _np(gan.export_sr_model()(lr))
    loaded = load_generator(path)
    assert loaded.inputs[0].shape[-1] == 3  # RGB in, also for Fs-SRGAN (E then G)
    np.testing.assert_allclose(loaded.predict_on_batch(lr), expected, atol=1e-5)
    if kind == "fasrgan_ema":  # EMA on: not the live generator
        assert np.abs(_np(gan.generator(lr)) - expected).max() > 1e-4


def test_upscale_and_cli_accept_a_saved_fs_srgan_trainer(saved, tmp_path):
    from PIL import Image

    gan, path = saved["fs_srgan"]
    image = np.random.default_rng(0).integers(0, 256, (6, 5, 3), dtype=np.uint8)
    expected = upscale(gan.export_sr_model(), image, engine="keras")
    np.testing.assert_array_equal(upscale(path, image, engine="keras"), expected)
    src = tmp_path / "a.png"
    Image.fromarray(image).save(src)
    assert main(["upscale", str(src), "-o", str(tmp_path / "b.png"), "--model", path,
                 "--engine", "keras", "--quiet"]) == 0
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "b.png")), expected)
