import math

import keras
import numpy as np
import pytest

import torch_reference as ref
from keras_fasrgan.models import FeatureExtractor
from keras_fasrgan.models import RRDBNet
from network_checks import assert_keras_round_trip

pytestmark = pytest.mark.multi_backend


def test_official_parameter_count():
    assert FeatureExtractor(num_blocks=1).count_params() == 758_144


def test_shapes_and_generator_head(rng):
    extractor = FeatureExtractor(num_blocks=1, filters=8, growth_channels=4)
    head = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4, in_channels=8)
    x = rng.random((2, 6, 6, 3)).astype("float32")
    features = extractor(x)
    assert tuple(features.shape) == (2, 6, 6, 8)
    assert tuple(head(features).shape) == (2, 24, 24, 3)


def test_matches_independent_torch_forward(rng):
    extractor = FeatureExtractor(num_blocks=2, filters=8, growth_channels=4)
    for w in extractor.weights:
        w.assign(rng.normal(0, 0.1, w.shape).astype("float32"))
    x = rng.random((1, 5, 6, 3)).astype("float32")

    def kb(name):
        layer = extractor.get_layer(name)
        return keras.ops.convert_to_numpy(layer.kernel), keras.ops.convert_to_numpy(layer.bias)

    fea = ref.conv(ref.nchw(x), *kb("conv_first"))
    trunk = fea
    for i in range(2):
        trunk = ref.rrdb(trunk, ref.keras_rrdb_weights(extractor.get_layer(f"rrdb_{i}")))
    expected = fea + ref.conv(trunk, *kb("conv_body"))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(extractor(x)), ref.nhwc(expected), atol=1e-5
    )


def test_init_is_kaiming_normal_times_1_as_define_e():
    """The official `define_E` initialises E at scale 1 (the generator's 0.1 is `define_G`'s)."""
    extractor = FeatureExtractor(num_blocks=1, filters=64, growth_channels=32)
    for name, fan_in in (("conv_first", 9 * 3), ("conv_body", 9 * 64)):
        kernel = keras.ops.convert_to_numpy(extractor.get_layer(name).kernel)
        assert kernel.std() == pytest.approx(math.sqrt(2 / fan_in), rel=0.1), name
    rdb = extractor.get_layer("rrdb_0").rdb1.convs[0]
    assert keras.ops.convert_to_numpy(rdb.kernel).std() == pytest.approx(math.sqrt(2 / (9 * 64)), rel=0.1)
    scaled = FeatureExtractor(num_blocks=1, filters=64, growth_channels=32, init_scale=0.1)
    kernel = keras.ops.convert_to_numpy(scaled.get_layer("conv_body").kernel)
    assert kernel.std() == pytest.approx(0.1 * math.sqrt(2 / (9 * 64)), rel=0.1)


def test_keras_round_trip(rng, tmp_path):
    extractor = FeatureExtractor(num_blocks=1, filters=8, growth_channels=4, init_scale=0.5)
    assert extractor.get_config()["init_scale"] == 0.5
    assert_keras_round_trip(extractor, rng.random((1, 5, 5, 3)).astype("float32"), tmp_path)
