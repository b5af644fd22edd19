import keras
import numpy as np
import pytest

import torch_reference as ref
from keras_fasrgan.layers import RRDB
from keras_fasrgan.layers import ResidualDenseBlock

pytestmark = pytest.mark.multi_backend


def _randomise(layer, rng):
    for w in layer.weights:
        w.assign(rng.normal(0, 0.1, w.shape).astype("float32"))


def test_dense_connectivity_shapes():
    block = ResidualDenseBlock(filters=8, growth_channels=4)
    block.build((None, None, None, 8))
    in_channels = [c.kernel.shape[2] for c in block.convs]
    out_channels = [c.kernel.shape[3] for c in block.convs]
    assert in_channels == [8, 12, 16, 20, 24]
    assert out_channels == [4, 4, 4, 4, 8]


def test_rdb_matches_independent_torch_forward(rng):
    block = ResidualDenseBlock(filters=8, growth_channels=4)
    x = rng.random((2, 6, 7, 8)).astype("float32")
    block(x)
    _randomise(block, rng)
    expected = ref.nhwc(ref.rdb(ref.nchw(x), ref.keras_rdb_weights(block)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block(x)), expected, atol=1e-5)


def test_rrdb_matches_independent_torch_forward(rng):
    block = RRDB(filters=8, growth_channels=4)
    x = rng.random((1, 5, 5, 8)).astype("float32")
    block(x)
    _randomise(block, rng)
    expected = ref.nhwc(ref.rrdb(ref.nchw(x), ref.keras_rrdb_weights(block)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block(x)), expected, atol=1e-5)


def test_zero_dense_branches_leave_only_the_residual_paths(rng):
    block = RRDB(filters=8, growth_channels=4)
    x = rng.random((1, 4, 4, 8)).astype("float32")
    block(x)
    for rdb in (block.rdb1, block.rdb2, block.rdb3):
        for w in rdb.convs[4].weights:
            w.assign(np.zeros(w.shape, "float32"))
    # Each RDB is then the identity, so RRDB(x) = 0.2 * x + x.
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block(x)), 1.2 * x, atol=1e-6)


def test_channel_mismatch_is_rejected():
    with pytest.raises(ValueError, match="channels"):
        ResidualDenseBlock(filters=8, growth_channels=4).build((None, 4, 4, 3))


@pytest.mark.parametrize("cls", [ResidualDenseBlock, RRDB])
def test_get_config_round_trip(cls):
    layer = cls(filters=8, growth_channels=4, residual_scale=0.3, init_scale=0.5, name="blk")
    config = layer.get_config()
    for key in ("filters", "growth_channels", "residual_scale", "init_scale"):
        assert key in config
    clone = cls.from_config(config)
    assert clone.get_config() == config
