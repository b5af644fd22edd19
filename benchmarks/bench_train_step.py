"""One FASRGAN training iteration (G step + D step) against a PyTorch reference.

Not a test. Both sides: G = RRDBNet, D = the UNet discriminator (image score + score map),
phi = VGG19 to conv5_4 (before ReLU, frozen; random weights: speed does not depend on them),
Adam for G and D; the G loss is L1 + perceptual + RaGAN + score map + attention, then the D
step on the detached SR, D called separately on HR and SR (the official order).
Keras: `FASRGAN.train_on_batch` with `jit_compile=True` (TensorFlow + XLA). PyTorch: eager,
written from the official code. Interleaved, best of N; XLA compile time reported apart. Run
twice, each in its own process: with XLA's defaults, and with
`XLA_FLAGS=--xla_cpu_use_onednn=true` (XLA then hands its convolutions and matmuls to oneDNN).

    python benchmarks/bench_train_step.py [--quick] [--json results.json]
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"num_blocks": 4, "batch": 4, "hr": 128, "repeats": 3}
QUICK = {"num_blocks": 1, "batch": 2, "hr": 64, "repeats": 2}


def torch_step_fn(num_blocks, hr_size, lr, hr):
    import torch
    import torch.nn.functional as F

    from common import torch_rrdbnet
    from common import torch_unet_discriminator
    from common import torch_vgg19_features

    torch.set_flush_denormal(True)
    G = torch_rrdbnet(num_blocks)
    D = torch_unet_discriminator(hr_size)
    vgg = torch_vgg19_features()
    opt_g = torch.optim.Adam(G.parameters(), 1e-4, betas=(0.9, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 1e-4, betas=(0.9, 0.999))
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    lr = torch.from_numpy(lr.transpose(0, 3, 1, 2).copy())
    hr = torch.from_numpy(hr.transpose(0, 3, 1, 2).copy())
    bce = F.binary_cross_entropy_with_logits

    def phi(x):
        return vgg((x - mean) / std)

    def step(threads=os.cpu_count() or 1):
        torch.set_num_threads(threads)
        G.train()
        D.train()
        # G step, D frozen.
        for p in D.parameters():
            p.requires_grad_(False)
        opt_g.zero_grad()
        sr = G(lr)
        l_pix = 1e-2 * F.l1_loss(sr, hr)
        l_per = 1.0 * F.l1_loss(phi(sr), phi(hr).detach())
        fake_c, fake_m = D(sr)
        real_c, real_m = D(hr)
        real_c, real_m = real_c.detach(), real_m.detach()
        l_adv = 5e-3 * 0.5 * (bce(real_c - fake_c.mean(), torch.zeros_like(real_c))
                              + bce(fake_c - real_c.mean(), torch.ones_like(fake_c)))
        l_map = 5e-3 * 0.5 * (bce(real_m, torch.zeros_like(real_m))
                              + bce(fake_m, torch.ones_like(fake_m)))
        l_att = 5e-2 * torch.mean((sr - hr).abs() * (1 - torch.sigmoid(fake_m)).detach())
        (l_pix + l_per + l_adv + l_map + l_att).backward()
        opt_g.step()
        # D step on the detached SR.
        for p in D.parameters():
            p.requires_grad_(True)
        opt_d.zero_grad()
        real_c, real_m = D(hr)
        fake_c, fake_m = D(sr.detach())
        l_d = 0.5 * (bce(real_c - fake_c.mean(), torch.ones_like(real_c))
                     + bce(fake_c - real_c.mean(), torch.zeros_like(fake_c)))
        l_d = l_d + 0.5 * (bce(real_m, torch.ones_like(real_m))
                           + bce(fake_m, torch.zeros_like(fake_m)))
        l_d.backward()
        opt_d.step()

    return step


def keras_gan(num_blocks, hr_size, jit_compile=True):
    from keras_fasrgan.losses import PerceptualLoss
    from keras_fasrgan.models import RRDBNet
    from keras_fasrgan.models import UNetDiscriminator
    from keras_fasrgan.trainers import FASRGAN

    gan = FASRGAN(RRDBNet(scale=4, num_blocks=num_blocks), UNetDiscriminator(input_size=hr_size),
                  perceptual_loss=PerceptualLoss(weights=None, preprocessing="torch"))
    gan.compile(jit_compile=jit_compile)
    return gan


# XLA's CPU backend runs convolutions with its own (Eigen) kernels unless told to use oneDNN.
VARIANTS = {"default": "", "xla_onednn": "--xla_cpu_use_onednn=true"}


def measure(num_blocks, batch, hr_size, repeats):
    """The Keras XLA step against the PyTorch step, in this process."""
    import numpy as np

    from common import interleaved_best

    rng = np.random.default_rng(0)
    hr = rng.random((batch, hr_size, hr_size, 3)).astype(np.float32)
    lr = hr.reshape(batch, hr_size // 4, 4, hr_size // 4, 4, 3).mean(axis=(2, 4))
    gan = keras_gan(num_blocks, hr_size)
    t = time.perf_counter()
    gan.train_on_batch(lr, hr)  # traces and XLA-compiles the step
    compile_seconds = time.perf_counter() - t
    torch_step = torch_step_fn(num_blocks, hr_size, lr, hr)
    times = interleaved_best({
        "pytorch_eager": torch_step,
        "pytorch_eager_1_thread": lambda: torch_step(1),
        "keras_tf_xla": lambda: gan.train_on_batch(lr, hr),
    }, repeats=repeats)
    times["pytorch_best"] = min(times["pytorch_eager"], times["pytorch_eager_1_thread"])
    return {"seconds": times, "keras_compile_seconds": compile_seconds}


def run(quick=False):
    """Each variant of XLA_FLAGS in its own process (the flags are read once per process)."""
    import json
    import subprocess

    s = QUICK if quick else FULL
    args = [str(s[k]) for k in ("num_blocks", "batch", "hr", "repeats")]
    variants = {}
    for name, flags in VARIANTS.items():
        env = dict(os.environ, XLA_FLAGS=(os.environ.get("XLA_FLAGS", "") + " " + flags).strip())
        proc = subprocess.run([sys.executable, __file__, "--worker", *args], env=env,
                              capture_output=True, text=True, check=False)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        variants[name] = (json.loads(lines[-1]) if lines and not proc.returncode
                          else {"error": proc.stderr[-1500:]})
        variants[name]["xla_flags"] = flags
    if "error" in variants["default"]:
        raise RuntimeError(variants["default"]["error"])
    return {"config": {k: v for k, v in s.items() if k != "repeats"}, **variants["default"],
            "variants": variants}


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0], worker=measure)


if __name__ == "__main__":
    sys.exit(main())
