"""Run by test_mirrored.py in its own process: two logical CPU devices, MirroredStrategy.

Prints one JSON line `RESULT {...}`:

- `sr`: an SRModel trained mirrored (global batch 4 = 2 + 2) against one device;
- `gan`: one FASRGAN iteration mirrored, with distinct data on each replica, against the
  explicit one-device computation of `nn.DataParallel` semantics: D called on each
  replica's half of the batch separately (BatchNorm statistics per half), the losses over
  the whole batch (global relativistic means, `loss_spec` on the concatenated scores). The
  same reference with the relativistic means taken per half (what per-replica means would
  give) is measured too, to show that the comparison tells the two apart;
- `train`: `train()` under the strategy against `train()` on one device, same config (the
  global batch of 4 photo patches).
"""

import json
import os
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
from keras import ops  # noqa: E402

from keras_fasrgan.models import UNetDiscriminator  # noqa: E402
from keras_fasrgan.trainers import FASRGAN  # noqa: E402
from keras_fasrgan.trainers import SRModel  # noqa: E402
from keras_fasrgan.trainers.loss_terms import StepTensors  # noqa: E402

from _gan_check import HR  # noqa: E402
from _gan_check import smooth_pairs as data  # noqa: E402
from _gan_check import tiny_generator  # noqa: E402
from _gan_check import update_error  # noqa: E402
from _run_python import write_photos  # noqa: E402

BATCH = 4  # global batch: 2 per replica


def rel_diff(a_list, b_list):
    worst = 0.0
    for a, b in zip(a_list, b_list):
        scale = max(float(np.max(np.abs(b))), 1e-6)
        worst = max(worst, float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) / scale)
    return worst


def fit(model, lr, hr):
    ds = tf.data.Dataset.from_tensor_slices((lr, hr)).batch(BATCH, drop_remainder=True)
    model.fit(ds, epochs=1, verbose=0, shuffle=False)
    return model


def sr_case(mirrored, init):
    def build():
        g = tiny_generator()
        g.set_weights(init)
        m = SRModel(g)
        m.compile(optimizer=keras.optimizers.SGD(0.1), jit_compile=False)
        return m

    lr, hr = data(2 * BATCH, seed=1)
    single = fit(build(), lr, hr)
    with mirrored.scope():
        multi = build()
    fit(multi, lr, hr)
    return {
        "rel_diff": rel_diff(multi.generator.get_weights(), single.generator.get_weights()),
        "moved": max(float(np.max(np.abs(a - b))) for a, b in zip(init, single.generator.get_weights())),
    }


def build_gan(g_init, d_init):
    g = tiny_generator()
    g.set_weights(g_init)
    d = UNetDiscriminator(input_size=HR)
    d.set_weights(d_init)
    gan = FASRGAN(g, d, perceptual_loss=None)
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01),
        jit_compile=False,
    )
    return gan


def reference_iteration(gan, lr, hr, global_means):
    """One FASRGAN iteration on one device with the semantics of 2-GPU `nn.DataParallel`
    (`global_means=False`: the relativistic means per half instead)."""
    halves = [slice(0, BATCH // 2), slice(BATCH // 2, BATCH)]
    lr, hr = ops.convert_to_tensor(lr), ops.convert_to_tensor(hr)

    def scores(images):
        # D on each replica's half separately: BatchNorm statistics per half.
        return [gan.discriminate(images[h], training=True) for h in halves]

    def joined(per_half):
        return tuple(ops.concatenate([p[i] for p in per_half], 0) for i in range(2))

    def g_loss(fake, real, sr, hr):
        tensors = StepTensors(sr, hr, real[0], fake[0], real[1], fake[1], None)
        return gan.loss_spec.generator_loss(tensors)[0]

    def d_loss(real, fake):
        return gan.loss_spec.discriminator_loss(real[0], fake[0], real[1], fake[1])

    with tf.GradientTape() as tape:
        sr = gan.generate(lr, training=True)
        fake, real = scores(sr), scores(hr)  # the official order: D(SR), then D(HR)
        if global_means:
            loss = g_loss(joined(fake), joined(real), sr, hr)
        else:
            loss = sum(g_loss(fake[k], real[k], sr[h], hr[h]) for k, h in enumerate(halves)) / 2
    gan.g_optimizer.apply(tape.gradient(loss, gan.g_variables), gan.g_variables)
    sr = ops.stop_gradient(sr)
    with tf.GradientTape() as tape:
        real, fake = scores(hr), scores(sr)
        if global_means:
            loss = d_loss(joined(real), joined(fake))
        else:
            loss = sum(d_loss(real[k], fake[k]) for k in range(2)) / 2
    gan.d_optimizer.apply(tape.gradient(loss, gan.d_variables), gan.d_variables)
    return gan


def gan_case(mirrored, g_init, d_init):
    # Both computations without XLA (Keras turns it off under tf.distribute): the untrained
    # UNet D has large, cancellation-heavy gradients, so even the summation order shows.
    lr, hr = data(BATCH, seed=2)
    with mirrored.scope():
        multi = build_gan(g_init, d_init)
    fit(multi, lr, hr)
    reference = reference_iteration(build_gan(g_init, d_init), lr, hr, global_means=True)
    per_half = reference_iteration(build_gan(g_init, d_init), lr, hr, global_means=False)
    initial = build_gan(g_init, d_init)
    return {
        "update_error": update_error(multi, reference, initial),
        "per_replica_means_update_error": update_error(per_half, reference, initial),
        "iteration": int(multi.iteration.numpy()),
        "finite": bool(all(np.isfinite(w).all() for w in multi.get_weights())),
    }


def train_case(mirrored):
    from keras_fasrgan.training import train

    folder = tempfile.mkdtemp()
    photos = write_photos(os.path.join(folder, "photos"), size=40, seed=3)
    overrides = {"generator.num_blocks": 1, "generator.filters": 8,
                 "generator.growth_channels": 4, "batch_size": BATCH, "patch_size": HR,
                 "checkpoint_every": 2, "validate_every": 2}
    weights = []
    for name, strategy in (("single", None), ("mirrored", mirrored)):
        result = train("psnr_x4", photos, os.path.join(folder, name), steps=2,
                       overrides=overrides, strategy=strategy, jit_compile=False,
                       cache_dir=os.path.join(folder, "cache"), tensorboard=False, verbose=0)
        weights.append(result["trainer"].generator.get_weights())
    return {"rel_diff": rel_diff(weights[1], weights[0]), "iteration": result["iteration"]}


def main():
    keras.utils.set_random_seed(0)
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    g_init = tiny_generator().get_weights()
    d_init = UNetDiscriminator(input_size=HR).get_weights()
    result = {
        "replicas": mirrored.num_replicas_in_sync,
        "sr": sr_case(mirrored, g_init),
        "gan": gan_case(mirrored, g_init, d_init),
        "train": train_case(mirrored),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
