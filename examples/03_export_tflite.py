# %% [markdown]
# # Export a generator to TFLite / LiteRT for phones
#
# `keras_fasrgan.export.to_tflite` converts a generator to a `.tflite` file that uses TFLite
# builtin ops only (no Flex ops), so it runs with the plain LiteRT runtime: XNNPACK on CPUs,
# and the GPU delegates of Android and iOS. This notebook exports float32, float16 and
# dynamic-range (int8 weights) versions, checks each against Keras, and measures the PSNR that
# quantisation costs on a real photo.
#
# It needs the LiteRT runtime: the `litert` extra (`keras-fasrgan[litert]`), which the first
# cell installs on Colab.
#
# **Runtime.** A CPU is enough; the conversions take a few seconds each.
#
# **Tiny mode** (what the test suite and the docs build run): set the environment variable
# `FASRGAN_TINY=1` before the parameters cell (in Colab or Jupyter, a cell with
# `%env FASRGAN_TINY=1`), or set `TINY = True` in it. It compares on a 24x24 LR crop instead of
# 128x128.

# %%
# Parameters. FASRGAN_TINY=1 uses a tiny image (the test suite and the docs build use it).
import os

TINY = os.environ.get("FASRGAN_TINY", "0") == "1"
OUTPUT_DIR = os.environ.get("FASRGAN_OUTPUT", "fasrgan-examples")
LR_SIDE = 24 if TINY else 128  # LR crop side for the comparison
TILE = (64, 64)  # fixed (height, width) input for GPU delegates

# %%
import time

import numpy as np

from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import sample_images
from keras_fasrgan.export import make_interpreter
from keras_fasrgan.export import run_tflite
from keras_fasrgan.export import tflite_op_names
from keras_fasrgan.export import to_tflite
from keras_fasrgan.loading import load_generator
from keras_fasrgan.metrics import psnr
from keras_fasrgan.models import RRDBNet
from keras_fasrgan.presets import available_presets

# %%
if "demo_x4" in available_presets():
    model = load_generator("demo_x4")
else:
    print("demo_x4 preset not found: using an untrained RRDBNet")
    model = RRDBNet(scale=4, num_blocks=2, filters=32, growth_channels=16)

hr = sample_images(["coffee"])["coffee"]
side = LR_SIDE * 4
hr = hr[100 : 100 + side, 200 : 200 + side]
hr, lr = bicubic_lr(hr, 4)
x = (lr.astype(np.float32) / 255.0)[None]
reference = np.asarray(model.predict_on_batch(x))

# %% [markdown]
# ## Export and compare
#
# Files with a dynamic input (`input_shape=None`) take any batch, height and width: resize the
# interpreter's input before running. Each file is written atomically and never replaces an
# existing file unless `overwrite=True`.

# %%
os.makedirs(OUTPUT_DIR, exist_ok=True)
rows = []
for quantize in (None, "float16", "dynamic"):
    path = os.path.join(OUTPUT_DIR, f"generator_{quantize or 'float32'}.tflite")
    to_tflite(model, path, quantize=quantize, overwrite=True)
    interpreter = make_interpreter(path)
    run_tflite(interpreter, x)  # first call allocates
    start = time.perf_counter()
    out = run_tflite(interpreter, x)
    seconds = time.perf_counter() - start
    sr = (np.clip(out[0], 0, 1) * 255).round().astype(np.uint8)
    rows.append((quantize or "float32", os.path.getsize(path) / 1e6, seconds,
                 float(np.abs(out - reference).max()), psnr(sr, hr, crop_border=4)))
print(f"{'kind':>8} {'MB':>6} {'seconds':>8} {'max |diff|':>10} {'PSNR':>6}")
for kind, mb, seconds, diff, value in rows:
    print(f"{kind:>8} {mb:6.2f} {seconds:8.3f} {diff:10.2e} {value:6.2f}")

# %% [markdown]
# ## Fixed tile shapes for GPU delegates
#
# Mobile GPU delegates want static shapes: export with a fixed `input_shape` and feed tiles of
# exactly that size (`keras_fasrgan.inference.tile_grid` gives the tiling; see the "Export"
# page for tile-size advice).

# %%
path = os.path.join(OUTPUT_DIR, f"generator_{TILE[0]}x{TILE[1]}_fp16.tflite")
to_tflite(model, path, quantize="float16", input_shape=TILE, overwrite=True)
interpreter = make_interpreter(path)
print(interpreter.get_input_details()[0]["shape"], "->",
      interpreter.get_output_details()[0]["shape"])
print("ops:", ", ".join(tflite_op_names(path)))
