"""Run by test_jax_data_parallel.py in a subprocess: JAX with two host devices.

From the same initial weights and data (a global batch of 4), on one device and under
`keras.distribution.DataParallel` over two devices:

- an SRModel, two steps of SGD;
- one FASRGAN iteration (SGD). JAX shards one global program, so BatchNorm statistics and
  the relativistic means cover the global batch: the reference is the one-device run. The
  one-device run with the relativistic means taken per half of the batch (as per-device means
  would be) is measured too, to show the comparison tells them apart.

Prints one JSON line.
"""

import json
import os

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

from keras_fasrgan.losses import gan as gan_losses  # noqa: E402
from keras_fasrgan.models import UNetDiscriminator  # noqa: E402
from keras_fasrgan.trainers import FASRGAN  # noqa: E402
from keras_fasrgan.trainers import SRModel  # noqa: E402

from _gan_check import HR  # noqa: E402
from _gan_check import smooth_pairs  # noqa: E402
from _gan_check import tiny_generator  # noqa: E402
from _gan_check import update_error  # noqa: E402

LR_, HR_ = smooth_pairs(8, seed=0)


def sr_run(initial):
    model = SRModel(tiny_generator())
    model.generator.set_weights(initial)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    model.fit(LR_, HR_, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return [np.asarray(w) for w in model.generator.get_weights()]


def gan(g_init, d_init):
    model = FASRGAN(tiny_generator(), UNetDiscriminator(input_size=HR), perceptual_loss=None)
    model.generator.set_weights(g_init)
    model.discriminator.set_weights(d_init)
    model.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01))
    return model


def gan_run(g_init, d_init):
    model = gan(g_init, d_init)
    history = model.fit(LR_[:4], HR_[:4], batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model, history.history


def per_half_mean(x):
    halves = ops.split(x, 2, axis=0)
    return ops.concatenate([ops.broadcast_to(ops.mean(h), ops.shape(h)) for h in halves], 0)


def max_diff(a_list, b_list):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(a_list, b_list))


keras.utils.set_random_seed(0)
initial = tiny_generator().get_weights()
g_init, d_init = tiny_generator().get_weights(), UNetDiscriminator(input_size=HR).get_weights()
single = sr_run(initial)
single_gan, _ = gan_run(g_init, d_init)
global_mean = gan_losses.batch_mean
gan_losses.batch_mean = per_half_mean
per_half_gan, _ = gan_run(g_init, d_init)
gan_losses.batch_mean = global_mean
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
parallel = sr_run(initial)
parallel_gan, history = gan_run(g_init, d_init)
keras.distribution.set_distribution(None)
initial_gan = gan(g_init, d_init)

print(json.dumps({
    "devices": len(jax.devices()),
    "sr_max_diff": max_diff(single, parallel),
    "sr_moved": max_diff(single, initial),
    "gan_update_error": update_error(parallel_gan, single_gan, initial_gan),
    "per_device_means_update_error": update_error(per_half_gan, single_gan, initial_gan),
    "iteration": int(ops.convert_to_numpy(parallel_gan.iteration)),
    "gan": {k: float(v[-1]) for k, v in history.items()},
}))
