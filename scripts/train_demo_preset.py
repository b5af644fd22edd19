"""Trains the demo presets on the built-in photos: `demo_x4`, then its GAN stage.

This is how the weights in `keras_fasrgan/presets/` were made; anyone can rerun it (seeded)
and compare with the logs in the presets' JSON files:

    KERAS_BACKEND=tensorflow python scripts/train_demo_preset.py                # demo_x4
    KERAS_BACKEND=tensorflow python scripts/train_demo_preset.py --stage gan    # demo_fasrgan_x4

- `--stage psnr` (`demo_x4`): a small RRDBNet (nb=2, nf=32, gc=16, about 0.4M parameters)
  trained with L1 for minutes. It shows a real improvement over bicubic out of the box.
- `--stage gan` (`demo_fasrgan_x4`): the GAN stage from `demo_x4` with the package's FASRGAN
  trainer and the demo's recipe (`keras_fasrgan.demo_recipe`: a quarter-width UNet
  discriminator, the paper's adversarial/map/attention weights, a colour anchor instead of
  the VGG19 perceptual loss, EMA weights). It trades a little PSNR for more natural images
  (lower NIQE). About 40 minutes on two CPU cores; it saves a checkpoint after every evaluation
  and resumes from it when rerun with the same `--work-dir`.

Neither is the paper's model. The held-out photos (`SAMPLE_HELDOUT`) are never trained on;
the log reports, on them, Y-channel PSNR with `scale` pixels of border cropped (the paper's
protocol) and, for the GAN stage, NIQE and the colour shift (largest per-channel difference
of means against HR, in 8-bit levels).
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
from keras_fasrgan.data import sample_dataset  # noqa: E402
from keras_fasrgan.data import sample_pairs  # noqa: E402
from keras_fasrgan.data.augment import random_augment  # noqa: E402
from keras_fasrgan.data.augment import random_crop_pair  # noqa: E402
from keras_fasrgan.data.imresize import imresize  # noqa: E402
from keras_fasrgan.demo import image_metrics  # noqa: E402
from keras_fasrgan.demo_recipe import DEMO_ANCHOR_WEIGHT  # noqa: E402
from keras_fasrgan.demo_recipe import DEMO_DISCRIMINATOR  # noqa: E402
from keras_fasrgan.demo_recipe import DEMO_GAN_IMAGES  # noqa: E402
from keras_fasrgan.demo_recipe import DEMO_MEAN_WEIGHT  # noqa: E402
from keras_fasrgan.demo_recipe import build_demo_gan  # noqa: E402
from keras_fasrgan.inference import upscale  # noqa: E402
from keras_fasrgan.metrics import psnr  # noqa: E402
from keras_fasrgan.models import RRDBNet  # noqa: E402
from keras_fasrgan.presets import load_preset  # noqa: E402
from keras_fasrgan.utils import atomic_write  # noqa: E402
from keras_fasrgan.utils import from_float  # noqa: E402
from keras_fasrgan.utils import to_float  # noqa: E402

ARCH = dict(scale=4, num_blocks=2, filters=32, growth_channels=16)
HERE = os.path.dirname(os.path.abspath(__file__))
PRESET_DIR = os.path.join(HERE, os.pardir, "keras_fasrgan", "presets")
DESCRIPTIONS = {
    "demo_x4": "Small demo RRDBNet (x4, L1/PSNR-oriented) trained for minutes on scikit-image "
    "photos by scripts/train_demo_preset.py. Not the paper's model.",
    "demo_fasrgan_x4": "GAN stage of demo_x4 (FASRGAN trainer, the demo's recipe: quarter-width "
    "UNet discriminator, colour anchor instead of VGG19, EMA weights) trained {steps} steps "
    "({minutes:.0f} minutes of training, evaluations not counted, on {machine}) on "
    "scikit-image photos by scripts/train_demo_preset.py --stage gan. Not the paper's model.",
}


def machine_name():
    """The CPU's model name and the number of cores this process may use (for the logs)."""
    name = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{name}, {cores} cores"


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


