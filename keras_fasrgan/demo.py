"""The main job: `fasrgan demo` / `make demo`.

Starting from the shipped `demo_x4` preset (a small PSNR-oriented RRDBNet, see
`keras_fasrgan.presets`), it runs a short FASRGAN stage on the built-in training photos
(UNet discriminator with the fine-grained attention loss), evaluates both generators against
MATLAB bicubic on held-out photos they never saw (PSNR/SSIM on Y, border cropped, the paper's
protocol), and writes under the output folder:

- `fasrgan_generator.keras`: the generator after the GAN stage,
- `metrics.json` and `metrics.md`: the table printed at the end,
- `comparison.png`: LR | bicubic | PSNR model | FASRGAN | HR on a held-out photo, zoomed,
- `<photo>_x4.png`: a held-out photo upscaled by the FASRGAN generator with tiles.

Example:
>>> from keras_fasrgan.demo import run_demo
>>> report = run_demo("fasrgan-demo", gan_steps=20)  # doctest: +SKIP
"""

import json
import os
import time

import numpy as np

SCALE = 4
# Pixel weight of the demo's GAN stage when no VGG19 weights are available (see run_demo).
NO_VGG_PIXEL_WEIGHT = 1.0


def _log(message):
    print(message, flush=True)


def _vgg_weights_available():
    """Whether Keras' ImageNet VGG19 file is already cached (the demo never downloads)."""
    from keras_fasrgan.losses.perceptual import KERAS_VGG19_NOTOP_FILE

    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.exists(os.path.join(keras_home, "models", KERAS_VGG19_NOTOP_FILE))


def evaluate_generators(generators, pairs, scale=SCALE):
    """PSNR/SSIM (Y, crop `scale`) of bicubic and each generator on `{name: (lr, hr)}` pairs
    (e.g. `sample_pairs(SAMPLE_HELDOUT)`).

    Returns `{"images": {name: {model: {"psnr", "ssim"}}}, "mean": {model: {"psnr", "ssim"}}}`
    and the SR outputs `{model: {name: uint8 image}}`.
    """
    from keras_fasrgan.data import imresize
    from keras_fasrgan.inference import upscale
    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.metrics import ssim

    rows = {}
    outputs = {"bicubic": {}}
    for name, (lr, hr) in pairs.items():
        candidates = {"bicubic": imresize(lr, scale)}
        for label, model in generators.items():
            candidates[label] = upscale(model, lr, tile=128, tile_pad=16, engine="keras")
        rows[name] = {}
        for label, sr in candidates.items():
            outputs.setdefault(label, {})[name] = sr
            rows[name][label] = {
                "psnr": round(psnr(sr, hr, crop_border=scale), 3),
                "ssim": round(ssim(sr, hr, crop_border=scale), 4),
            }
    labels = list(next(iter(rows.values())))
    mean = {
        label: {
            metric: round(float(np.mean([rows[n][label][metric] for n in rows])), 4)
            for metric in ("psnr", "ssim")
        }
        for label in labels
    }
    return {"images": rows, "mean": mean}, outputs


