# %% [markdown]
# # Upscale a photo with keras_fasrgan
#
# Super-resolve a real photograph x4 with a pretrained generator, compare it with bicubic
# interpolation using the paper's protocol (PSNR / SSIM on the Y channel, border cropped), and
# save a side-by-side figure.
#
# The generator here is the package's built-in `demo_x4` preset, a small RRDBNet trained for
# minutes on a few photographs: it beats bicubic, but it is not the paper's model. Other
# generators (ESRGAN, Real-ESRGAN, your own) are listed on the "Model zoo" page of the docs;
# convert a checkpoint with `fasrgan convert` and pass it to `load_generator`.
#
# **Runtime.** A CPU is enough (a few seconds for the whole photo).
#
# **Tiny mode** (what the test suite and the docs build run): set the environment variable
# `FASRGAN_TINY=1` before the parameters cell (in Colab or Jupyter, a cell with
# `%env FASRGAN_TINY=1`), or set `TINY = True` in it. It upscales a 96x96 crop instead of the
# whole photo.

# %%
# Parameters. FASRGAN_TINY=1 upscales a small crop (the test suite and the docs build use it).
import os

TINY = os.environ.get("FASRGAN_TINY", "0") == "1"
OUTPUT_DIR = os.environ.get("FASRGAN_OUTPUT", "fasrgan-examples")
IMAGE = "astronaut"  # a held-out photo: the demo model never saw it
CROP = 96 if TINY else None  # HR crop side; None keeps the whole 512x512 photo
TILE = 32 if TINY else 128  # LR tile side for `upscale`

# %%
import numpy as np

from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import imresize
from keras_fasrgan.data import sample_images
from keras_fasrgan.inference import upscale
from keras_fasrgan.metrics import psnr
from keras_fasrgan.metrics import ssim

# %% [markdown]
# ## A generator
#
# `load_generator` accepts a preset name, a `.keras` file, `.weights.h5` + JSON, or an
# official PyTorch `.pth` checkpoint. If the preset is not installed, an untrained RRDBNet
# stands in so the notebook still runs end to end (its output is not meaningful).

# %%
from keras_fasrgan.loading import load_generator
from keras_fasrgan.models import RRDBNet
from keras_fasrgan.presets import available_presets

if "demo_x4" in available_presets():
    model = load_generator("demo_x4")
else:
    print("demo_x4 preset not found: using an untrained RRDBNet")
    model = RRDBNet(scale=4, num_blocks=2, filters=32, growth_channels=16)
print(model.name, f"{model.count_params():,} parameters")

# %% [markdown]
# ## A low-resolution input
#
# The benchmark LR of a photo is MATLAB's bicubic x1/4 of the HR image (`bicubic_lr`).

# %%
hr = sample_images([IMAGE])[IMAGE]
if CROP:
    hr = hr[100 : 100 + CROP, 180 : 180 + CROP]
hr, lr = bicubic_lr(hr, 4)
print("LR", lr.shape, "-> HR", hr.shape)

# %% [markdown]
# ## Upscale
#
# `upscale` takes any size, uint8/uint16/float, gray/RGB/RGBA, cuts tiles with real context
# around them, and runs them on the engine that `engine="auto"` picks for this machine (the
# Keras model or its TFLite conversion: see "Engines" on the docs' "Inference" page).

# %%
sr = upscale(model, lr, tile=TILE)
bicubic = imresize(lr, 4)
for name, image in (("bicubic", bicubic), ("keras_fasrgan", sr)):
    print(f"{name:>14}: PSNR {psnr(image, hr, crop_border=4):.2f} dB, "
          f"SSIM {ssim(image, hr, crop_border=4):.4f}")

# %%
from PIL import Image

from keras_fasrgan.utils import write_image
from keras_fasrgan.visualize import comparison_figure

os.makedirs(OUTPUT_DIR, exist_ok=True)
write_image(os.path.join(OUTPUT_DIR, f"{IMAGE}_x4.png"), sr)
path = os.path.join(OUTPUT_DIR, f"{IMAGE}_compare.png")
comparison_figure(lr, sr, hr, bicubic=bicubic, path=path)  # LR | bicubic | SR | HR, zoomed
print("wrote", OUTPUT_DIR)
Image.open(path)  # the saved figure (a notebook shows it)
