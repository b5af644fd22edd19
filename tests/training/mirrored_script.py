"""Run by test_mirrored.py in its own process: two logical CPU devices, MirroredStrategy.

Prints one JSON line `RESULT {...}` with the max relative weight differences between a
mirrored run and its single-device reference.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402

from keras_fasrgan.models import RRDBNet  # noqa: E402
from keras_fasrgan.models import UNetDiscriminator  # noqa: E402
from keras_fasrgan.trainers import FASRGAN  # noqa: E402
from keras_fasrgan.trainers import SRModel  # noqa: E402

STEPS = 2
GAN_STEPS = 1
HR = 32


def tiny_generator():
    return RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)


def data(global_batch, duplicate_halves=False, seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    n = steps * global_batch // (2 if duplicate_halves else 1)
    hr = rng.random((n, HR, HR, 3), dtype=np.float32)
    lr = hr.reshape(n, HR // 4, 4, HR // 4, 4, 3).mean(axis=(2, 4))
    if duplicate_halves:
        # Every global batch is [a, b, a, b]: each replica gets the same [a, b].
        half = global_batch // 2
        lr = lr.reshape(steps, half, *lr.shape[1:])
        hr = hr.reshape(steps, half, *hr.shape[1:])
        lr = np.concatenate([lr, lr], axis=1).reshape(2 * n, *lr.shape[2:])
        hr = np.concatenate([hr, hr], axis=1).reshape(2 * n, *hr.shape[2:])
    return lr, hr


def rel_diff(a_list, b_list):
    worst = 0.0
    for a, b in zip(a_list, b_list):
        scale = max(float(np.max(np.abs(b))), 1e-6)
        worst = max(worst, float(np.max(np.abs(a - b))) / scale)
    return worst


def moved(before, after):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(before, after))


def fit(build, strategy, lr, hr, batch):
    with strategy.scope():
        model = build()
    ds = tf.data.Dataset.from_tensor_slices((lr, hr)).batch(batch, drop_remainder=True)
    model.fit(ds, epochs=1, verbose=0, shuffle=False)
    return model


def sr_case(mirrored, init):
    def build():
        g = tiny_generator()
        g.set_weights(init)
        m = SRModel(g)
        m.compile(optimizer=keras.optimizers.SGD(0.1), jit_compile=False)
        return m

    lr, hr = data(4)
    single = fit(build, tf.distribute.get_strategy(), lr, hr, 4)
    multi = fit(build, mirrored, lr, hr, 4)
    return {
        "sr_rel_diff": rel_diff(multi.generator.get_weights(), single.generator.get_weights()),
        "sr_moved": moved(init, single.generator.get_weights()),
    }


def gan_case(mirrored, g_init, d_init, duplicate):
    def build():
        g = tiny_generator()
        g.set_weights(g_init)
        d = UNetDiscriminator(input_size=HR)
        d.set_weights(d_init)
        m = FASRGAN(g, d, perceptual_loss=None)
        m.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01), jit_compile=False)
        return m

    # One iteration (a G step then a D step). The untrained UNet D gets very large,
    # cancellation-heavy gradients on random images (BatchNorm betas ~1e5), so even the
    # summation order matters: both runs are compiled without XLA (Keras turns XLA off under
    # tf.distribute; with XLA on one device, D differs by ~1% after one step).
    lr, hr = data(4, duplicate_halves=duplicate, steps=GAN_STEPS)
    multi = fit(build, mirrored, lr, hr, 4)
    if duplicate:
        # Reference: one device, the first half of every global batch (what each replica saw).
        lr1 = lr.reshape(GAN_STEPS, 4, *lr.shape[1:])[:, :2].reshape(-1, *lr.shape[1:])
        hr1 = hr.reshape(GAN_STEPS, 4, *hr.shape[1:])[:, :2].reshape(-1, *hr.shape[1:])
        single = fit(build, tf.distribute.get_strategy(), lr1, hr1, 2)
    else:
        single = fit(build, tf.distribute.get_strategy(), lr, hr, 4)
    return {
        "g": rel_diff(multi.generator.get_weights(), single.generator.get_weights()),
        "d": rel_diff(multi.discriminator.get_weights(), single.discriminator.get_weights()),
        "g_moved": moved(g_init, single.generator.get_weights()),
        "d_moved": moved(d_init, single.discriminator.get_weights()),
        "iteration": int(multi.iteration.numpy()),
        "finite": bool(all(np.isfinite(w).all() for w in multi.get_weights())),
    }


def main():
    keras.utils.set_random_seed(0)
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    result = {"replicas": mirrored.num_replicas_in_sync}
    g_init = tiny_generator().get_weights()
    d_init = UNetDiscriminator(input_size=HR).get_weights()
    result.update(sr_case(mirrored, g_init))
    result["gan_duplicate"] = gan_case(mirrored, g_init, d_init, duplicate=True)
    if "--distinct" in sys.argv:
        result["gan_distinct"] = gan_case(mirrored, g_init, d_init, duplicate=False)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