def metrics_table(metrics):
    """The metrics as a markdown table: one row per model, PSNR / SSIM per photo and mean."""
    names = list(metrics["images"])
    header = "| model | " + " | ".join(f"{n} PSNR / SSIM" for n in names) + " | mean PSNR / SSIM |"
    lines = [header, "|" + "---|" * (len(names) + 2)]
    for label, mean in metrics["mean"].items():
        cells = [f"{metrics['images'][n][label]['psnr']:.2f} / {metrics['images'][n][label]['ssim']:.4f}" for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {mean['psnr']:.2f} / {mean['ssim']:.4f} |")
    return "\n".join(lines)


def run_demo(
    output="fasrgan-demo",
    gan_steps=100,
    batch_size=4,
    patch_size=48,
    learning_rate=1e-4,
    seed=0,
    vgg_weights="auto",
    jit_compile="auto",
    loss_weights=None,
    verbose=1,
):
    """Runs the demo end to end and returns its report (also written to `output`).

    Args:
        output: folder for the results (created).
        gan_steps: FASRGAN iterations (one D and one G update each).
        batch_size: GAN batch size.
        patch_size: HR patch size, a multiple of 8; also the UNet discriminator's input size.
        learning_rate: Adam learning rate of G and D (the paper's 1e-4).
        seed: seed of the weights of D and of the patch stream.
        vgg_weights: `"auto"` uses Keras' ImageNet VGG19 when it is in `~/.keras/models`
            (the demo never downloads) and runs without the perceptual term otherwise;
            `"imagenet"`, a path, or `None` force a choice.
        jit_compile: passed to the trainer's `compile` ("auto": XLA on TensorFlow).
        loss_weights: overrides of the paper's loss weights. Default: the paper's with the
            perceptual loss; without VGG19 weights the pixel weight becomes
            `NO_VGG_PIXEL_WEIGHT`, because the perceptual term is what anchors content and
            brightness in the paper's recipe (with only 1e-2 L1 against the adversarial terms,
            a short GAN stage drifts in brightness and loses several dB).
        verbose: Keras progress bar (1) or silence (0).
    """
    import keras

    from keras_fasrgan.data import SAMPLE_HELDOUT
    from keras_fasrgan.data import SAMPLE_TRAIN
    from keras_fasrgan.data import sample_dataset
    from keras_fasrgan.data import sample_pairs
    from keras_fasrgan.inference import upscale
    from keras_fasrgan.losses import PerceptualLoss
    from keras_fasrgan.models import FASRGAN
    from keras_fasrgan.models import UNetDiscriminator
    from keras_fasrgan.presets import load_preset
    from keras_fasrgan.presets import preset_info
    from keras_fasrgan.utils import atomic_write
    from keras_fasrgan.utils import write_image

    start = time.time()
    os.makedirs(output, exist_ok=True)
    keras.utils.set_random_seed(seed)

    _log("[1/4] Loading the demo_x4 preset (small PSNR-oriented RRDBNet; not the paper's model)")
    psnr_model = load_preset("demo_x4")
    generator = load_preset("demo_x4")
    info = preset_info("demo_x4")

    if vgg_weights == "auto":
        vgg_weights = "imagenet" if _vgg_weights_available() else None
    if vgg_weights is None:
        _log(
            "      VGG19 weights are not on this machine: the GAN stage runs without the "
            "perceptual term.\n      For the full loss put vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 "
            "in ~/.keras/models/ (or pass vgg_weights=PATH to a torchvision vgg19-dcbb9e9d.pth)."
        )
        perceptual = None
        if loss_weights is None:
            loss_weights = {"pixel": NO_VGG_PIXEL_WEIGHT}
            _log(f"      Pixel (L1) weight {NO_VGG_PIXEL_WEIGHT} replaces the missing perceptual anchor.")
    else:
        perceptual = PerceptualLoss(weights=vgg_weights)

    _log(f"[2/4] FASRGAN stage: {gan_steps} steps, batch {batch_size}, HR patches {patch_size}, "
         f"photos {', '.join(SAMPLE_TRAIN)}")
    gan = FASRGAN(
        generator,
        UNetDiscriminator(input_size=patch_size),
        perceptual_loss=perceptual,
        loss_weights=loss_weights,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.9, beta_2=0.999),
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.9, beta_2=0.999),
        jit_compile=jit_compile,
    )
    dataset = sample_dataset(SAMPLE_TRAIN, scale=SCALE, patch_size=patch_size,
                             batch_size=batch_size, seed=seed)
    history = gan.fit(dataset, steps_per_epoch=gan_steps, epochs=1, verbose=verbose)
    fasrgan_generator = gan.export_generator()

    _log(f"[3/4] Evaluating on held-out photos never trained on: {', '.join(SAMPLE_HELDOUT)}")
    models = {"demo_x4 (PSNR)": psnr_model, "FASRGAN": fasrgan_generator}
    heldout = sample_pairs(SAMPLE_HELDOUT, SCALE)
    metrics, outputs = evaluate_generators(models, heldout)

    _log("[4/4] Writing results")
    paths = {}
    paths["model"] = os.path.join(output, "fasrgan_generator.keras")
    with atomic_write(paths["model"]) as tmp:
        fasrgan_generator.save(tmp)
    table = metrics_table(metrics)
    report = {
        "preset": {"name": "demo_x4", "description": info["description"]},
        "gan_stage": {
            "steps": gan_steps,
            "batch_size": batch_size,
            "patch_size": patch_size,
            "perceptual_loss": vgg_weights if perceptual is not None else None,
            "loss_weights": dict(gan.loss_weights),
            "final_losses": {k: float(v[-1]) for k, v in history.history.items()},
        },
        "heldout": metrics,
    }
    paths["metrics"] = os.path.join(output, "metrics.json")
    with atomic_write(paths["metrics"]) as tmp:
        with open(tmp, "w") as f:
            json.dump(report, f, indent=1)
    paths["table"] = os.path.join(output, "metrics.md")
    with atomic_write(paths["table"]) as tmp:
        with open(tmp, "w") as f:
            f.write(table + "\n")
    paths["figure"] = _comparison(output, outputs, heldout, SAMPLE_HELDOUT[0])

    name = SAMPLE_HELDOUT[-1]
    photo = heldout[name][1]  # the HR photo (already a multiple of the scale)
    upscaled = upscale(fasrgan_generator, photo, tile=128, tile_pad=16, progress=bool(verbose))
    paths["upscaled"] = write_image(os.path.join(output, f"{name}_x{SCALE}.png"), upscaled)

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
    comparison_figure(
        lr,
        outputs["FASRGAN"][name],
        hr,
        bicubic=outputs["bicubic"][name],
        path=path,
    )
    return path
