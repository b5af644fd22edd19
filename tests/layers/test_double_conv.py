import keras
import numpy as np
import pytest

from keras_fasrgan.layers import DoubleConv

pytestmark = pytest.mark.multi_backend


def test_faithful_epsilon_quirk():
    block = DoubleConv(64)
    assert block.bn1.epsilon == 64.0
    assert block.bn2.epsilon == pytest.approx(1e-5)
    assert DoubleConv(64, faithful_bn_epsilon=False).bn1.epsilon == pytest.approx(1e-5)


def test_output_is_relu_and_shape(rng):
    block = DoubleConv(8)
    out = keras.ops.convert_to_numpy(block(rng.random((2, 8, 8, 3)).astype("float32"), training=True))
    assert out.shape == (2, 8, 8, 8)
    assert out.min() >= 0.0
    assert out.max() > 0.0


def test_batchnorm_uses_torch_momentum(rng):
    block = DoubleConv(4, faithful_bn_epsilon=False)
    x = rng.random((4, 6, 6, 3)).astype("float32") + 2.0
    block(x, training=True)
    conv_out = keras.ops.convert_to_numpy(block.conv1(x))
    mean = keras.ops.convert_to_numpy(block.bn1.moving_mean)
    # torch: running = 0.9 * running + 0.1 * batch_mean, starting at 0.
    np.testing.assert_allclose(mean, 0.1 * conv_out.mean(axis=(0, 1, 2)), rtol=1e-4, atol=1e-6)


def test_config_round_trip():
    block = DoubleConv(16, faithful_bn_epsilon=False, init_scale=0.5)
    assert DoubleConv.from_config(block.get_config()).get_config() == block.get_config()