def evaluate_psnr(model, heldout, scale):
    rows = {}
    for name, (lr, hr) in heldout.items():
        sr = from_float(model.predict(to_float(lr)[None], verbose=0)[0], np.uint8)
        rows[name] = {
            "psnr": round(psnr(sr, hr, crop_border=scale), 3),
            "bicubic_psnr": round(psnr(imresize(lr, scale), hr, crop_border=scale), 3),
        }
    return rows


def evaluate_gan(model, heldout, scale):
    """Per-photo PSNR/SSIM/NIQE/colour shift and their means (colour: the worst photo)."""
    rows = {name: image_metrics(upscale(model, lr, tile=128, tile_pad=16, engine="keras"), hr, scale)
            for name, (lr, hr) in heldout.items()}
    mean = {m: round(float(np.mean([r[m] for r in rows.values()])), 4) for m in ("psnr", "ssim", "niqe")}
    mean["colour_max"] = max(r["colour"] for r in rows.values())
    return {"mean": mean, "heldout": rows}


def train_psnr(args, heldout, log):
    """L1 training of a fresh RRDBNet; returns the model."""
    scale = ARCH["scale"]
    rng = np.random.default_rng(args.seed)
    pairs = list(sample_pairs(SAMPLE_TRAIN, scale).values())
    model = RRDBNet(**ARCH)
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
        [int(args.steps * 0.6), int(args.steps * 0.85)], [args.lr, args.lr / 2, args.lr / 4]
    )
    model.compile(optimizer=keras.optimizers.Adam(schedule, beta_1=0.9, beta_2=0.999),
                  loss="mean_absolute_error", jit_compile=True)
    start = time.time()
    done = 0
    while done < args.steps:
        chunk = min(args.eval_every, args.steps - done)
        lrs, hrs = batches(pairs, rng, chunk, args.batch_size, args.patch_size, scale)
        history = model.fit(lrs, hrs, batch_size=args.batch_size, epochs=1, shuffle=False, verbose=0)
        done += chunk
        metrics = evaluate_psnr(model, heldout, scale)
        gain = np.mean([m["psnr"] - m["bicubic_psnr"] for m in metrics.values()])
        entry = {"step": done, "minutes": round((time.time() - start) / 60, 2),
                 "l1": round(float(history.history["loss"][-1]), 5), "heldout": metrics,
                 "mean_gain_db": round(float(gain), 3)}
        log.append(entry)
        print(json.dumps(entry), flush=True)
    return model


