"""Checks shared by the network test modules."""

import keras
import numpy as np


def assert_keras_round_trip(model, inputs, tmp_path):
    """Saves `model` as .keras, reloads it, and checks identical config and outputs."""
    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.get_config() == model.get_config()
    expected = model(inputs, training=False)
    actual = loaded(inputs, training=False)
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    actual = actual if isinstance(actual, (list, tuple)) else [actual]
    for e, a in zip(expected, actual):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(e))
    return loaded


def trainable_count(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)
