"""The main job: `fasrgan demo` / `make demo`.

It shows what a FASRGAN stage is for: it trades a little PSNR for realism. Starting from the
shipped `demo_fasrgan_x4` preset (the GAN stage of `scripts/train_demo_preset.py`, 2500 steps
from the PSNR-oriented `demo_x4` preset, half an hour of CPU), it fine-tunes briefly with the
package's FASRGAN trainer on the built-in training photos (UNet discriminator with score map,
fine-grained attention loss; the demo's recipe is `keras_fasrgan.demo_recipe`), then
evaluates bicubic, `demo_x4`, the preset and the fine-tuned generator on held-out photos of
several kinds that no model trained on: PSNR/SSIM (Y channel, border cropped: the paper's
protocol), NIQE (no-reference, lower is more natural) and the colour shift (largest
per-channel difference of means against HR, in 8-bit levels). It writes under the output
folder:

- `fasrgan_generator.keras`: the generator after the GAN stage,
- `metrics.json` and `metrics.md`: the tables printed at the end,
- `comparison.png`: LR | bicubic | demo_x4 | FASRGAN | HR on a held-out photo, zoomed,
- `<photo>_x4.png`: a held-out photo upscaled by the FASRGAN generator with tiles.

Examples:
    >>> from keras_fasrgan.demo import run_demo
    >>> report = run_demo("fasrgan-demo", gan_steps=20)  # doctest: +SKIP
"""

import json
import os
import time

import numpy as np

SCALE = 4
PSNR_PRESET = "demo_x4"
GAN_PRESET = "demo_fasrgan_x4"
FIGURE_PHOTO = "coffee"
# The first 40% of the fine-tuning steps train only the (fresh) discriminator.
D_WARMUP_FRACTION = 0.4
METRICS = ("psnr", "ssim", "niqe", "colour")


def _log(message):
    print(message, flush=True)


def _vgg_weights_available():
    """Whether Keras' ImageNet VGG19 file is already cached (the demo never downloads)."""
    from keras_fasrgan.losses.perceptual import KERAS_VGG19_NOTOP_FILE

    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.exists(os.path.join(keras_home, "models", KERAS_VGG19_NOTOP_FILE))


def colour_shift(sr, hr):
    """Largest per-channel difference between the means of `sr` and `hr`, in 8-bit levels.

    Examples:
        >>> hr = np.zeros((4, 4, 3), np.uint8)
        >>> colour_shift(hr + np.array([0, 3, 1], np.uint8), hr)
        3.0
    """
    sr = np.asarray(sr, np.float64).reshape(-1, np.shape(sr)[-1])
    hr = np.asarray(hr, np.float64).reshape(-1, np.shape(hr)[-1])
    return float(np.max(np.abs(sr.mean(0) - hr.mean(0))))


def _niqe(image, scale):
    """NIQE with `scale` pixels cropped, or None for an image smaller than one NIQE block."""
    from keras_fasrgan.metrics import niqe
    from keras_fasrgan.metrics.niqe import BLOCK_SIZE

    if min(np.shape(image)[:2]) - 2 * scale < BLOCK_SIZE:
        return None
    return round(niqe(image, crop_border=scale), 3)


def image_metrics(sr, hr, scale=SCALE):
    """PSNR/SSIM (Y, crop `scale`), NIQE of `sr` (crop `scale`; None when the image is smaller
    than NIQE's 96-pixel block) and its colour shift."""
    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.metrics import ssim

    return {
        "psnr": round(psnr(sr, hr, crop_border=scale), 3),
        "ssim": round(ssim(sr, hr, crop_border=scale), 4),
        "niqe": _niqe(sr, scale),
        "colour": round(colour_shift(sr, hr), 2),
    }


