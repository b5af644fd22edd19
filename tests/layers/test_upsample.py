import keras
import numpy as np
import pytest

from keras_fasrgan.layers import BilinearUpsample
from keras_fasrgan.layers import NearestUpsample

pytestmark = pytest.mark.multi_backend


@pytest.mark.parametrize("factor", [2, 3])
def test_nearest_equals_pixel_repeat(rng, factor):
    x = rng.random((2, 3, 5, 4)).astype("float32")
    out = keras.ops.convert_to_numpy(NearestUpsample(factor)(x))
    expected = np.repeat(np.repeat(x, factor, axis=1), factor, axis=2)
    np.testing.assert_array_equal(out, expected)


def test_nearest_keeps_static_channels_with_dynamic_size():
    inputs = keras.Input((None, None, 6))
    out = NearestUpsample(2)(inputs)
    assert out.shape[-1] == 6


@pytest.mark.parametrize("align_corners", [True, False])
def test_bilinear_matches_torch_interpolate(rng, align_corners):
    import torch
    import torch.nn.functional as F

    x = rng.random((2, 4, 5, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(BilinearUpsample(2, align_corners=align_corners)(x))
    t = torch.from_numpy(np.transpose(x, (0, 3, 1, 2)).copy())
    expected = F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=align_corners)
    np.testing.assert_allclose(out, np.transpose(expected.numpy(), (0, 2, 3, 1)), atol=1e-6)


def test_bilinear_align_corners_keeps_corners(rng):
    x = rng.random((1, 3, 3, 1)).astype("float32")
    out = keras.ops.convert_to_numpy(BilinearUpsample(2)(x))
    for (i, j), (k, m) in {(0, 0): (0, 0), (0, 2): (0, 5), (2, 0): (5, 0), (2, 2): (5, 5)}.items():
        assert out[0, k, m, 0] == pytest.approx(x[0, i, j, 0], abs=1e-6)


@pytest.mark.parametrize("layer", [NearestUpsample(3), BilinearUpsample(2, align_corners=False)])
def test_config_round_trip(layer):
    clone = layer.__class__.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
