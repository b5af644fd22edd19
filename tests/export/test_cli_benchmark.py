"""`fasrgan benchmark`: model and bicubic PSNR/SSIM side by side on an HR folder."""

import json

import numpy as np
import pytest
from PIL import Image

from keras_fasrgan.cli import main
from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import imresize
from keras_fasrgan.inference import upscale
from keras_fasrgan.metrics import psnr
from keras_fasrgan.metrics import ssim
from keras_fasrgan.models import RRDBNet


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from skimage import data

    root = tmp_path_factory.mktemp("bench")
    hr_dir = root / "HR"
    hr_dir.mkdir()
    Image.fromarray(data.astronaut()[100:150, 180:226]).save(hr_dir / "astronaut.png")
    Image.fromarray(data.chelsea()[50:98, 100:152]).save(hr_dir / "cat.png")
    model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    path = root / "tiny.keras"
    model.save(path)
    return hr_dir, str(path), model


def test_benchmark_json_matches_the_metrics(setup, capsys):
    hr_dir, model_path, model = setup
    assert main(["benchmark", "--model", model_path, "--hr", str(hr_dir), "--json",
                 "--engine", "keras"]) == 0
    result = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in result["images"]}
    assert sorted(rows) == ["astronaut", "cat"] and result["scale"] == 4
    hr = np.asarray(Image.open(hr_dir / "cat.png"))
    hr, lr = bicubic_lr(hr, 4)
    assert rows["cat"]["bicubic_psnr"] == pytest.approx(psnr(imresize(lr, 4), hr, crop_border=4))
    sr = upscale(model, lr, engine="keras")
    assert rows["cat"]["psnr"] == pytest.approx(psnr(sr, hr, crop_border=4), abs=1e-6)
    assert rows["cat"]["ssim"] == pytest.approx(ssim(sr, hr, crop_border=4), abs=1e-6)
    # A near-constant untrained model is far below bicubic on real photos.
    assert rows["cat"]["psnr"] < rows["cat"]["bicubic_psnr"]
    mean = np.mean([r["bicubic_ssim"] for r in result["images"]])
    assert result["mean"]["bicubic_ssim"] == pytest.approx(mean)


def test_benchmark_table_and_scale_mismatch(setup, capsys):
    hr_dir, model_path, _ = setup
    assert main(["benchmark", "--model", model_path, "--hr", str(hr_dir),
                 "--engine", "keras"]) == 0
    text = capsys.readouterr().out
    assert "| image | bicubic PSNR" in text and "| **mean** |" in text
    assert main(["benchmark", "--model", model_path, "--hr", str(hr_dir), "--scale", "2"]) == 2
    assert "does not match" in capsys.readouterr().err
