"""Where a FASRGAN training step's time goes, Keras/XLA against PyTorch, part by part.

Not a test. The step of `bench_train_step.py` (same sizes) cut into its three heavy parts,
each timed alone on both sides, interleaved, best of N (PyTorch: the better of all threads
and one thread); the Keras parts are `tf.function(jit_compile=True)` with a GradientTape, as
the trainer compiles its step:

- generator: RRDBNet forward on the LR batch and backward to its weights (L1 loss);
- perceptual: VGG19 to conv5_4 on HR and SR, backward to SR (the weights are frozen);
- discriminator: the UNet on HR and SR (training mode), backward to its weights (the D loss).

The ratio of each part says which network's kernels make the whole step slower or faster
than PyTorch's.

    python benchmarks/profile_train_step.py [--quick] [--json profile.json]
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_train_step import FULL  # noqa: E402
from bench_train_step import QUICK  # noqa: E402


def _keras_parts(nb, size, lr, hr, sr):
    import tensorflow as tf

    from keras_fasrgan import losses as L
    from keras_fasrgan.models import RRDBNet
    from keras_fasrgan.models import UNetDiscriminator

    g, d = RRDBNet(scale=4, num_blocks=nb), UNetDiscriminator(input_size=size)
    phi = L.PerceptualLoss(weights=None, preprocessing="torch")

    @tf.function(jit_compile=True)
    def generator():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.abs(g(lr, training=True) - hr))
        return tape.gradient(loss, g.trainable_variables)

    @tf.function(jit_compile=True)
    def perceptual():
        x = tf.constant(sr)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = phi(hr, x)
        return tape.gradient(loss, x)

    @tf.function(jit_compile=True)
    def discriminator():
        with tf.GradientTape() as tape:
            real_score, real_map = d(hr, training=True)
            fake_score, fake_map = d(sr, training=True)
            loss = L.discriminator_loss(real_score, fake_score, real_map, fake_map)
        return tape.gradient(loss, d.trainable_variables)

    return {"generator": generator, "perceptual": perceptual, "discriminator": discriminator}


def _torch_parts(nb, size, lr, hr, sr):
    import torch
    import torch.nn.functional as F

    from common import torch_rrdbnet
    from common import torch_unet_discriminator
    from common import torch_vgg19_features

    torch.set_flush_denormal(True)
    g, d, vgg = torch_rrdbnet(nb).train(), torch_unet_discriminator(size).train(), \
        torch_vgg19_features()
    lr, hr, sr = (torch.from_numpy(a.transpose(0, 3, 1, 2).copy()) for a in (lr, hr, sr))
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    bce = F.binary_cross_entropy_with_logits

    def generator():
        g.zero_grad()
        F.l1_loss(g(lr), hr).backward()

    def perceptual():
        x = sr.clone().requires_grad_(True)
        target = vgg((hr - mean) / std).detach()
        F.l1_loss(vgg((x - mean) / std), target).backward()

    def discriminator():
        d.zero_grad()
        (rs, rm), (fs, fm) = d(hr), d(sr)
        loss = 0.5 * (bce(rs - fs.mean(), torch.ones_like(rs)) + bce(fs - rs.mean(),
                                                                     torch.zeros_like(fs)))
        loss = loss + 0.5 * (bce(rm, torch.ones_like(rm)) + bce(fm, torch.zeros_like(fm)))
        loss.backward()

    return {"generator": generator, "perceptual": perceptual, "discriminator": discriminator}


def run(quick=False):
    import numpy as np
    import torch

    from common import interleaved_best

    s = QUICK if quick else FULL
    nb, b, size = s["num_blocks"], s["batch"], s["hr"]
    rng = np.random.default_rng(0)
    hr = rng.random((b, size, size, 3), dtype=np.float32)
    sr = rng.random((b, size, size, 3), dtype=np.float32)
    lr = hr.reshape(b, size // 4, 4, size // 4, 4, 3).mean(axis=(2, 4))
    keras_parts = _keras_parts(nb, size, lr, hr, sr)
    torch_parts = _torch_parts(nb, size, lr, hr, sr)
    compile_seconds = {}
    for name, fn in keras_parts.items():
        t = time.perf_counter()
        fn()
        compile_seconds[name] = time.perf_counter() - t

    def at(threads, fn):
        def run_at():
            torch.set_num_threads(threads)
            fn()
        return run_at

    candidates = {}
    for name in keras_parts:
        candidates[f"{name} keras"] = keras_parts[name]
        candidates[f"{name} pytorch"] = at(os.cpu_count() or 1, torch_parts[name])
        candidates[f"{name} pytorch 1 thread"] = at(1, torch_parts[name])
    times = interleaved_best(candidates, repeats=s["repeats"])
    parts = []
    for name in keras_parts:
        ref = min(times[f"{name} pytorch"], times[f"{name} pytorch 1 thread"])
        parts.append({"part": name, "keras": times[f"{name} keras"], "pytorch_best": ref,
                      "pytorch": times[f"{name} pytorch"],
                      "pytorch_1_thread": times[f"{name} pytorch 1 thread"],
                      "compile_seconds": compile_seconds[name] - times[f"{name} keras"]})
    return {"config": {k: v for k, v in s.items() if k != "repeats"}, "parts": parts}


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
