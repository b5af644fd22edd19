# %% [markdown]
# # Train FASRGAN: the PSNR stage, then the fine-grained attention GAN
#
# FASRGAN (Yan et al., IEEE TMM 2022) trains in two stages, as ESRGAN does:
#
# 1. a **PSNR stage**: the RRDBNet generator alone, with the L1 loss (`SRModel`);
# 2. the **FASRGAN stage**, started from that generator. Its UNet discriminator D gives one
#    score per image *and a score map* M: one logit per pixel, "real" where high. The
#    generator's loss adds to ESRGAN's (pixel, perceptual, relativistic adversarial) a
#    per-pixel adversarial term and the **fine-grained attention** loss
#    `mean(|SR - HR| * (1 - sigmoid(M(SR))))`: the L1 error counts fully where D finds a
#    pixel fake, and little where D is fooled.
#
# This notebook runs both stages with the paper's optimizer (Adam, betas 0.9/0.999, the
# learning rate halved at 50k, 100k, 200k and 300k iterations), compares LR, bicubic, both
# stages and HR on a photo neither stage trained on, and then looks at what the paper is
# about: D's score map on that photo and the attention weights `1 - sigmoid(M(SR))` it hands
# the generator.
#
# **Data.** Without DIV2K it fine-tunes on the package's built-in photos
# (`keras_fasrgan.data.SAMPLE_TRAIN`, from scikit-image and Matplotlib) and shows the results
# on the held-out ones (`SAMPLE_HELDOUT`). With DIV2K, set `DIV2K_ROOT` to the folder that
# holds `DIV2K_train_HR/`.
#
# **Starting point.** The PSNR stage starts from the shipped `demo_x4` preset (a small RRDBNet,
# nb=2, nf=32, already trained for 6000 L1 steps on the built-in photos) and continues it for
# `PSNR_STEPS` L1 steps; set `PRETRAINED` to a converted PSNR checkpoint (for example ESRGAN's
# `RRDB_PSNR_x4.pth`) to start from the paper's 23-block generator instead. The paper trains
# on DIV2K for about a million PSNR iterations and 500k GAN iterations: what this notebook
# trains in minutes demonstrates the method, it does not reproduce the paper's model.
#
# **Runtime.** On a CPU the defaults (200 + 200 steps on 48-pixel patches) take a few minutes.
# On Colab, choose *Runtime > Change runtime type > GPU*: the notebook then trains on the
# paper's 128-pixel patches, batch 16, for more steps.
#
# **Tiny mode** (the test suite and the docs build): set the environment variable
# `FASRGAN_TINY=1` before the parameters cell (in Colab or Jupyter, a cell with
# `%env FASRGAN_TINY=1`), or set `TINY = True` in it. Each stage then runs two steps on
# 32-pixel patches and the pictures use a 128-pixel crop of the photo: the generator stays
# what `demo_x4` is, and D's score map is that of an almost untrained network.

# %%
# Parameters. FASRGAN_TINY=1: two steps per stage (the test suite and the docs build use it).
import os

import tensorflow as tf

TINY = os.environ.get("FASRGAN_TINY", "0") == "1"
OUTPUT_DIR = os.environ.get("FASRGAN_OUTPUT", "fasrgan-examples")
DIV2K_ROOT = os.environ.get("DIV2K_ROOT", "")  # empty: the built-in photos
PRETRAINED = "demo_x4"  # a preset name, or a PSNR-stage .keras / .weights.h5 / .pth file
PHOTO = "astronaut"  # a held-out photo for the pictures
ZOOM = (336, 128, 96)  # (top, left, side) of the zoomed region of PHOTO (HR pixels): the patch
SEED = 0
GPU = bool(tf.config.list_physical_devices("GPU"))
# Steps and batch of each stage, HR patch side, (top, left, side) HR crop of PHOTO (None: all).
if TINY:
    PSNR_STEPS, PSNR_BATCH, GAN_STEPS, PATCH, BATCH, CROP = 2, 2, 2, 32, 2, (320, 112, 128)
    VGG_WEIGHTS = None  # no download
elif GPU:  # the paper's HR patch 128 and batch 16
    PSNR_STEPS, PSNR_BATCH, GAN_STEPS, PATCH, BATCH, CROP = 1000, 16, 2000, 128, 16, None
    VGG_WEIGHTS = "imagenet"  # Keras' VGG19, downloaded once (80 MB); see below
else:
    PSNR_STEPS, PSNR_BATCH, GAN_STEPS, PATCH, BATCH, CROP = 200, 16, 200, 48, 4, None
    VGG_WEIGHTS = "imagenet"
