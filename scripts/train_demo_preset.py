"""Trains the `demo_x4` preset: a small PSNR-oriented RRDBNet on the built-in photos.

This is how the weights in `keras_fasrgan/presets/demo_x4.weights.h5` were made; anyone can
rerun it (seeded) and compare with the log in `demo_x4.json`:

    KERAS_BACKEND=tensorflow python scripts/train_demo_preset.py

It is a small demo model (RRDBNet nb=2, nf=32, gc=16, about 0.2M parameters, L1 loss) trained
for minutes on a few scikit-image photographs, NOT the paper's model. It exists so that the demo
and `fasrgan upscale --model demo_x4` show a real improvement over bicubic out of the box. The
held-out photos (`SAMPLE_HELDOUT`) are never trained on; the log reports Y-channel PSNR on them
against MATLAB bicubic, with `scale` pixels of border cropped (the paper's protocol).
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_fasrgan.data import SAMPLE_HELDOUT  # noqa: E402
from keras_fasrgan.data import SAMPLE_TRAIN  # noqa: E402
from keras_fasrgan.data.augment import random_augment  # noqa: E402
from keras_fasrgan.data.augment import random_crop_pair  # noqa: E402
from keras_fasrgan.data.imresize import bicubic_lr  # noqa: E402
from keras_fasrgan.data.imresize import imresize  # noqa: E402
from keras_fasrgan.data.samples import sample_images  # noqa: E402
from keras_fasrgan.metrics import psnr  # noqa: E402
from keras_fasrgan.models import RRDBNet  # noqa: E402
from keras_fasrgan.utils import from_float  # noqa: E402
from keras_fasrgan.utils import to_float  # noqa: E402

ARCH = dict(scale=4, num_blocks=2, filters=32, growth_channels=16)
HERE = os.path.dirname(os.path.abspath(__file__))
PRESET_DIR = os.path.join(HERE, os.pardir, "keras_fasrgan", "presets")


def training_pairs(scale):
    """(lr, hr) pairs of the built-in color photos of `SAMPLE_TRAIN`."""
    images = sample_images(SAMPLE_TRAIN).values()
    return [tuple(reversed(bicubic_lr(image, scale))) for image in images]


def batches(pairs, rng, steps, batch_size, patch_size, scale):
    """`steps` batches of aligned random patches, drawn up front (small arrays)."""
    lr_size = patch_size // scale
    lrs = np.empty((steps * batch_size, lr_size, lr_size, 3), np.float32)
    hrs = np.empty((steps * batch_size, patch_size, patch_size, 3), np.float32)
    for i in range(steps * batch_size):
        lr, hr = pairs[rng.integers(len(pairs))]
        lr, hr = random_crop_pair(lr, hr, patch_size, scale, seed=int(rng.integers(2**31)))
        lr, hr = random_augment(lr, hr, seed=int(rng.integers(2**31)))
        lrs[i], hrs[i] = to_float(lr), to_float(hr)
    return lrs, hrs


def evaluate(model, scale):
    rows = {}
    for name, image in sample_images(SAMPLE_HELDOUT).items():
        hr, lr = bicubic_lr(image, scale)
        sr = model.predict(to_float(lr)[None], verbose=0)[0]
        sr = from_float(sr, np.uint8)
        bicubic = imresize(lr, scale)
        rows[name] = {
            "psnr": round(psnr(sr, hr, crop_border=scale), 3),
            "bicubic_psnr": round(psnr(bicubic, hr, crop_border=scale), 3),
        }
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--patch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=PRESET_DIR)
    args = parser.parse_args()

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    scale = ARCH["scale"]
    pairs = training_pairs(scale)
    model = RRDBNet(**ARCH)
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
        [int(args.steps * 0.6), int(args.steps * 0.85)], [args.lr, args.lr / 2, args.lr / 4]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, beta_1=0.9, beta_2=0.999),
        loss="mean_absolute_error",
        jit_compile=True,
    )
    log = []
    start = time.time()
    done = 0
    while done < args.steps:
        chunk = min(args.eval_every, args.steps - done)
        lrs, hrs = batches(pairs, rng, chunk, args.batch_size, args.patch_size, scale)
        history = model.fit(lrs, hrs, batch_size=args.batch_size, epochs=1, shuffle=False, verbose=0)
        done += chunk
        metrics = evaluate(model, scale)
        entry = {
            "step": done,
            "minutes": round((time.time() - start) / 60, 2),
            "l1": round(float(history.history["loss"][-1]), 5),
            "heldout": metrics,
            "mean_gain_db": round(
                float(np.mean([m["psnr"] - m["bicubic_psnr"] for m in metrics.values()])), 3
            ),
        }
        log.append(entry)
        print(json.dumps(entry), flush=True)

    os.makedirs(args.output, exist_ok=True)
    weights = os.path.join(args.output, "demo_x4.weights.h5")
    model.save_weights(weights)
    meta = {
        "name": "demo_x4",
        "description": "Small demo RRDBNet (x4, L1/PSNR-oriented) trained for minutes on "
        "scikit-image photos by scripts/train_demo_preset.py. Not the paper's model.",
        "architecture": {"class": "RRDBNet", "config": ARCH},
        "training": {
            "images": list(SAMPLE_TRAIN),
            "heldout": list(SAMPLE_HELDOUT),
            "steps": args.steps,
            "batch_size": args.batch_size,
            "patch_size": args.patch_size,
            "learning_rate": args.lr,
            "seed": args.seed,
            "loss": "L1",
        },
        "log": log,
        "final": log[-1],
    }
    with open(os.path.join(args.output, "demo_x4.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"wrote {weights}")


if __name__ == "__main__":
    main()
