import keras
import numpy as np
import pytest

import torch_reference as ref
from keras_fasrgan.models import UNetDiscriminator
from network_checks import assert_keras_round_trip
from network_checks import float64  # noqa: F401 - fixture
from network_checks import randomize_weights
from network_checks import trainable_count

pytestmark = pytest.mark.multi_backend


def test_official_parameter_count():
    disc = UNetDiscriminator()
    assert trainable_count(disc) == 70_473_220
    # The image head's first Dense dominates: 16 * 16 * 256 * 1024 + 1024.
    assert trainable_count(disc.get_layer("dense1")) == 67_109_888


def test_two_outputs(rng):
    disc = UNetDiscriminator(input_size=32)
    score, score_map = disc(rng.random((2, 32, 32, 3)).astype("float32"), training=False)
    assert tuple(score.shape) == (2, 1)
    assert tuple(score_map.shape) == (2, 32, 32, 3)


def test_feature_input_variant(rng):
    disc = UNetDiscriminator(in_channels=8, input_size=16)
    score, score_map = disc(rng.random((1, 16, 16, 8)).astype("float32"))
    assert tuple(score_map.shape) == (1, 16, 16, 3)


def test_decoder_concatenates_skip_first():
    disc = UNetDiscriminator(input_size=32)
    concat = disc.get_layer("up2_concat")
    inbound = concat._inbound_nodes[0].input_tensors
    assert inbound[0]._keras_history.operation.name == "down2"
    assert inbound[1]._keras_history.operation.name == "up2_resize"
    assert disc.get_layer("up2").conv1.kernel.shape[2] == 512


def test_faithful_epsilon_option():
    assert UNetDiscriminator(input_size=16).get_layer("down1").bn1.epsilon == 128.0
    plain = UNetDiscriminator(input_size=16, faithful_bn_epsilon=False)
    assert plain.get_layer("down1").bn1.epsilon == pytest.approx(1e-5)


def test_bad_input_size():
    with pytest.raises(ValueError, match="multiple of 8"):
        UNetDiscriminator(input_size=30)


def test_keras_round_trip(rng, tmp_path):
    disc = UNetDiscriminator(input_size=16, faithful_bn_epsilon=False)
    loaded = assert_keras_round_trip(disc, rng.random((2, 16, 16, 3)).astype("float32"), tmp_path)
    assert loaded.get_config()["faithful_bn_epsilon"] is False


def _double_conv(x, block, out_channels, training):
    """The official double_conv: [conv, BatchNorm, ReLU] x 2; the first BN's eps is the
    channel count (`nn.BatchNorm2d(out_ch, out_ch)`) in the released code."""
    import torch.nn.functional as F

    eps1 = float(out_channels)
    x = F.relu(ref.batch_norm(ref.conv(x, *ref.keras_kb(block.conv1)), block.bn1, eps1, training))
    return F.relu(ref.batch_norm(ref.conv(x, *ref.keras_kb(block.conv2)), block.bn2, 1e-5, training))


def _torch_unet(disc, x, training):
    import torch
    import torch.nn.functional as F

    t = ref.nchw(x)
    x1 = _double_conv(t, disc.get_layer("inc"), 64, training)
    x2 = _double_conv(F.max_pool2d(x1, 2), disc.get_layer("down1"), 128, training)
    x3 = _double_conv(F.max_pool2d(x2, 2), disc.get_layer("down2"), 256, training)
    x4 = _double_conv(F.max_pool2d(x3, 2), disc.get_layer("down3"), 256, training)
    s = F.leaky_relu(ref.linear(ref.flatten_like_keras(x4), disc.get_layer("dense1")), 0.2)
    score = ref.linear(s, disc.get_layer("score"))
    y = x4
    for name, skip, filters in (("up2", x3, 128), ("up3", x2, 64), ("up4", x1, 64)):
        y = F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=True)
        y = _double_conv(torch.cat([skip, y], 1), disc.get_layer(name), filters, training)
    score_map = ref.conv_s(y, *ref.keras_kb(disc.get_layer("score_map")), stride=1, padding=0)
    return score.detach().numpy(), ref.nhwc(score_map)


def test_matches_independent_torch_forward(rng, float64):
    disc = UNetDiscriminator(in_channels=5, input_size=32)
    randomize_weights(disc, rng)
    x = rng.random((2, 32, 32, 5))
    for training in (False, True):
        expected = _torch_unet(disc, x, training)  # before Keras updates its moving statistics
        actual = disc(x, training=training)
        for name, e, a in zip(("score", "score_map"), expected, actual):
            np.testing.assert_allclose(
                keras.ops.convert_to_numpy(a), e, atol=1e-5, err_msg=f"{name}, training={training}"
            )


def test_width_options(rng, tmp_path):
    # A lighter discriminator for small generators: base width f and the head's Dense width.
    disc = UNetDiscriminator(input_size=16, filters=8, dense_units=32, faithful_bn_epsilon=False)
    assert disc.get_layer("inc").conv1.kernel.shape[-1] == 8
    assert disc.get_layer("down3").conv2.kernel.shape[-1] == 32
    assert disc.get_layer("up2").conv1.kernel.shape[2] == 64  # skip 4f + upsampled 4f
    assert disc.get_layer("dense1").kernel.shape == (2 * 2 * 32, 32)
    loaded = assert_keras_round_trip(disc, rng.random((2, 16, 16, 3)).astype("float32"), tmp_path)
    assert loaded.get_config()["filters"] == 8 and loaded.get_config()["dense_units"] == 32
