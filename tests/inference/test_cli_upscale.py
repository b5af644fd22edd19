"""`fasrgan upscale`: files and folders, bad files skipped, inputs never overwritten."""

import os
import stat

import numpy as np
import pytest
import tifffile
from PIL import Image
from PIL import ImageCms

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
    assert "empty.png" in captured.err and "corrupt.jpg" in captured.err
    assert "skipped" in captured.err and ": skipped" not in captured.out
    assert "wrote 1 image(s), 2 failed" in captured.out


def test_decompression_bomb_is_skipped(tmp_path, tiny_model_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)  # 12x10 = 120 > 2 x 50: an error
    src = _image(tmp_path / "big.png")
    assert _run(src, "-o", f"{tmp_path / 'out'}/", model_path=tiny_model_path) == 1
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


def test_real_photos_keep_orientation_profile_alpha_and_depth(tmp_path, tiny_model_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x0112] = 6  # a phone held upright: stored sideways, shown rotated 90 degrees
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (6, 10, 3), dtype=np.uint8)).save(
        inputs / "phone.jpg", exif=exif, icc_profile=icc)
    Image.fromarray(rng.integers(0, 256, (5, 7, 2), dtype=np.uint8), "LA").save(
        inputs / "gray_alpha.png")
    tifffile.imwrite(inputs / "scan.tif", rng.integers(0, 65535, (4, 5, 3), dtype=np.uint16),
                     photometric="rgb")
    frames = [Image.fromarray(np.full((4, 6, 3), v, np.uint8)) for v in (0, 200)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    out = tmp_path / "out"
    old_umask = os.umask(0o027)
    try:
        assert _run(inputs, tmp_path / "anim.gif", "-o", out, "--ext", "tif",
                    model_path=tiny_model_path) == 0
    finally:
        os.umask(old_umask)
    image, info = read_image(out / "phone.tif", with_info=True)
    assert image.shape == (40, 24, 3)  # upright: 10 x 6 stored, 6 x 10 shown, x4
    assert info.icc_profile == icc
    assert read_image(out / "gray_alpha.tif", mode="keep").shape == (20, 28, 2)
    deep = read_image(out / "scan.tif", mode="keep")
    assert deep.dtype == np.uint16 and deep.shape == (16, 20, 3)
    assert read_image(out / "anim.tif").shape == (16, 24, 3)
    assert "anim.gif is animated (2 frames)" in capsys.readouterr().err
    for name in os.listdir(out):
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o640  # 0666 minus the umask


@pytest.mark.parametrize("output", ["x.xyz", "noext"])
def test_a_single_output_needs_an_image_extension(tmp_path, tiny_model_path, capsys, output):
    src = _image(tmp_path / "a.png")
    assert _run(src, "-o", tmp_path / output, model_path=tiny_model_path) == 2
    err = capsys.readouterr().err
    assert output in err and "end OUTPUT with '/'" in err
    assert not (tmp_path / output).exists()


def test_a_trailing_slash_makes_a_folder(tmp_path, tiny_model_path):
    src = _image(tmp_path / "a.png")
    assert _run(src, "-o", f"{tmp_path / 'new'}{os.sep}", model_path=tiny_model_path) == 0
    assert os.listdir(tmp_path / "new") == ["a.png"]


def test_unwritable_output_is_found_before_the_model_loads(tmp_path, tiny_model_path,
                                                            monkeypatch, capsys):
    import keras_fasrgan.loading

    def never(spec):
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(keras_fasrgan.loading, "load_generator", never)
    src = _image(tmp_path / "a.png")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    assert _run(src, "-o", blocker / "out.png", model_path=tiny_model_path) == 2
    assert _run(src, _image(tmp_path / "b.png"), "-o", blocker / "sub",
                model_path=tiny_model_path) == 2
    assert capsys.readouterr().err.count("is a file, not a folder") == 2


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path, tiny_model_path):
    import subprocess
    import sys

    src = _image(tmp_path / "a.png")
    out = tmp_path / "out"
    out.mkdir()
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout)
    (out / f".a.png.tmp-{dead}-x1y2z3.png").write_bytes(b"half written")
    assert _run(src, "-o", out, model_path=tiny_model_path) == 0
    assert os.listdir(out) == ["a.png"]
