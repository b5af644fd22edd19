"""ColourAnchorLoss: block means and channel means of SR against HR; config round trip."""

import keras
import numpy as np
import pytest

from keras_fasrgan.losses import ColourAnchorLoss

pytestmark = pytest.mark.multi_backend


def test_block_and_channel_means():
    # The anchor sees block means only: detail that averages out inside a block costs nothing.
    anchor = ColourAnchorLoss(factor=4, weight=3.0)
    flat = np.full((1, 8, 8, 3), 0.5, "float32")
    checker = flat + 0.1 * (np.indices((8, 8)).sum(0) % 2 * 2 - 1)[None, :, :, None]
    assert float(anchor(flat, checker.astype("float32"))) == pytest.approx(0.0, abs=1e-7)
    assert float(anchor(flat, flat + 0.1)) == pytest.approx(0.3, rel=1e-5)
    # The channel-mean term sees a colour cast of one image of the batch.
    cast = np.concatenate([flat, flat], 0)
    cast[1, ..., 0] += 0.06
    means = ColourAnchorLoss(factor=4, weight=0.0, mean_weight=10.0)
    assert float(means(np.concatenate([flat, flat], 0), cast)) == pytest.approx(0.1, rel=1e-4)
    config = ColourAnchorLoss(factor=4, weight=3.0, mean_weight=10.0).get_config()
    restored = ColourAnchorLoss.from_config(config)
    assert (restored.weight, restored.mean_weight, restored.factor) == (3.0, 10.0, 4)


def test_adds_the_perceptual_loss_and_survives_a_config_round_trip():
    flat = np.full((1, 8, 8, 3), 0.5, "float32")
    inner = ColourAnchorLoss(factor=2, weight=1.0)
    outer = ColourAnchorLoss(factor=4, weight=2.0, perceptual=inner)
    assert float(outer(flat, flat + 0.1)) == pytest.approx(0.3, rel=1e-5)  # 2 * 0.1 + 0.1
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(outer))
    assert isinstance(restored.perceptual, ColourAnchorLoss) and restored.perceptual.factor == 2
    assert float(restored(flat, flat + 0.1)) == pytest.approx(0.3, rel=1e-5)
