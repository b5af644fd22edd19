import keras
import numpy as np
import pytest

import torch_reference as ref
from keras_fasrgan.models import VGGDiscriminator
from network_checks import assert_keras_round_trip
from network_checks import float64  # noqa: F401 - fixture
from network_checks import randomize_weights
from network_checks import trainable_count

pytestmark = pytest.mark.multi_backend


def test_official_parameter_counts():
    # ESRGAN's Discriminator_VGG_128 has 14,502,281 parameters.
    assert trainable_count(VGGDiscriminator(input_size=128)) == 14_502_281
    # Fs-SRGAN's D head on E features at 192: about 20.73M.
    assert trainable_count(VGGDiscriminator(in_channels=64, input_size=192)) == pytest.approx(
        20.73e6, rel=1e-3
    )


@pytest.mark.parametrize("size,final", [(128, 4), (192, 3), (32, 1), (96, 3)])
def test_final_feature_map(size, final):
    disc = VGGDiscriminator(input_size=size)
    assert disc.get_layer("flatten").output.shape[-1] == final * final * 512


def test_score_shape(rng):
    disc = VGGDiscriminator(input_size=32)
    assert tuple(disc(rng.random((3, 32, 32, 3)).astype("float32")).shape) == (3, 1)


def test_bad_input_size():
    with pytest.raises(ValueError, match="multiple of 32"):
        VGGDiscriminator(input_size=100)


def test_keras_round_trip(rng, tmp_path):
    disc = VGGDiscriminator(in_channels=4, input_size=32)
    assert_keras_round_trip(disc, rng.random((2, 32, 32, 4)).astype("float32"), tmp_path)


# ESRGAN's Discriminator_VGG_128: (out channels, kernel, stride) of conv1..conv9 after conv0;
# the 192 variant adds (512, 3, 1), (512, 4, 2).
_VGG_128 = [(64, 4, 2), (128, 3, 1), (128, 4, 2), (256, 3, 1), (256, 4, 2),
            (512, 3, 1), (512, 4, 2), (512, 3, 1), (512, 4, 2)]


def _torch_vgg(disc, x, training):
    import torch.nn.functional as F

    h = F.leaky_relu(ref.conv_s(ref.nchw(x), *ref.keras_kb(disc.get_layer("conv0")), 1, 1), 0.2)
    for i, (_, kernel, stride) in enumerate(_VGG_128, start=1):
        h = ref.conv_s(h, *ref.keras_kb(disc.get_layer(f"conv{i}")), stride, 1)
        h = F.leaky_relu(ref.batch_norm(h, disc.get_layer(f"bn{i}"), 1e-5, training), 0.2)
    h = F.leaky_relu(ref.linear(ref.flatten_like_keras(h), disc.get_layer("dense1")), 0.2)
    return ref.linear(h, disc.get_layer("score")).detach().numpy()


def test_matches_independent_torch_forward(rng, float64):
    disc = VGGDiscriminator(in_channels=5, input_size=64)  # a 2x2x512 map before the Dense head
    assert [disc.get_layer(f"conv{i}").filters for i in range(1, 10)] == [c for c, _, _ in _VGG_128]
    randomize_weights(disc, rng)
    x = rng.random((2, 64, 64, 5))
    for training in (False, True):
        expected = _torch_vgg(disc, x, training)  # before Keras updates its moving statistics
        actual = keras.ops.convert_to_numpy(disc(x, training=training))
        np.testing.assert_allclose(actual, expected, atol=1e-5, err_msg=f"training={training}")
