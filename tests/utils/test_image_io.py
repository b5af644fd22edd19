"""`read_image` / `write_image` on what real photos carry: EXIF orientation, ICC profiles,
gray + alpha, 16-bit colour TIFF and PNG, animation."""

import warnings

import numpy as np
import pytest
import tifffile
from PIL import Image
from PIL import ImageCms
from PIL import ImageOps

from keras_fasrgan.utils import ImageReadError
from keras_fasrgan.utils import read_image
from keras_fasrgan.utils import write_image


def _icc(space="sRGB"):
    return ImageCms.ImageCmsProfile(ImageCms.createProfile(space)).tobytes()


def _rgb(shape=(5, 7), dtype=np.uint8, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, np.iinfo(dtype).max, shape + (channels,), dtype=dtype)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_as_pillow_does(tmp_path, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "phone.png"  # lossless, so the pixels compare exactly
    Image.fromarray(_rgb()).save(path, exif=exif)
    with Image.open(path) as img:
        expected = np.asarray(ImageOps.exif_transpose(img))
    image, info = read_image(path, with_info=True)
    assert info.orientation == orientation
    np.testing.assert_array_equal(image, expected)
    if orientation >= 5:
        assert image.shape[:2] == (7, 5)  # rotated: a portrait photo stands upright


@pytest.mark.parametrize("ext", ["png", "jpg", "tif", "webp"])
def test_icc_profile_survives_a_round_trip(tmp_path, ext):
    icc = _icc()
    path = tmp_path / f"photo.{ext}"
    write_image(path, _rgb(), icc_profile=icc)
    _, info = read_image(path, with_info=True)
    assert info.icc_profile == icc
    with Image.open(path) as img:  # what any viewer sees
        assert img.info.get("icc_profile") == icc


def test_icc_profile_of_another_colour_space_is_not_attached(tmp_path):
    gray_icc = _icc("sRGB")[:16] + b"GRAY" + _icc("sRGB")[20:]
    write_image(tmp_path / "rgb.png", _rgb(), icc_profile=gray_icc)
    assert read_image(tmp_path / "rgb.png", with_info=True)[1].icc_profile is None


def test_gray_alpha_keeps_its_alpha_8_and_16_bit(tmp_path):
    la = _rgb(channels=2)
    Image.fromarray(la, "LA").save(tmp_path / "la.png")
    image = read_image(tmp_path / "la.png", mode="keep")
    np.testing.assert_array_equal(image, la)
    assert read_image(tmp_path / "la.png").shape == (5, 7, 3)  # RGB mode drops alpha
    write_image(tmp_path / "out.png", la)
    with Image.open(tmp_path / "out.png") as img:
        assert img.mode == "LA"
    la16 = _rgb(dtype=np.uint16, channels=2)
    for ext in ("png", "tif"):
        write_image(tmp_path / f"la16.{ext}", la16)
        np.testing.assert_array_equal(read_image(tmp_path / f"la16.{ext}", mode="keep"), la16)


@pytest.mark.parametrize("compression", [None, "zlib"])
def test_16_bit_rgb_tiff_keeps_its_depth(tmp_path, compression):
    rgb16 = _rgb(dtype=np.uint16)
    src = tmp_path / "scan.tif"
    tifffile.imwrite(src, rgb16, photometric="rgb", compression=compression)
    image = read_image(src)
    assert image.dtype == np.uint16
    np.testing.assert_array_equal(image, rgb16)
    rgba16 = _rgb(dtype=np.uint16, channels=4)
    icc = _icc()
    write_image(tmp_path / "out.tif", rgba16, icc_profile=icc)
    with tifffile.TiffFile(tmp_path / "out.tif") as tif:  # read back independently
        np.testing.assert_array_equal(tif.pages[0].asarray(), rgba16)
        assert tif.pages[0].bitspersample == 16
    image, info = read_image(tmp_path / "out.tif", mode="keep", with_info=True)
    np.testing.assert_array_equal(image, rgba16)
    assert info.icc_profile == icc


def test_16_bit_png_keeps_depth_and_profile(tmp_path):
    rgb16, icc = _rgb(dtype=np.uint16), _icc()
    write_image(tmp_path / "deep.png", rgb16, icc_profile=icc)
    image, info = read_image(tmp_path / "deep.png", with_info=True)
    np.testing.assert_array_equal(image, rgb16)
    assert info.icc_profile == icc
    with Image.open(tmp_path / "deep.png") as img:
        assert img.info.get("icc_profile") == icc


def test_animated_gif_says_only_the_first_frame_is_read(tmp_path):
    frames = [Image.fromarray(np.full((4, 6, 3), v, np.uint8)) for v in (0, 120, 240)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    with pytest.warns(UserWarning, match="3 frames; only the first is read"):
        image = read_image(tmp_path / "anim.gif")
    assert image.shape == (4, 6, 3) and image.max() < 60
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # with_info: the caller is told, no warning
        assert read_image(tmp_path / "anim.gif", with_info=True)[1].frames == 3


def test_unknown_extension_and_bad_files(tmp_path):
    with pytest.raises(ValueError, match="unknown image extension '.xyz'"):
        write_image(tmp_path / "x.xyz", _rgb())
    assert not (tmp_path / "x.xyz").exists()
    (tmp_path / "bad.tif").write_bytes(b"II*\x00garbage")
    with pytest.raises(ImageReadError, match="bad.tif"):
        read_image(tmp_path / "bad.tif")
