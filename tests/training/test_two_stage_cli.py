"""The Fs-SRGAN recipe end to end from the command line, on a folder of photos (tiny mode).

Stage 1 pre-trains E + G with L1 (`fs_srgan_psnr_x4`), stage 2 starts the GAN (`fs_srgan_x4`)
from stage 1's `generator.keras`, and `fasrgan upscale` runs stage 2's model on a photo.
Each command is its own process, as a user runs them.
"""

import json

import numpy as np
from _run_python import run_python
from PIL import Image

from keras_fasrgan.data import sample_images
from keras_fasrgan.loading import load_generator
from keras_fasrgan.utils import read_image
from keras_fasrgan.utils import write_image

ENV = {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}


def _fasrgan(*args):
    proc = run_python(["-m", "keras_fasrgan.cli", *args], env=ENV)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _photos(root):
    """Real photos under any names, PNG and JPEG, one in a subfolder."""
    images = sample_images(["chelsea", "coffee", "rocket"])
    (root / "holiday").mkdir(parents=True)
    write_image(root / "Chelsea the cat.png", images["chelsea"][:128, :160])
    Image.fromarray(images["coffee"][:96, :120]).save(root / "holiday" / "IMG_0042.jpg", quality=92)
    write_image(root / "holiday" / "rocket.PNG", images["rocket"][:100, :100])
    return root


def test_fs_srgan_psnr_then_gan_from_photos_then_upscale(tmp_path):
    photos = _photos(tmp_path / "my photos")
    common = ["--tiny", "--data", str(photos), "--steps", "2", "--checkpoint-every", "2",
              "--validate-every", "2", "--cache-dir", str(tmp_path / "cache"),
              "--jit-compile", "off", "--quiet"]
    run1, run2 = tmp_path / "run1", tmp_path / "run2"
    _fasrgan("train", "--config", "fs_srgan_psnr_x4", "-o", str(run1), *common)
    stage1 = json.loads((run1 / "summary.json").read_text())
    assert stage1["status"] == "done" and stage1["iteration"] == 2
    assert set(stage1["history"]) == {"loss"}

    # Another seed: a fresh initialisation of stage 2 would not resemble stage 1's weights.
    _fasrgan("train", "--config", "fs_srgan_x4", "-o", str(run2), "--set", "seed=1",
             "--pretrained", str(run1 / "generator.keras"), *common)
    stage2 = json.loads((run2 / "summary.json").read_text())
    assert stage2["status"] == "done" and stage2["iteration"] == 2
    assert {"g_loss", "d_loss", "adversarial"} <= set(stage2["history"])
    config = json.loads((run2 / "config.json").read_text())
    assert config["pretrained_generator"] == str(run1 / "generator.keras")
    assert config["method"] == "fs_srgan" and config["extractor"]["filters"] == 8

    # Stage 2 started from stage 1's E and G: two Adam steps of 1e-4 moved them by <= 2e-4.
    model1, model2 = (load_generator(run / "generator.keras") for run in (run1, run2))
    assert [w.shape for w in model1.get_weights()] == [w.shape for w in model2.get_weights()]
    assert max(np.abs(a - b).max() for a, b in zip(model1.get_weights(), model2.get_weights())) < 1e-3

    photo = photos / "holiday" / "rocket.PNG"
    out = tmp_path / "rocket_x4.png"
    _fasrgan("upscale", str(photo), "-o", str(out), "--model", str(run2 / "generator.keras"),
             "--quiet")
    sr = read_image(out)
    assert sr.shape == (400, 400, 3) and sr.dtype == np.uint8
    expected = model2.predict(read_image(photo)[None].astype("float32") / 255.0, verbose=0)[0]
    np.testing.assert_allclose(sr, np.clip(expected, 0, 1) * 255.0, atol=1.0)