JIT_COMPILE = False if TINY else "auto"  # XLA pays off over many steps, not over two

# %%
import keras
import numpy as np
from matplotlib import pyplot as plt

from keras_fasrgan.data import SAMPLE_HELDOUT
from keras_fasrgan.data import SAMPLE_TRAIN
from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import div2k
from keras_fasrgan.data import imresize
from keras_fasrgan.data import sample_dataset
from keras_fasrgan.data import sample_images
from keras_fasrgan.inference import upscale
from keras_fasrgan.loading import load_generator
from keras_fasrgan.losses import PerceptualLoss
from keras_fasrgan.metrics import psnr
from keras_fasrgan.metrics import ssim
from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import SRModel
from keras_fasrgan.models import UNetDiscriminator
from keras_fasrgan.optimizers import official_optimizer

keras.utils.set_random_seed(SEED)
os.makedirs(OUTPUT_DIR, exist_ok=True)

# %% [markdown]
# ## Data
#
# Training batches are `(lr, hr)` pairs of aligned random patches, float32 in [0, 1], flipped
# and transposed at random; the LR of every photo is MATLAB's bicubic x1/4 of the whole HR
# image, as for the benchmarks. `sample_dataset` cuts them from the built-in training photos
# in memory; `div2k` streams them from DIV2K. The held-out photos are never in a training
# batch.

# %%
def patches(batch_size):
    """Endless (lr, hr) batches of PATCH-pixel HR patches from DIV2K or the built-in photos."""
    if DIV2K_ROOT:
        return div2k(DIV2K_ROOT, "train", scale=4, patch_size=PATCH, batch_size=batch_size, seed=SEED)
    return sample_dataset(SAMPLE_TRAIN, scale=4, patch_size=PATCH, batch_size=batch_size, seed=SEED)


if not DIV2K_ROOT:
    print("training photos:", ", ".join(SAMPLE_TRAIN))
train = patches(BATCH)
lr_batch, hr_batch = next(iter(train))
print("LR batch", tuple(lr_batch.shape), "-> HR batch", tuple(hr_batch.shape))

assert PHOTO in SAMPLE_HELDOUT, f"{PHOTO} is not held out: {SAMPLE_HELDOUT}"
heldout = {}
for name, image in sample_images([PHOTO] if TINY else SAMPLE_HELDOUT).items():
    if CROP:
        image = image[CROP[0] : CROP[0] + CROP[2], CROP[1] : CROP[1] + CROP[2]]
    hr, lr = bicubic_lr(image, 4)
    heldout[name] = (lr, hr)
print("held-out photos:", {name: hr.shape for name, (lr, hr) in heldout.items()})


def evaluate(models):
    """PSNR / SSIM (Y channel, 4-pixel border: the paper's protocol) on the held-out photos."""
    rows = {}
    for name, (lr, hr) in heldout.items():
        rows[name] = {"bicubic": imresize(lr, 4)}
        # engine="keras": the models change between stages; "auto" may convert each to TFLite.
        rows[name].update({label: upscale(m, lr, tile=128, engine="keras") for label, m in models.items()})
        print(name.ljust(10), "  ".join(
            f"{label} {psnr(sr, hr, crop_border=4):.2f} dB / {ssim(sr, hr, crop_border=4):.4f}"
            for label, sr in rows[name].items()))
    return rows


