"""`load_generator`: .keras, .weights.h5 + JSON, .pth, presets, and clear errors."""

import json

import numpy as np
import pytest

from keras_fasrgan.loading import ModelLoadError
from keras_fasrgan.loading import load_generator
from keras_fasrgan.models import RRDBNet

from conftest import shared_data


@pytest.fixture(scope="module")
def model():
    model = RRDBNet(scale=2, num_blocks=1, filters=8, growth_channels=4)
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.25, "float32"))
    return model


def _same(a, b):
    x = np.random.default_rng(0).random((1, 6, 5, 3), dtype=np.float32)
    np.testing.assert_allclose(a.predict_on_batch(x), b.predict_on_batch(x), atol=1e-6)


def test_keras_file(model, tmp_path):
    path = tmp_path / "g.keras"
    model.save(path)
    loaded = load_generator(str(path))
    assert loaded.scale == 2
    _same(model, loaded)
    assert load_generator(model) is model


def test_weights_need_an_architecture(model, tmp_path):
    path = tmp_path / "g.weights.h5"
    model.save_weights(path)
    with pytest.raises(ModelLoadError, match="no architecture"):
        load_generator(str(path))
    config = {k: v for k, v in model.get_config().items() if k not in ("name", "trainable")}
    (tmp_path / "g.json").write_text(json.dumps(config))
    _same(model, load_generator(str(path)))


def test_weights_with_keras_serialized_config(model, tmp_path):
    import keras

    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    (tmp_path / "config.json").write_text(json.dumps(keras.saving.serialize_keras_object(model)))
    _same(model, load_generator(str(path)))


def test_pth_is_converted():
    loaded = load_generator(str(shared_data("official_weights", "FsSRGAN_E.pth")))
    assert loaded.count_params() == 758144


def test_missing_file_unknown_preset_and_bad_files(tmp_path):
    with pytest.raises(ModelLoadError, match="no such model file"):
        load_generator(str(tmp_path / "missing.keras"))
    with pytest.raises(ModelLoadError, match="available presets"):
        load_generator("no_such_preset_name")
    empty = tmp_path / "empty.keras"
    empty.write_bytes(b"")
    with pytest.raises(ModelLoadError, match="empty"):
        load_generator(str(empty))
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelLoadError, match="junk.keras"):
        load_generator(str(junk))
    with pytest.raises(ModelLoadError, match="directory"):
        load_generator(str(tmp_path))
