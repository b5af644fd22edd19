import keras
import numpy as np
import pytest

from keras_fasrgan.layers import PixelUnshuffle

pytestmark = pytest.mark.multi_backend


@pytest.mark.parametrize("factor", [2, 4])
def test_matches_torch_pixel_unshuffle(rng, factor):
    import torch
    import torch.nn.functional as F

    x = rng.random((2, 8, 12, 3)).astype("float32")
    expected = F.pixel_unshuffle(torch.from_numpy(x.transpose(0, 3, 1, 2)), factor)
    out = keras.ops.convert_to_numpy(PixelUnshuffle(factor)(x))
    assert out.shape == (2, 8 // factor, 12 // factor, 3 * factor * factor)
    np.testing.assert_array_equal(out, expected.numpy().transpose(0, 2, 3, 1))


def test_dynamic_size_keeps_static_channels_and_round_trips():
    inputs = keras.Input((None, None, 3))
    layer = PixelUnshuffle(2)
    assert layer(inputs).shape[-1] == 12
    clone = PixelUnshuffle.from_config(layer.get_config())
    assert clone.factor == 2


def test_sizes_that_are_not_multiples_are_refused():
    with pytest.raises(ValueError, match="multiple of 2, got 5"):
        PixelUnshuffle(2)(keras.Input((4, 5, 3)))