def evaluate_generators(generators, pairs, scale=SCALE):
    """Metrics of bicubic and each generator on `{name: (lr, hr)}` pairs (e.g.
    `sample_pairs(SAMPLE_HELDOUT)`), with HR's own NIQE as the natural reference.

    Returns `{"images": {name: {model: metrics}}, "mean": {model: metrics}}` (the mean's
    `colour` is the worst photo's) and the SR outputs `{model: {name: uint8 image}}`.
    Metrics: `psnr`, `ssim`, `niqe`, `colour` (see `image_metrics`).
    """
    from keras_fasrgan.data import imresize
    from keras_fasrgan.inference import upscale

    rows = {}
    outputs = {"bicubic": {}}
    for name, (lr, hr) in pairs.items():
        candidates = {"bicubic": imresize(lr, scale)}
        for label, model in generators.items():
            candidates[label] = upscale(model, lr, tile=128, tile_pad=16, engine="keras")
        rows[name] = {"HR": {"niqe": _niqe(hr, scale)}}
        for label, sr in candidates.items():
            outputs.setdefault(label, {})[name] = sr
            rows[name][label] = image_metrics(sr, hr, scale)
    mean = {}
    for label in next(iter(rows.values())):
        values = [rows[n][label] for n in rows]
        mean[label] = {m: _mean(m, [v[m] for v in values]) for m in METRICS if m in values[0]}
    return {"images": rows, "mean": mean}, outputs