def plot_history(history, keys, title):
    """One curve per logged term over the stage's iterations, three per row."""
    rows = (len(keys) + 2) // 3
    fig, axes = plt.subplots(rows, 3, figsize=(9, 2.6 * rows), squeeze=False)
    steps = np.arange(1, len(history.history[keys[0]]) + 1) * history.params["steps"]
    for ax in axes.ravel()[len(keys):]:
        ax.axis("off")
    for ax, key in zip(axes.ravel(), keys):
        ax.plot(steps, history.history[key], marker=".")
        ax.set_title(key, fontsize=9)
        ax.set_xlabel("iteration", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


# Logs every `EVERY` iterations: each Keras epoch is EVERY steps of the endless dataset.
def epochs_of(steps):
    every = max(1, steps // 10)
    return every, max(1, steps // every)


# %% [markdown]
# ## Stage 1: PSNR (L1 only)
#
# `SRModel` minimises mean |G(LR) - HR|. `official_optimizer("psnr")` is the paper's PSNR-stage
# Adam: 2e-4, halved at 50k, 100k, 200k, 600k, 800k and 1M iterations (only the start of it
# is used here), with the paper's PSNR-stage batch of 16.

# %%
generator = load_generator(PRETRAINED)
print(PRETRAINED, f"{generator.count_params():,} parameters")
psnr_stage = SRModel(generator)
psnr_stage.compile(optimizer=official_optimizer("psnr"), jit_compile=JIT_COMPILE)
every, epochs = epochs_of(PSNR_STEPS)
psnr_history = psnr_stage.fit(patches(PSNR_BATCH), steps_per_epoch=every, epochs=epochs, verbose=2)
psnr_generator = psnr_stage.export_generator()  # a standalone copy
_ = evaluate({"PSNR stage": psnr_generator})

# %% [markdown]
# ## Stage 2: FASRGAN, from the PSNR generator
#
# The UNet discriminator's input size is the HR patch size (its image-score head is a Dense
# layer on the flattened bottleneck). One iteration, as in the authors' code: SR = G(LR); a G
# step with every generator term; then a D step on the same, detached SR. Both optimizers are
# the paper's: Adam 1e-4, betas (0.9, 0.999), halved at 50k, 100k, 200k and 300k iterations.
#
# The perceptual loss compares VGG19 features (conv5_4, before its ReLU). `"imagenet"` is
# Keras' VGG19, downloaded once to `~/.keras/models/`; the authors used torchvision's VGG19
# (`PerceptualLoss("vgg19-dcbb9e9d.pth")` loads that file for the exact loss). Without any
# VGG19 (`VGG_WEIGHTS = None`), this notebook does what `fasrgan demo` does: it drops the
# perceptual term and raises the pixel weight from the paper's 1e-2 to 1.0, because the
# perceptual term is what keeps a short GAN stage's colours and brightness anchored.

# %%
if VGG_WEIGHTS is None:
    perceptual, loss_weights = None, {"pixel": 1.0}
else:
    perceptual, loss_weights = PerceptualLoss(weights=VGG_WEIGHTS), None  # the paper's weights
gan = FASRGAN(
    psnr_stage.export_generator(),
    UNetDiscriminator(input_size=PATCH),
    perceptual_loss=perceptual,
    loss_weights=loss_weights,
)
gan.compile(
    g_optimizer=official_optimizer("fasrgan"),
    d_optimizer=official_optimizer("fasrgan"),
    jit_compile=JIT_COMPILE,
)
print("loss weights:", dict(gan.loss_weights))
every, epochs = epochs_of(GAN_STEPS)
gan_history = gan.fit(train, steps_per_epoch=every, epochs=epochs, verbose=2)
fasrgan_generator = gan.export_generator()

# %% [markdown]
# `fit` logs every term unweighted: `pixel`, `perceptual`, `adversarial` (image score), `map`
# (score map), `attention`, the total `g_loss`, D's `d_loss`, and the mean image logits D gives
# real (`real_score`) and generated (`fake_score`) patches in its step.

# %%
keys = [k for k in ("pixel", "attention", "map", "d_loss", "real_score", "fake_score")
        if k in gan_history.history]
plot_history(gan_history, keys, "FASRGAN stage")

# %% [markdown]
# ## LR, bicubic, both stages and HR on a held-out photo
#
# PSNR / SSIM on the Y channel with a 4-pixel border cropped, as in the paper's Table I. A GAN
# stage trades PSNR for sharper texture, so the FASRGAN generator is expected to score below
# the PSNR stage (by how much depends on the length of the run and on the losses): PSNR
# rewards the blurry average, which is the reason the paper's method exists.

# %%
rows = evaluate({"PSNR stage": psnr_generator, "FASRGAN": fasrgan_generator})
lr, hr = heldout[PHOTO]
sr_psnr, sr = rows[PHOTO]["PSNR stage"], rows[PHOTO]["FASRGAN"]
top, left, size = ZOOM
if CROP:  # zoom coordinates inside the crop
    top, left = top - CROP[0], left - CROP[1]
panels = {
    "LR (nearest)": np.repeat(np.repeat(lr, 4, axis=0), 4, axis=1),
    "bicubic": rows[PHOTO]["bicubic"],
    "PSNR stage": sr_psnr,
    "FASRGAN": sr,
    "HR": hr,
}
fig, axes = plt.subplots(2, len(panels), figsize=(3.0 * len(panels), 6.4))
for i, (label, image) in enumerate(panels.items()):
    title = label
    if label not in ("LR (nearest)", "HR"):
        title += f"\n{psnr(image, hr, crop_border=4):.2f} dB"
    axes[0, i].imshow(image)
    axes[0, i].add_patch(plt.Rectangle((left, top), size, size, fill=False, edgecolor="red"))
    axes[0, i].set_title(title, fontsize=9)
    axes[1, i].imshow(image[top : top + size, left : left + size], interpolation="nearest")
for ax in axes.ravel():
    ax.axis("off")
fig.tight_layout()
fig.savefig(os.path.join(OUTPUT_DIR, f"{PHOTO}_stages.png"), dpi=80)
plt.close(fig)
fig

# %% [markdown]
# ## What the discriminator sees
#
# D's score map M has the size of its input; its Dense head fixes that input to the training
# patch size, so the map of a whole photo is computed tile by tile. `sigmoid(M)` is D's
# probability that a pixel is real: it is trained towards 1 on HR and towards 0 on SR.
# The generator's attention weights are `1 - sigmoid(M(SR))`, exactly as in the loss (where
# they multiply |SR - HR| and are not differentiated): high where D still finds the output
# fake. Beside them, the error |SR - HR| that the weights multiply. Both score maps share one
# colour scale, stretched to their values (a young D stays close to 0.5 everywhere).

# %%
def score_map(discriminator, image):
    """sigmoid(M(image)) over a uint8 photo, D's input size at a time (edges cut off)."""
    t = discriminator.input_shape[1]
    h, w = image.shape[0] // t * t, image.shape[1] // t * t
    x = image[:h, :w].astype("float32") / 255.0
    tiles = x.reshape(h // t, t, w // t, t, 3).transpose(0, 2, 1, 3, 4).reshape(-1, t, t, 3)
    _, logits = discriminator.predict_on_batch(tiles)
    probs = 1.0 / (1.0 + np.exp(-np.asarray(logits, np.float64)))
    return probs.reshape(h // t, w // t, t, t, 3).transpose(0, 2, 1, 3, 4).reshape(h, w, 3)


real_hr = score_map(gan.discriminator, hr).mean(axis=-1)
real_sr = score_map(gan.discriminator, sr).mean(axis=-1)
attention = 1.0 - real_sr
h, w = real_sr.shape
error = np.abs(sr[:h, :w].astype(np.float64) - hr[:h, :w]).mean(axis=-1) / 255.0
print(f"mean sigmoid(M): HR {real_hr.mean():.3f}, SR {real_sr.mean():.3f}")
print(f"correlation of the attention weights with |SR - HR|: "
      f"{np.corrcoef(attention.ravel(), error.ravel())[0, 1]:.3f}")

low, high = np.percentile(np.concatenate([real_hr.ravel(), real_sr.ravel()]), [1, 99])
fig, axes = plt.subplots(2, 3, figsize=(10, 7))
for ax, image, title, cmap, (vmin, vmax) in (
    (axes[0, 0], hr[:h, :w], "HR", None, (None, None)),
    (axes[0, 1], real_hr, "D's score map on HR: sigmoid(M(HR))", "viridis", (low, high)),
    (axes[0, 2], error, "error |SR - HR| (mean over RGB)", "magma", (0, None)),
    (axes[1, 0], sr[:h, :w], "SR (FASRGAN)", None, (None, None)),
    (axes[1, 1], real_sr, "D's score map on SR: sigmoid(M(SR))", "viridis", (low, high)),
    (axes[1, 2], attention, "attention weights 1 - sigmoid(M(SR))", "magma", (None, None)),
):
    shown = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
    if cmap:
        fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.02)
fig.tight_layout()
fig.savefig(os.path.join(OUTPUT_DIR, f"{PHOTO}_score_map.png"), dpi=80)
plt.close(fig)
fig

# %% [markdown]
# After a few hundred iterations on a handful of photos D has only begun to learn: its map
# stays close to 0.5 and still shows the tiles it was computed on, and the weights follow the
# error only loosely (the correlation printed above). The method relies on what D learns over
# a long training (500k iterations in the paper): wherever the generator's output still
# differs from real photos, the weights rise, and the L1 error counts more there than on
# regions the generator already renders convincingly.
#
# ## Save the generator
#
# `export_generator()` returns a standalone RRDBNet (with EMA weights when `ema_decay` is set):
# it goes to `upscale`, `fasrgan upscale --model`, `fasrgan export`. `gan.save("gan.keras")`
# keeps the whole trainer (both networks and optimizers) to continue training.

# %%
path = os.path.join(OUTPUT_DIR, "fasrgan_generator.keras")
fasrgan_generator.save(path)
print("saved", path)
