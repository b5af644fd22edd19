"""Official optimiser presets and the MultiStepDecay schedule."""

import keras
import numpy as np
import pytest

from keras_fasrgan.optimizers import MultiStepDecay
from keras_fasrgan.optimizers import official_iterations
from keras_fasrgan.optimizers import official_optimizer
from keras_fasrgan.optimizers import official_schedule


def _lr(schedule, step):
    return float(keras.ops.convert_to_numpy(schedule(step)))


@pytest.mark.multi_backend
def test_multistep_decay_halves_at_milestones_like_multisteplr():
    s = MultiStepDecay(1e-4, [50_000, 100_000, 200_000, 300_000])
    # PyTorch MultiStepLR semantics: the rate used for step index i (0-based).
    expected = lambda i: 1e-4 * 0.5 ** sum(i >= m for m in (50_000, 100_000, 200_000, 300_000))  # noqa: E731
    for step in (0, 49_999, 50_000, 99_999, 100_000, 250_000, 300_000, 499_999):
        np.testing.assert_allclose(_lr(s, step), expected(step), rtol=1e-6)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(s))
    assert clone.get_config() == s.get_config()
    with pytest.raises(ValueError):
        MultiStepDecay(1e-4, [10, 5])


@pytest.mark.multi_backend
def test_official_presets():
    assert official_schedule("fasrgan").milestones == [50_000, 100_000, 200_000, 300_000]
    assert official_schedule("FA+Fs-SRGAN").initial_learning_rate == 2.5e-5
    psnr = official_schedule("psnr")
    assert psnr.initial_learning_rate == 2e-4
    assert psnr.milestones == [50_000, 100_000, 200_000, 600_000, 800_000, 1_000_000]
    assert official_iterations("fs_srgan") == 500_000
    assert official_schedule("fs_srgan_psnr").get_config() == psnr.get_config()
    opt = official_optimizer("esrgan")
    assert (opt.beta_1, opt.beta_2, opt.epsilon) == (0.9, 0.999, 1e-8)
    assert isinstance(opt._learning_rate, MultiStepDecay)
    with pytest.raises(ValueError, match="Unknown recipe"):
        official_schedule("srgan")