def _mean(metric, values):
    """The mean of a metric over photos (the worst for `colour`), None where none has it."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return round(float((np.max if metric == "colour" else np.mean)(values)), 4)


def _cell(value, digits):
    return "-" if value is None else f"{value:.{digits}f}"


def metrics_table(metrics, kinds=None):
    """Markdown: the mean table (one row per model) and a per-photo table of PSNR / NIQE."""
    names = list(metrics["images"])
    lines = [
        f"Mean over {len(names)} held-out photos (colour shift: worst photo, 8-bit levels; "
        "NIQE: lower is more natural)",
        "",
        "| model | PSNR (dB) | SSIM | NIQE | colour shift |",
        "|---|---|---|---|---|",
    ]
    for label, m in metrics["mean"].items():
        lines.append(f"| {label} | {_cell(m.get('psnr'), 2)} | {_cell(m.get('ssim'), 4)} | "
                     f"{_cell(m.get('niqe'), 2)} | {_cell(m.get('colour'), 2)} |")
    labels = [label for label in metrics["mean"] if label != "HR"]
    lines += ["", "PSNR (dB) / NIQE per photo", "",
              "| photo | " + " | ".join(labels) + " | HR NIQE |",
              "|" + "---|" * (len(labels) + 2)]
    for name in names:
        row = metrics["images"][name]
        title = f"{name} ({kinds[name]})" if kinds and name in kinds else name
        cells = [f"{row[label]['psnr']:.2f} / {row[label]['niqe']:.2f}" for label in labels]
        lines.append(f"| {title} | " + " | ".join(cells) + f" | {row['HR']['niqe']:.2f} |")
    return "\n".join(lines)


def summary(metrics, base, model, colour_bound=2.0):
    """One paragraph comparing `model` with `base` in `metrics` (from `evaluate_generators`):
    NIQE and PSNR of the means, and the worst colour shift against `colour_bound` levels.

    Examples:
        >>> m = {"mean": {"a": {"psnr": 30.0, "niqe": 8.0, "colour": 0.5},
        ...               "b": {"psnr": 29.0, "niqe": 7.5, "colour": 1.2}}}
        >>> print(summary(m, "a", "b"))
        b against a: NIQE 7.50 against 8.00 (more natural), PSNR -1.00 dB; colours within 1.20 levels of HR on every photo (bound 2).
    """
    a, b = metrics["mean"][base], metrics["mean"][model]
    if a["niqe"] is None or b["niqe"] is None:
        naturalness = "NIQE n/a (photos smaller than its 96-pixel blocks)"
    else:
        better = "more natural" if b["niqe"] < a["niqe"] else "not more natural"
        naturalness = f"NIQE {b['niqe']:.2f} against {a['niqe']:.2f} ({better})"
    colours = (f"colours within {b['colour']:.2f} levels of HR on every photo"
               if b["colour"] <= colour_bound else
               f"colours shifted by up to {b['colour']:.2f} levels")
    return (f"{model} against {base}: {naturalness}, "
            f"PSNR {b['psnr'] - a['psnr']:+.2f} dB; {colours} (bound {colour_bound:g}).")


def run_demo(
    output="fasrgan-demo",
    gan_steps=100,
    batch_size=8,
    patch_size=64,
    learning_rate=5e-5,
    d_learning_rate=1e-4,
    seed=0,
    vgg_weights="auto",
    jit_compile="auto",
    heldout=None,
    verbose=1,
):
    """Runs the demo end to end and returns its report (also written to `output`).

    Args:
        output: folder for the results (created).
        gan_steps: FASRGAN iterations of the fine-tuning: the first `D_WARMUP_FRACTION` train
            only the fresh discriminator (the preset ships the generator only), then one D
            and one G update each. The exported generator is the EMA of G's weights (decay
            `DEMO_EMA_DECAY`, as the preset), so a brief fine-tuning moves it little.
        batch_size: GAN batch size.
        patch_size: HR patch size, a multiple of 8; also the discriminator's input size.
        learning_rate: Adam learning rate of G.
        d_learning_rate: Adam learning rate of D.
        seed: seed of the discriminator's weights and of the patch stream.
        vgg_weights: `"auto"` adds Keras' ImageNet VGG19 perceptual loss when its file is in
            `~/.keras/models` (the demo never downloads); `"imagenet"`, a path, or `None`
            force a choice. The colour anchor is always there (see `demo_recipe`).
        jit_compile: passed to the trainer's `compile` ("auto": XLA on TensorFlow).
        heldout: held-out photo names (default `SAMPLE_HELDOUT`).
        verbose: Keras progress bar (1) or silence (0).
    """
    import keras

    from keras_fasrgan.data import SAMPLE_HELDOUT
    from keras_fasrgan.data import SAMPLE_KINDS
    from keras_fasrgan.data import sample_dataset
    from keras_fasrgan.data import sample_pairs
    from keras_fasrgan.demo_recipe import DEMO_GAN_IMAGES
    from keras_fasrgan.demo_recipe import build_demo_gan
    from keras_fasrgan.inference import upscale
    from keras_fasrgan.losses import PerceptualLoss
    from keras_fasrgan.presets import load_preset
    from keras_fasrgan.presets import preset_info
    from keras_fasrgan.utils import atomic_write
    from keras_fasrgan.utils import write_image

    start = time.time()
    heldout = tuple(SAMPLE_HELDOUT if heldout is None else heldout)
    os.makedirs(output, exist_ok=True)
    keras.utils.set_random_seed(seed)

    _log(f"[1/4] Loading the presets {PSNR_PRESET} (PSNR-oriented) and {GAN_PRESET} (its GAN "
         "stage); small demo models, not the paper's")
    psnr_model = load_preset(PSNR_PRESET)
    gan_preset = load_preset(GAN_PRESET)
    generator = load_preset(GAN_PRESET)
    info = preset_info(GAN_PRESET)

    if vgg_weights == "auto":
        vgg_weights = "imagenet" if _vgg_weights_available() else None
    perceptual = None if vgg_weights is None else PerceptualLoss(weights=vgg_weights)
    _log("      Demo recipe (keras_fasrgan.demo_recipe, not the paper's): UNet discriminator at "
         "a quarter width, the\n      paper's adversarial/map/attention weights, a colour anchor "
         "(L1 of 4x4 block and channel means) in the perceptual slot"
         + (" plus VGG19" if perceptual is not None else
            ";\n      no VGG19 term (to add it: fasrgan demo --vgg-weights PATH, or put "
            "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 in ~/.keras/models/)"))

    warmup = int(D_WARMUP_FRACTION * gan_steps)
    _log(f"[2/4] FASRGAN fine-tuning from {GAN_PRESET}: {gan_steps} steps ({warmup} of them "
         f"discriminator only), batch {batch_size}, HR patches {patch_size}, photos "
         f"{', '.join(DEMO_GAN_IMAGES)}")
    gan = build_demo_gan(generator, patch_size, learning_rate=learning_rate,
                         d_learning_rate=d_learning_rate, d_init_iters=warmup,
                         perceptual=perceptual, jit_compile=jit_compile, scale=SCALE)
    dataset = sample_dataset(DEMO_GAN_IMAGES, scale=SCALE, patch_size=patch_size,
                             batch_size=batch_size, seed=seed)
    history = gan.fit(dataset, steps_per_epoch=gan_steps, epochs=1, shuffle=False, verbose=verbose)
    fasrgan_generator = gan.export_generator()

    _log(f"[3/4] Evaluating on held-out photos no model trained on: {', '.join(heldout)}")
    models = {f"{PSNR_PRESET} (PSNR)": psnr_model, f"{GAN_PRESET} (preset)": gan_preset,
              "FASRGAN (demo)": fasrgan_generator}
    pairs = sample_pairs(heldout, SCALE)
    metrics, outputs = evaluate_generators(models, pairs)

    _log("[4/4] Writing results")
    paths = {"model": os.path.join(output, "fasrgan_generator.keras")}
    with atomic_write(paths["model"]) as tmp:
        fasrgan_generator.save(tmp)
    table = metrics_table(metrics, SAMPLE_KINDS) + "\n\n" + summary(
        metrics, f"{PSNR_PRESET} (PSNR)", "FASRGAN (demo)")
    final = {k: float(v[-1]) for k, v in history.history.items()}
    final["colour_anchor"] = final.pop("perceptual")  # the slot holds the anchor (+ VGG19)
    report = {
        "presets": {PSNR_PRESET: preset_info(PSNR_PRESET)["description"],
                    GAN_PRESET: info["description"]},
        "gan_stage": {
            "start": GAN_PRESET,
            "steps": gan_steps,
            "discriminator_only_steps": warmup,
            "batch_size": batch_size,
            "patch_size": patch_size,
            "learning_rate": learning_rate,
            "d_learning_rate": d_learning_rate,
            "ema_decay": gan.ema_decay,
            "recipe": "keras_fasrgan.demo_recipe",
            "perceptual_loss": "colour anchor" + ("" if perceptual is None else f" + VGG19 ({vgg_weights})"),
            "loss_weights": dict(gan.loss_weights),
            "final_losses": final,
        },
        "heldout": metrics,
        "kinds": {n: SAMPLE_KINDS.get(n, "") for n in heldout},
    }
    paths["metrics"] = os.path.join(output, "metrics.json")
    with atomic_write(paths["metrics"]) as tmp:
        with open(tmp, "w") as f:
            json.dump(report, f, indent=1)
    paths["table"] = os.path.join(output, "metrics.md")
    with atomic_write(paths["table"]) as tmp:
        with open(tmp, "w") as f:
            f.write(table + "\n")
    figure_photo = FIGURE_PHOTO if FIGURE_PHOTO in pairs else heldout[0]
    paths["figure"] = _comparison(output, outputs, pairs, figure_photo)

    photo = pairs[figure_photo][1]  # the HR photo (already a multiple of the scale)
    upscaled = upscale(fasrgan_generator, photo, tile=128, tile_pad=16, progress=bool(verbose))
    paths["upscaled"] = write_image(os.path.join(output, f"{figure_photo}_x{SCALE}.png"), upscaled)

    report["paths"] = paths
    report["seconds"] = round(time.time() - start, 1)
    _log("")
    _log(table)
    _log("")
    _log(f"Done in {report['seconds']:.0f} s. Results in {os.path.abspath(output)}/:")
    for key, path in paths.items():
        _log(f"  {key:9s} {path}")
    return report


def _comparison(output, outputs, pairs, name):
    from keras_fasrgan.visualize import comparison_figure

    lr, hr = pairs[name]
    path = os.path.join(output, "comparison.png")
    psnr_label = f"{PSNR_PRESET} (PSNR)"
    comparison_figure(lr, outputs["FASRGAN (demo)"][name], hr, bicubic=outputs["bicubic"][name],
                      others={psnr_label: outputs[psnr_label][name]}, sr_label="FASRGAN (demo)",
                      path=path)
    return path
