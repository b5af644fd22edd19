"""`fasrgan upscale`: files and folders, bad files skipped, inputs never overwritten."""

import os

import numpy as np
from PIL import Image

from keras_fasrgan.cli import main
from keras_fasrgan.utils import read_image


def _image(path, size=(12, 10), mode="RGB", seed=0):
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "RGBA": 4}.get(mode)
    shape = (size[1], size[0]) + ((channels,) if channels else ())
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(path)
    return str(path)


def _run(*args, model_path):
    return main(["upscale", *map(str, args), "--model", model_path, "--engine", "keras",
                 "--quiet"])


def test_single_file(tmp_path, tiny_model_path):
    src = _image(tmp_path / "a.png")
    out = tmp_path / "out.png"
    assert _run(src, "-o", out, "--tile", "8", model_path=tiny_model_path) == 0
    assert read_image(out).shape == (40, 48, 3)


def test_same_path_is_refused_and_input_untouched(tmp_path, tiny_model_path, capsys):
    src = _image(tmp_path / "a.png")
    before = open(src, "rb").read()
    assert _run(src, "-o", src, model_path=tiny_model_path) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    # Folder mode: output folder = input folder with the same names.
    assert _run(tmp_path, "-o", tmp_path, model_path=tiny_model_path) == 2
    # Through another spelling of the same path.
    other = os.path.join(str(tmp_path), ".", "a.png")
    assert _run(src, "-o", other, model_path=tiny_model_path) == 2
    assert open(src, "rb").read() == before


def test_bad_files_are_skipped(tmp_path, tiny_model_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _image(inputs / "good.png")
    (inputs / "empty.png").write_bytes(b"")
    (inputs / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 definitely not a jpeg")
    out = tmp_path / "out"
    assert _run(inputs, "-o", out, model_path=tiny_model_path) == 1
    assert sorted(os.listdir(out)) == ["good.png"]
    assert read_image(out / "good.png").shape == (40, 48, 3)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "empty.png" in text and "corrupt.jpg" in text


def test_decompression_bomb_is_skipped(tmp_path, tiny_model_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)  # 12x10 = 120 > 2 x 50: an error
    src = _image(tmp_path / "big.png")
    assert _run(src, "-o", tmp_path / "out", model_path=tiny_model_path) == 1
    assert not (tmp_path / "out" / "big.png").exists()


def test_folder_input_keeps_names_layout_and_format(tmp_path, tiny_model_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _image(inputs / "rgb.jpg", size=(9, 7))
    _image(inputs / "alpha.png", size=(6, 5), mode="RGBA")
    Image.fromarray(np.full((4, 6), 100, np.uint8), "L").save(inputs / "gray.bmp")
    out = tmp_path / "out"
    assert _run(inputs, "-o", out, model_path=tiny_model_path) == 0
    assert sorted(os.listdir(out)) == ["alpha.png", "gray.png", "rgb.png"]
    assert read_image(out / "rgb.png", mode="keep").shape == (28, 36, 3)
    assert read_image(out / "alpha.png", mode="keep").shape == (20, 24, 4)
    assert read_image(out / "gray.png", mode="keep").shape == (16, 24)


def test_scale_out_and_output_format(tmp_path, tiny_model_path):
    src = _image(tmp_path / "a.png", size=(12, 10))
    out = tmp_path / "b.jpg"
    assert _run(src, "-o", out, "--scale-out", "2", model_path=tiny_model_path) == 0
    with Image.open(out) as img:
        assert img.format == "JPEG" and img.size == (24, 20)


def test_missing_model_is_a_usage_error(tmp_path, capsys):
    src = _image(tmp_path / "a.png")
    code = main(["upscale", src, "-o", str(tmp_path / "o.png"), "--model",
                 str(tmp_path / "nope.keras"), "--quiet"])
    assert code == 2
    assert "nope.keras" in capsys.readouterr().err
