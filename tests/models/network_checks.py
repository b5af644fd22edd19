"""Checks shared by the network test modules."""

import keras
import numpy as np
import pytest


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


def randomize_weights(model, rng):
    """Random weights of unit-variance layers: kernels N(0, 1/fan_in), BatchNorm statistics and
    scales near 1 (a positive variance), biases N(0, 0.1): outputs of order one."""
    for v in model.weights:
        shape = tuple(v.shape)
        name = v.path.rsplit("/", 1)[-1]
        if name in ("moving_variance", "gamma"):
            value = rng.uniform(0.5, 1.5, shape)
        elif len(shape) > 1:
            value = rng.normal(0.0, 1.0 / np.sqrt(np.prod(shape[:-1])), shape)
        else:
            value = rng.normal(0.0, 0.1, shape)
        v.assign(value.astype(v.dtype))


@pytest.fixture
def float64():
    """Networks built in this test compute in float64, so that a comparison with an
    independent forward checks the semantics, not float32 rounding (BatchNorm in training
    mode amplifies it). JAX needs its 64-bit mode for that."""
    jax_x64 = None
    if keras.backend.backend() == "jax":
        import jax

        jax_x64 = jax.config.jax_enable_x64
        jax.config.update("jax_enable_x64", True)
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_dtype_policy("float32")
    if jax_x64 is not None:
        jax.config.update("jax_enable_x64", jax_x64)
