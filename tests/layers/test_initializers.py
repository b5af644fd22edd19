import math

import keras
import numpy as np
import pytest

from keras_fasrgan.layers import KaimingNormal

pytestmark = pytest.mark.multi_backend


@pytest.mark.parametrize("scale", [0.1, 1.0])
def test_kaiming_normal_std_is_fan_in_scaled(scale):
    shape = (3, 3, 64, 256)
    values = keras.ops.convert_to_numpy(KaimingNormal(scale, seed=1)(shape))
    expected = scale * math.sqrt(2.0 / (3 * 3 * 64))
    assert values.std() == pytest.approx(expected, rel=0.03)
    assert abs(values.mean()) < expected * 0.03
    # Not truncated: values beyond two standard deviations exist (a truncated normal has none).
    assert (np.abs(values) > 2.5 * expected).any()


def test_config_round_trip():
    init = KaimingNormal(0.1, seed=3)
    assert KaimingNormal.from_config(init.get_config()).get_config() == {"scale": 0.1, "seed": 3}
