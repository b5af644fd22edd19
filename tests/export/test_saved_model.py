"""SavedModel export: dynamic batch/height/width, parity with Keras, atomic, no overwrite."""

import os

import numpy as np
import pytest

from keras_fasrgan.export import ExportError
from keras_fasrgan.export import to_saved_model
from keras_fasrgan.models import RRDBNet


@pytest.fixture(scope="module")
def model():
    model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    return model


@pytest.fixture(scope="module")
def exported(model, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("sm") / "rrdbnet")
    assert to_saved_model(model, path) == path
    return path


def test_saved_model_matches_keras_at_two_sizes(model, exported):
    import tensorflow as tf

    loaded = tf.saved_model.load(exported)
    rng = np.random.default_rng(0)
    for shape in [(2, 16, 24, 3), (2, 11, 7, 3)]:
        x = rng.random(shape, dtype=np.float32)
        got = loaded.serve(tf.constant(x)).numpy()
        assert got.shape == (2, 4 * shape[1], 4 * shape[2], 3)
        np.testing.assert_allclose(got, model.predict_on_batch(x), atol=1e-5)
    signature = loaded.signatures["serving_default"]
    spec = list(signature.structured_input_signature[1].values())[0]
    assert spec.shape.as_list() == [None, None, None, 3]


def test_saved_model_refuses_overwrite(model, exported, tmp_path):
    stamp = os.path.getmtime(os.path.join(exported, "saved_model.pb"))
    with pytest.raises(ExportError, match="already exists"):
        to_saved_model(model, exported)
    assert os.path.getmtime(os.path.join(exported, "saved_model.pb")) == stamp
    target = tmp_path / "again"
    target.mkdir()
    (target / "old.txt").write_text("old")
    to_saved_model(model, target, overwrite=True)
    assert sorted(os.listdir(target)) == sorted(os.listdir(exported))
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".tmp-")]  # no leftovers
