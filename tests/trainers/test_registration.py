"""Trainers stay loadable from `.keras` files: registered names are the package's."""

import json
import zipfile

import keras
import numpy as np
from _trainer_testkit import pairs
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet

import keras_fasrgan.trainers as trainers


def test_trainer_files_saved_before_the_move_still_load(tmp_path):
    """Registered names are unchanged (`keras_fasrgan>FASRGAN`); the old module path in an
    existing file's config does not matter."""
    assert keras.saving.get_registered_name(trainers.FASRGAN) == "keras_fasrgan>FASRGAN"
    gan = trainers.FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None)
    gan.save(tmp_path / "new.keras")
    old = tmp_path / "old.keras"
    with zipfile.ZipFile(tmp_path / "new.keras") as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                assert config["module"] == "keras_fasrgan.trainers.fasrgan"
                config["module"] = "keras_fasrgan.models.fasrgan"
                data = json.dumps(config).encode()
            dst.writestr(item, data)
    loaded = keras.saving.load_model(old)
    assert type(loaded) is trainers.FASRGAN
    lr, _ = pairs(1)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(lr)),
                               keras.ops.convert_to_numpy(gan(lr)), atol=1e-6)
