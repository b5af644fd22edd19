import math

import keras
import numpy as np
import pytest

import torch_reference as ref
from keras_fasrgan.models import RRDBNet
from network_checks import assert_keras_round_trip

pytestmark = pytest.mark.multi_backend

TINY = dict(num_blocks=1, filters=8, growth_channels=4)


def test_official_parameter_counts():
    assert RRDBNet().count_params() == 16_697_987
    # Fs-SRGAN's G head on 64-channel E features.
    assert RRDBNet(num_blocks=16, in_channels=64).count_params() == 11_697_155


@pytest.mark.parametrize("scale", [2, 3, 4, 8])
def test_output_shape_for_every_scale(rng, scale):
    model = RRDBNet(scale=scale, **TINY)
    out = model(rng.random((2, 5, 7, 3)).astype("float32"))
    assert tuple(out.shape) == (2, 5 * scale, 7 * scale, 3)


def test_unsupported_scale():
    with pytest.raises(ValueError, match="scale"):
        RRDBNet(scale=5, **TINY)
    with pytest.raises(ValueError, match="scale 1 with pixel-unshuffle 4"):
        RRDBNet(scale=1, **TINY)


@pytest.mark.parametrize("scale, factor, upsamplers", [(2, 1, 1), (2, 2, 2), (1, 4, 2)])
def test_pixel_unshuffle_choice_is_explicit(rng, tmp_path, scale, factor, upsamplers):
    # x2 stays ESRGAN's one-step x2; Real-ESRGAN x2 / x1 unshuffle by 2 / 4 then upsample x4.
    model = RRDBNet(scale=scale, pixel_unshuffle=factor, **TINY)
    names = {layer.name for layer in model.layers}
    assert sum(name.startswith("conv_up") for name in names) == upsamplers
    assert ("pixel_unshuffle" in names) == (factor > 1)
    assert model.get_layer("conv_first").kernel.shape[2] == 3 * factor * factor
    assert model.get_config()["pixel_unshuffle"] == factor
    x = rng.random((1, 8, 12, 3)).astype("float32")
    assert tuple(model(x).shape) == (1, 8 * scale, 12 * scale, 3)
    assert_keras_round_trip(model, x, tmp_path)


def test_layer_names_follow_esrgan():
    names = {layer.name for layer in RRDBNet(scale=4, **TINY).layers}
    for name in ("conv_first", "rrdb_0", "conv_body", "conv_up1", "conv_up2", "conv_hr", "conv_last"):
        assert name in names


def test_generator_init_is_kaiming_times_0_1():
    model = RRDBNet(scale=2, num_blocks=2, filters=64, growth_channels=32)
    kernel = keras.ops.convert_to_numpy(model.get_layer("conv_body").kernel)
    assert kernel.std() == pytest.approx(0.1 * math.sqrt(2 / (9 * 64)), rel=0.05)
    assert not np.any(keras.ops.convert_to_numpy(model.get_layer("conv_body").bias))


def test_matches_independent_torch_forward(rng):
    import torch.nn.functional as F

    model = RRDBNet(scale=4, num_blocks=2, filters=8, growth_channels=4)
    for w in model.weights:
        w.assign(rng.normal(0, 0.1, w.shape).astype("float32"))
    x = rng.random((1, 6, 5, 3)).astype("float32")

    def kb(name):
        layer = model.get_layer(name)
        return keras.ops.convert_to_numpy(layer.kernel), keras.ops.convert_to_numpy(layer.bias)

    t = ref.nchw(x)
    fea = ref.conv(t, *kb("conv_first"))
    trunk = fea
    for i in range(2):
        trunk = ref.rrdb(trunk, ref.keras_rrdb_weights(model.get_layer(f"rrdb_{i}")))
    h = fea + ref.conv(trunk, *kb("conv_body"))
    for name in ("conv_up1", "conv_up2"):
        h = F.leaky_relu(ref.conv(F.interpolate(h, scale_factor=2, mode="nearest"), *kb(name)), 0.2)
    h = ref.conv(F.leaky_relu(ref.conv(h, *kb("conv_hr")), 0.2), *kb("conv_last"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)), ref.nhwc(h), atol=1e-5)


def test_keras_round_trip(rng, tmp_path):
    model = RRDBNet(scale=3, **TINY)
    assert_keras_round_trip(model, rng.random((1, 6, 6, 3)).astype("float32"), tmp_path)


def test_config_lists_constructor_arguments():
    config = RRDBNet(scale=2, num_blocks=1, filters=8, growth_channels=4, in_channels=5).get_config()
    assert {k: config[k] for k in ("scale", "num_blocks", "filters", "growth_channels", "in_channels")} == {
        "scale": 2, "num_blocks": 1, "filters": 8, "growth_channels": 4, "in_channels": 5
    }
