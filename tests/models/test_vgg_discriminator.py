import pytest

from keras_fasrgan.models import VGGDiscriminator
from network_checks import assert_keras_round_trip
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
