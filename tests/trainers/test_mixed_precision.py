"""Mixed precision: the trainers train under mixed_bfloat16 and mixed_float16 (TensorFlow).

Variables and losses stay float32; under mixed_float16 each optimizer (G and D) gets its own
dynamic loss scale. Float16 GAN steps on a CPU take minutes (the loss scale first falls from
2^15 by skipping overflowing steps, and CPU float16 kernels are slow), so those run where a
GPU is present; the float16 PSNR stage runs on the CPU too.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from _trainer_testkit import changed
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import tiny_vgg
from _trainer_testkit import weights_of

from keras_fasrgan.trainers import ESRGAN
from keras_fasrgan.trainers import FAFsSRGAN
from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import FsSRGAN
from keras_fasrgan.trainers import SRModel

HAS_GPU = bool(tf.config.list_physical_devices("GPU"))
TRAINERS = {
    "SRModel": lambda: SRModel(tiny_generator()),
    "ESRGAN": lambda: ESRGAN(tiny_generator(), tiny_vgg(), perceptual_loss=None),
    "FASRGAN": lambda: FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None),
    "FsSRGAN": lambda: FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None),
    "FAFsSRGAN": lambda: FAFsSRGAN(
        tiny_extractor(), tiny_generator(8), tiny_unet(8), perceptual_loss=None
    ),
}


@pytest.fixture
def policy(request):
    keras.config.set_dtype_policy(request.param)
    yield request.param
    keras.config.set_dtype_policy("float32")


def _fit_and_check(model, steps, eager):
    lr, hr = pairs(2 * steps)
    model.compile(run_eagerly=eager)
    before = weights_of(model.trainable_variables)
    history = model.fit(lr, hr, batch_size=2, epochs=1, verbose=0).history
    assert history and all(np.isfinite(v[-1]) for v in history.values()), history
    moved = changed(before, model.trainable_variables)
    assert sum(moved) > 0.9 * len(moved)
    assert {v.dtype for v in model.variables} <= {"float32", "int32"}
    assert model.generator.compute_dtype == keras.config.dtype_policy().compute_dtype
    return history


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
@pytest.mark.parametrize("name", ["SRModel", "FASRGAN", "FsSRGAN"])
def test_bfloat16_trains_with_float32_variables_and_losses(policy, name):
    model = TRAINERS[name]()
    _fit_and_check(model, steps=2, eager=True)
    sr = model.generate(pairs(1)[0])
    assert sr.dtype == "float32"  # networks compute in bfloat16, losses see float32


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_gives_each_optimizer_its_own_loss_scale(policy):
    gan = TRAINERS["FASRGAN"]()
    user_scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(), initial_scale=8.0)
    gan.compile(d_optimizer=user_scaled)
    assert type(gan.optimizer).__name__ == "OptimizerGroup"  # not wrapped as a whole
    g, d = gan.g_optimizer, gan.d_optimizer
    assert isinstance(g, keras.optimizers.LossScaleOptimizer) and d is user_scaled
    assert float(g.scale_loss(1.0)) == 2.0**15 and float(d.scale_loss(1.0)) == 8.0


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_psnr_stage_trains(policy):
    model = TRAINERS["SRModel"]()
    _fit_and_check(model, steps=2, eager=not HAS_GPU)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)


@pytest.mark.skipif(not HAS_GPU, reason="no GPU: float16 GAN steps take minutes on a CPU")
@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
@pytest.mark.parametrize("name", ["ESRGAN", "FASRGAN", "FsSRGAN", "FAFsSRGAN"])
def test_float16_gans_train_on_gpu(policy, name):
    # 20 steps: enough for the dynamic loss scale to settle below the overflow level.
    _fit_and_check(TRAINERS[name](), steps=20, eager=False)