def train_gan(args, heldout, log):
    """The GAN stage from `demo_x4`, resumable from `args.work_dir`; returns the EMA generator."""
    scale = ARCH["scale"]
    os.makedirs(args.work_dir, exist_ok=True)
    checkpoint = os.path.join(args.work_dir, "gan.keras")
    log_path = os.path.join(args.work_dir, "log.json")
    if os.path.exists(checkpoint) and os.path.exists(log_path):
        gan = keras.saving.load_model(checkpoint)
        with open(log_path) as f:
            log.extend(json.load(f))
        print(f"resuming from {checkpoint} at step {log[-1]['step']}", flush=True)
    else:
        gan = build_demo_gan(load_preset("demo_x4"), args.patch_size, learning_rate=args.lr,
                             ema_decay=args.ema, scale=scale)
        log.append({"step": 0, "minutes": 0.0, **evaluate_gan(gan.export_generator(), heldout, scale)})
        print(json.dumps(log[-1]), flush=True)
    done = log[-1]["step"]
    minutes = log[-1]["minutes"]
    while done < args.steps:
        chunk = min(args.eval_every, args.steps - done)
        start = time.time()
        # One seeded patch stream per chunk, so a resumed run sees the same data.
        data = sample_dataset(DEMO_GAN_IMAGES, scale=scale, patch_size=args.patch_size,
                              batch_size=args.batch_size, seed=args.seed * 100_003 + done)
        history = gan.fit(data, steps_per_epoch=chunk, epochs=1, shuffle=False, verbose=0)
        done += chunk
        minutes += (time.time() - start) / 60
        losses = {k: round(float(v[-1]), 5) for k, v in history.history.items()}
        losses["colour_anchor"] = losses.pop("perceptual")
        entry = {"step": done, "minutes": round(minutes, 2), "losses": losses,
                 **evaluate_gan(gan.export_generator(), heldout, scale)}
        log.append(entry)
        print(json.dumps(entry), flush=True)
        with atomic_write(checkpoint) as tmp:
            gan.save(tmp)
        with atomic_write(log_path) as tmp:
            with open(tmp, "w") as f:
                json.dump(log, f)
    return gan.export_generator(), gan


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", choices=("psnr", "gan"), default="psnr")
    parser.add_argument("--steps", type=int, help="default: 6000 (psnr), 2500 (gan)")
    parser.add_argument("--eval-every", type=int, help="default: 500 (psnr), 250 (gan)")
    parser.add_argument("--batch-size", type=int, help="default: 16 (psnr), 8 (gan)")
    parser.add_argument("--patch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, help="default: 1e-3 (psnr), 1e-4 (gan)")
    parser.add_argument("--ema", type=float, default=0.999, help="EMA decay of the GAN stage")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", default="runs/demo_fasrgan_x4",
                        help="checkpoint and log of the GAN stage (resumed when present)")
    parser.add_argument("--output", default=PRESET_DIR)
    parser.add_argument("--machine", default=None,
                        help="the machine named in the GAN preset's description (default: the "
                        "CPU's model name and core count)")
    args = parser.parse_args()
    gan_stage = args.stage == "gan"
    for key, psnr_default, gan_default in (("steps", 6000, 2500), ("eval_every", 500, 250),
                                           ("batch_size", 16, 8), ("lr", 1e-3, 1e-4)):
        if getattr(args, key) is None:
            setattr(args, key, gan_default if gan_stage else psnr_default)

    keras.utils.set_random_seed(args.seed)
    scale = ARCH["scale"]
    heldout = sample_pairs(SAMPLE_HELDOUT, scale)
    log = []
    name = "demo_fasrgan_x4" if gan_stage else "demo_x4"
    training = {
        "images": list(SAMPLE_TRAIN), "heldout": list(SAMPLE_HELDOUT), "steps": args.steps,
        "batch_size": args.batch_size, "patch_size": args.patch_size,
        "learning_rate": args.lr, "seed": args.seed,
    }
    if gan_stage:
        model, gan = train_gan(args, heldout, log)
        training["images"] = list(DEMO_GAN_IMAGES)
        training.update({
            "start": "demo_x4", "trainer": "FASRGAN", "recipe": "keras_fasrgan.demo_recipe",
            "discriminator": dict(DEMO_DISCRIMINATOR), "ema_decay": args.ema,
            "loss_weights": dict(gan.loss_weights),
            "loss": f"pixel L1 + colour anchor ({DEMO_ANCHOR_WEIGHT:g} x L1 of 4x4 block means "
                    f"+ {DEMO_MEAN_WEIGHT:g} x L1 of channel means; in the perceptual slot) + "
                    "RaGAN image score + score map + fine-grained attention",
        })
    else:
        model = train_psnr(args, heldout, log)
        training["loss"] = "L1"

    os.makedirs(args.output, exist_ok=True)
    weights = os.path.join(args.output, f"{name}.weights.h5")
    model.save_weights(weights)
    description = DESCRIPTIONS[name].format(steps=log[-1]["step"], minutes=log[-1]["minutes"],
                                            machine=args.machine or machine_name())
    meta = {"name": name, "description": description,
            "architecture": {"class": "RRDBNet", "config": ARCH},
            "training": training, "log": log, "final": log[-1]}
    with open(os.path.join(args.output, f"{name}.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"wrote {weights}")


if __name__ == "__main__":
    main()
