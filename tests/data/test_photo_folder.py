"""A plain folder of the user's own HR photos as training / validation data."""

import os

import numpy as np
import pytest
from _patch_search import match_patch
from PIL import Image

from keras_fasrgan.data import DatasetError
from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import hr_folder_dataset
from keras_fasrgan.data import photo_dataset
from keras_fasrgan.data import photo_pairs
from keras_fasrgan.utils import read_image
from keras_fasrgan.utils import write_image


def _photo(rng, h, w):
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def _folder(root):
    """PNG and JPEG photos with odd names, one level of subfolders, one image too small."""
    rng = np.random.default_rng(0)
    (root / "trip 2024").mkdir(parents=True)
    images = {"beach.png": _photo(rng, 44, 52), "trip 2024/IMG (1).PNG": _photo(rng, 40, 37)}
    for rel, image in images.items():
        write_image(root / rel, image)
    Image.fromarray(_photo(rng, 48, 40)).save(root / "trip 2024" / "dog.JPEG", quality=95)
    write_image(root / "icon.png", _photo(rng, 20, 60))  # smaller than a 32 patch
    (root / "notes.txt").write_text("not an image")
    return images


def _snapshot(folder):
    return sorted((str(p), p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_photos_in_a_plain_folder_are_found_and_small_ones_skipped(tmp_path):
    photos = tmp_path / "photos"
    _folder(photos)
    before = _snapshot(photos)
    with pytest.warns(UserWarning, match=r"skipping 1 image.*icon\.png \(20x60\)"):
        pairs = photo_pairs(photos, scale=4, min_size=32, cache_dir=tmp_path / "cache")
    sources = sorted(os.path.relpath(hr, photos) for hr, _ in pairs)
    assert sources == ["beach.png", "trip 2024/IMG (1).PNG", "trip 2024/dog.JPEG"]
    for hr, lr in pairs:
        assert lr.startswith(str(tmp_path / "cache"))
        h, w = read_image(hr).shape[:2]
        assert read_image(lr).shape[:2] == (h // 4, w // 4)
        np.testing.assert_array_equal(read_image(lr), bicubic_lr(read_image(hr), 4)[1])
    assert _snapshot(photos) == before  # the user's folder is never written to


def test_patches_are_aligned_with_the_lr_of_the_whole_photo(tmp_path):
    photos = tmp_path / "photos"
    images = _folder(photos)
    ds = photo_dataset(photos, "train", scale=4, patch_size=16, batch_size=4, seed=0,
                       cache_dir=tmp_path / "cache")
    lr, hr = next(iter(ds))
    assert lr.shape == (4, 4, 4, 3) and hr.shape == (4, 16, 16, 3)
    lrs = {rel: bicubic_lr(image, 4) for rel, image in images.items()}
    found = 0
    for hp, lp in zip(np.round(hr.numpy() * 255).astype(np.uint8),
                      np.round(lr.numpy() * 255).astype(np.uint8)):
        for hr_c, lr_full in lrs.values():
            match = match_patch(hr_c, lr_full, hp, lp, 4)
            if match is not None:
                np.testing.assert_array_equal(match[2], match[3])
                found += 1
    assert found >= 2  # the PNG photos (the JPEG decodes with its own rounding)


def test_folders_without_usable_photos_are_clear_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no PNG or JPEG images in .*empty"):
        photo_pairs(tmp_path / "empty", cache_dir=tmp_path / "cache")
    small = tmp_path / "small"
    small.mkdir()
    write_image(small / "a.png", np.zeros((20, 30, 3), np.uint8))
    with pytest.raises(DatasetError, match=r"a\.png \(20x30\).*--patch-size"):
        photo_pairs(small, min_size=32, cache_dir=tmp_path / "cache")


def test_rotated_jpeg_gets_a_normalised_copy_and_edited_photos_a_new_lr(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    image = Image.fromarray(_photo(np.random.default_rng(1), 36, 64))
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    image.save(photos / "rotated.jpg", exif=exif, quality=95)
    (hr, lr), = photo_pairs(photos, cache_dir=tmp_path / "cache")
    assert hr.startswith(str(tmp_path / "cache")) and hr.endswith(".png")
    np.testing.assert_array_equal(read_image(hr), read_image(photos / "rotated.jpg"))
    assert read_image(lr).shape[:2] == tuple(s // 4 for s in read_image(hr).shape[:2])
    write_image(photos / "beach.png", _photo(np.random.default_rng(2), 40, 40))
    first = dict(photo_pairs(photos, cache_dir=tmp_path / "cache"))
    os.utime(photos / "beach.png", ns=(1, 1))
    second = dict(photo_pairs(photos, cache_dir=tmp_path / "cache"))
    assert first[str(photos / "beach.png")] != second[str(photos / "beach.png")]


def test_div2k_layout_is_read_as_div2k_else_as_photos(tmp_path):
    div2k_root = tmp_path / "DIV2K"
    (div2k_root / "DIV2K_train_HR").mkdir(parents=True)
    write_image(div2k_root / "DIV2K_train_HR" / "0001.png", np.zeros((40, 40, 3), np.uint8))
    ds = hr_folder_dataset(div2k_root, "train", scale=4, patch_size=16, batch_size=1, seed=0,
                           cache_dir=tmp_path / "cache")
    assert next(iter(ds))[1].shape == (1, 16, 16, 3)
    assert (tmp_path / "cache" / "DIV2K_train_LR_matlab").is_dir()
    # A missing split of a DIV2K root is an error, not a fallback to its other images.
    with pytest.raises(DatasetError, match="DIV2K_valid_HR"):
        hr_folder_dataset(div2k_root, "valid", scale=4, patch_size=None, batch_size=1)
    val = hr_folder_dataset(div2k_root / "DIV2K_train_HR", "valid", scale=4, patch_size=None,
                            batch_size=1, cache_dir=tmp_path / "cache")
    assert [tuple(hr.shape) for _, hr in val] == [(1, 40, 40, 3)]
