"""Step contexts: a variable without a gradient is an error naming it, never a silent zero."""

import keras
import numpy as np
import pytest
from _trainer_testkit import pairs
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import weights_of

from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import SRModel
from keras_fasrgan.trainers.steps import check_gradients

EAGER = keras.backend.backend() == "tensorflow"


class GeneratorWithAnUnusedWeight(keras.Model):
    """A generator that owns a trainable weight its output does not depend on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = tiny_generator()
        self.unused = self.add_weight(shape=(3,), initializer="ones", name="forgotten_scale")

    def call(self, x, training=False):
        return self.net(x, training=training)


def test_check_gradients_names_every_missing_variable():
    a, b = keras.Variable(1.0, name="kept"), keras.Variable(2.0, name="lost")
    check_gradients([1.0, 2.0], [a, b])
    with pytest.raises(ValueError, match=r"no gradient for 1 variable\(s\) in this step: lost\b"):
        check_gradients([1.0, None], [a, b])


@pytest.mark.multi_backend
def test_a_weight_without_gradient_fails_the_step_naming_it():
    if keras.backend.backend() == "jax":
        pytest.skip("jax.value_and_grad returns zeros for unused inputs: nothing to tell apart")
    lr, hr = pairs(2)
    model = SRModel(GeneratorWithAnUnusedWeight(), crop_border=4)
    model.compile(optimizer=keras.optimizers.SGD(0.1), run_eagerly=EAGER)
    with pytest.raises(ValueError, match="forgotten_scale"):
        model.fit(lr, hr, batch_size=2, epochs=1, verbose=0)


@pytest.mark.multi_backend
def test_frozen_discriminator_and_batchnorm_statistics_need_no_gradient():
    """The legitimate cases: D is not in the G step's list; BN moving stats are not trainable."""
    if keras.backend.backend() == "jax":
        pytest.skip("JAX steps do not check for missing gradients (see the test above)")
    lr, hr = pairs(2)
    gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None)
    gan.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1),
                run_eagerly=EAGER)
    stats = [v for v in gan.discriminator.non_trainable_variables if "moving" in v.path]
    assert stats
    before = weights_of(stats)
    gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, weights_of(stats)))
