# %% [markdown]
# # Train FASRGAN on DIV2K
#
# FASRGAN's recipe (Yan et al., 2022): an RRDBNet generator, a UNet discriminator that gives
# one score per image and one per pixel, and the fine-grained attention loss that weights the
# L1 loss by how fake each pixel looks to the discriminator. Training is `model.fit` on a
# `tf.data` pipeline of `(lr, hr)` patches.
#
# With `FASRGAN_TINY=1` this notebook builds a tiny DIV2K-layout folder from the package's
# built-in photos, uses tiny networks, random VGG19 weights and two steps, so it runs in
# seconds on a CPU. Without it, point `DIV2K_ROOT` at your DIV2K download (the folder holding
# `DIV2K_train_HR/`) and use a GPU.

# %%
# Parameters.
import os

TINY = os.environ.get("FASRGAN_TINY", "0") == "1"
OUTPUT_DIR = os.environ.get("FASRGAN_OUTPUT", "fasrgan-examples")
DIV2K_ROOT = os.environ.get("DIV2K_ROOT", "")  # empty: a tiny folder of built-in photos
if TINY:
    NUM_BLOCKS, FILTERS, GROWTH = 1, 8, 4  # tiny RRDBNet
    PATCH, BATCH = 32, 2  # HR patch side, batch size
    STEPS_PER_EPOCH, EPOCHS = 2, 1
    VGG_WEIGHTS = None  # random VGG19: no download
    JIT_COMPILE = False  # XLA compiling costs more than two tiny steps
else:
    NUM_BLOCKS, FILTERS, GROWTH = 23, 64, 32  # the paper's generator
    PATCH, BATCH = 128, 16  # the paper's HR 128, batch 16
    STEPS_PER_EPOCH, EPOCHS = 1000, 500  # 500k iterations
    VGG_WEIGHTS = "imagenet"  # or torchvision's vgg19-dcbb9e9d.pth for the official loss
    JIT_COMPILE = "auto"  # XLA on TensorFlow (one device) and JAX: faster steps

# %%
import keras

from keras_fasrgan.data import div2k
from keras_fasrgan.data import write_sample_folder
from keras_fasrgan.losses import PerceptualLoss
from keras_fasrgan.models import FASRGAN
from keras_fasrgan.models import RRDBNet
from keras_fasrgan.models import UNetDiscriminator

# %% [markdown]
# ## Data
#
# `div2k(root)` reads `DIV2K_train_HR/` (and `DIV2K_train_LR_bicubic/X4/` when present;
# otherwise it makes the LR images once with MATLAB-exact bicubic and caches them), cuts random
# aligned patches, flips and transposes them, and streams batches. Here a DIV2K-layout folder
# is written from the built-in photos when no DIV2K is given.

# %%
if not DIV2K_ROOT:
    DIV2K_ROOT = os.path.join(OUTPUT_DIR, "tiny_div2k")
    write_sample_folder(DIV2K_ROOT, layout="div2k", split="train")
train = div2k(DIV2K_ROOT, "train", scale=4, patch_size=PATCH, batch_size=BATCH, seed=0)
lr, hr = next(iter(train))
print("LR batch", lr.shape, "HR batch", hr.shape)

# %% [markdown]
# ## Networks and trainer
#
# The paper initialises G from a PSNR-oriented RRDBNet (L1 only: `SRModel`), or from a
# converted official checkpoint: `gan.load_pretrained_generator("RRDB_PSNR_x4.pth")`.

# %%
generator = RRDBNet(scale=4, num_blocks=NUM_BLOCKS, filters=FILTERS, growth_channels=GROWTH)
discriminator = UNetDiscriminator(input_size=PATCH)
gan = FASRGAN(generator, discriminator, perceptual_loss=PerceptualLoss(weights=VGG_WEIGHTS))
# Adam(1e-4, betas 0.9/0.999) for G and D; halve the learning rate at 50k/100k/200k/300k with
# keras.optimizers.schedules.PiecewiseConstantDecay for the full recipe.
gan.compile(
    g_optimizer=keras.optimizers.Adam(1e-4),
    d_optimizer=keras.optimizers.Adam(1e-4),
    jit_compile=JIT_COMPILE,
)

# %%
history = gan.fit(train, steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS, verbose=2)
print({name: round(float(values[-1]), 4) for name, values in history.history.items()})

# %% [markdown]
# ## Save the generator
#
# `export_generator()` returns a standalone RRDBNet (with EMA weights when `ema_decay` is set),
# ready for `upscale`, `fasrgan upscale --model` or TFLite export.

# %%
os.makedirs(OUTPUT_DIR, exist_ok=True)
path = os.path.join(OUTPUT_DIR, "fasrgan_generator.keras")
gan.export_generator().save(path)
print("saved", path)
