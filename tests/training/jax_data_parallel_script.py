"""Run by test_jax_data_parallel.py in a subprocess: JAX with two host devices.

Trains a tiny SRModel and a tiny FASRGAN for two steps on one device and again under
`keras.distribution.DataParallel` over two devices, from the same initial weights and data;
prints one JSON line with the results.
"""

import json
import os

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_fasrgan.models import RRDBNet  # noqa: E402
from keras_fasrgan.models import UNetDiscriminator  # noqa: E402
from keras_fasrgan.trainers import FASRGAN  # noqa: E402
from keras_fasrgan.trainers import SRModel  # noqa: E402

TINY = dict(scale=4, num_blocks=1, filters=8, growth_channels=4)


def sr_run(initial):
    model = SRModel(RRDBNet(**TINY))
    model.generator.set_weights(initial)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    model.fit(LR, HR, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return [np.asarray(w) for w in model.generator.get_weights()]


def gan_run(initial_g, initial_d):
    gan = FASRGAN(RRDBNet(**TINY), UNetDiscriminator(input_size=32), perceptual_loss=None)
    gan.generator.set_weights(initial_g)
    gan.discriminator.set_weights(initial_d)
    gan.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01))
    history = gan.fit(LR, HR, batch_size=4, epochs=1, shuffle=False, verbose=0).history
    return [np.asarray(w) for w in gan.generator.get_weights()], history


rng = np.random.default_rng(0)
LR = rng.random((8, 8, 8, 3)).astype("float32")
HR = rng.random((8, 32, 32, 3)).astype("float32")
keras.utils.set_random_seed(0)
initial = RRDBNet(**TINY).get_weights()
initial_g = RRDBNet(**TINY).get_weights()
initial_d = UNetDiscriminator(input_size=32).get_weights()
single = sr_run(initial)
single_gan, _ = gan_run(initial_g, initial_d)
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
parallel = sr_run(initial)
parallel_gan, history = gan_run(initial_g, initial_d)


def max_diff(a_list, b_list):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(a_list, b_list))


print(json.dumps({
    "devices": len(jax.devices()),
    "max_diff": max_diff(single, parallel),
    "moved": max_diff(single, initial),
    "gan_max_diff": max_diff(single_gan, parallel_gan),
    "gan_moved": max_diff(single_gan, initial_g),
    "gan": {k: float(v[-1]) for k, v in history.items()},
}))
