"""DIV2K pipeline on tiny fake DIV2K folders made in tmp_path."""

import importlib
import os

import numpy as np
import pytest
from _patch_search import match_patch

from keras_fasrgan.data import DatasetError
from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import div2k
from keras_fasrgan.data import div2k_pairs
from keras_fasrgan.data import extract_subimages
from keras_fasrgan.data import subimage_pairs
from keras_fasrgan.utils import read_image
from keras_fasrgan.utils import write_image

# The package exports the function `div2k`, which shadows the module of the same name.
div2k_module = importlib.import_module("keras_fasrgan.data.div2k")

SIZES = {"0001": (52, 68), "0002": (48, 64), "0003": (45, 61)}


def _fake_div2k(root, split="train", sizes=SIZES, with_lr=False, scale=4):
    rng = np.random.default_rng(0 if split == "train" else 1)
    hr_dir = root / f"DIV2K_{split}_HR"
    hr_dir.mkdir(parents=True, exist_ok=True)
    images = {}
    for stem, shape in sizes.items():
        images[stem] = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
        write_image(hr_dir / f"{stem}.png", images[stem])
        if with_lr:
            lr_dir = root / f"DIV2K_{split}_LR_bicubic" / f"X{scale}"
            lr_dir.mkdir(parents=True, exist_ok=True)
            write_image(lr_dir / f"{stem}x{scale}.png", bicubic_lr(images[stem], scale)[1])
    return images


def _locate(hr_full, lr_full, hr_patch, lr_patch, scale):
    """Finds which flips/transpose and HR position made `hr_patch`; checks the LR patch is
    the same transform of `lr_full` at (y / scale, x / scale). Returns (y, x) or None."""
    match = match_patch(hr_full, lr_full, hr_patch, lr_patch, scale)
    if match is None:
        return None
    y, x, lr_expected, lr_p = match
    assert y % scale == 0 and x % scale == 0, (y, x)
    np.testing.assert_array_equal(lr_expected, lr_p)
    return y, x


def _to_uint8(batch):
    return np.round(batch.numpy() * 255).astype(np.uint8)


def test_patches_are_aligned_with_matlab_lr_of_whole_image(tmp_path):
    images = _fake_div2k(tmp_path)
    ds = div2k(tmp_path, "train", scale=4, patch_size=16, batch_size=4, seed=0)
    assert ds.element_spec[0].shape == (4, 4, 4, 3)
    assert ds.element_spec[1].shape == (4, 16, 16, 3)
    found = 0
    for lr, hr in ds.take(3):
        assert lr.dtype.name == "float32" and float(hr.numpy().max()) <= 1.0
        for lp, hp in zip(_to_uint8(lr), _to_uint8(hr)):
            for stem, image in images.items():
                hr_c, lr_full = bicubic_lr(image, 4)
                if _locate(hr_c, lr_full, hp, lp, 4) is not None:
                    found += 1
                    break
    assert found == 12


def test_lr_cache_written_once_atomically_and_reused(tmp_path, monkeypatch):
    images = _fake_div2k(tmp_path)
    calls = []
    real = div2k_module.bicubic_lr
    monkeypatch.setattr(div2k_module, "bicubic_lr", lambda *a: calls.append(1) or real(*a))
    pairs = div2k_pairs(tmp_path, "train", 4)
    assert len(calls) == 3
    cache = tmp_path / "DIV2K_train_LR_matlab" / "X4"
    assert sorted(os.listdir(cache)) == ["0001x4.png", "0002x4.png", "0003x4.png"]
    for hr_path, lr_path in pairs:
        stem = os.path.basename(hr_path)[:4]
        np.testing.assert_array_equal(read_image(lr_path), bicubic_lr(images[stem], 4)[1])
    mtimes = {n: os.stat(cache / n).st_mtime_ns for n in os.listdir(cache)}
    div2k(tmp_path, "train", patch_size=16, batch_size=2, seed=0)
    assert len(calls) == 3
    assert {n: os.stat(cache / n).st_mtime_ns for n in os.listdir(cache)} == mtimes
    # Only a missing file is made again.
    os.remove(cache / "0002x4.png")
    div2k_pairs(tmp_path, "train", 4)
    assert len(calls) == 4


def test_cache_dir_is_configurable_and_root_untouched(tmp_path):
    root, cache = tmp_path / "root", tmp_path / "cache"
    _fake_div2k(root)
    pairs = div2k_pairs(root, "train", 4, cache_dir=cache)
    assert sorted(os.listdir(root)) == ["DIV2K_train_HR"]
    assert all(str(lr).startswith(str(cache / "DIV2K_train_LR_matlab" / "X4")) for _, lr in pairs)


def test_existing_lr_bicubic_folder_is_used(tmp_path):
    _fake_div2k(tmp_path)
    lr_dir = tmp_path / "DIV2K_train_LR_bicubic" / "X4"
    lr_dir.mkdir(parents=True)
    for stem, (h, w) in SIZES.items():
        write_image(lr_dir / f"{stem}x4.png", np.zeros((h // 4, w // 4, 3), np.uint8))
    lr, hr = next(iter(div2k(tmp_path, patch_size=16, batch_size=3, seed=0)))
    assert float(lr.numpy().max()) == 0.0 and float(hr.numpy().max()) > 0.5
    assert not (tmp_path / "DIV2K_train_LR_matlab").exists()


def test_seed_determinism(tmp_path):
    _fake_div2k(tmp_path)

    def first(seed):
        ds = div2k(tmp_path, patch_size=16, batch_size=2, seed=seed, num_parallel_calls=2)
        return [b[1].numpy() for b in ds.take(3)]

    a, b, c = first(7), first(7), first(8)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, z) for x, z in zip(a, c))


def test_model_fit_consumes_div2k_directly(tmp_path):
    import keras

    _fake_div2k(tmp_path)
    _fake_div2k(tmp_path, "valid", sizes={"0801": (40, 44), "0802": (36, 48)})
    train = div2k(tmp_path, "train", patch_size=16, batch_size=2, seed=0)
    valid = div2k(tmp_path, "valid", patch_size=16, batch_size=1)
    model = keras.Sequential([
        keras.Input((None, None, 3)),
        keras.layers.Conv2D(3, 3, padding="same"),
        keras.layers.UpSampling2D(4),
    ])
    model.compile(optimizer="adam", loss="mae")
    history = model.fit(train, steps_per_epoch=2, epochs=1, validation_data=valid, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert np.isfinite(history.history["val_loss"][0])


def test_valid_split_center_crops_without_augment_or_repeat(tmp_path):
    images = _fake_div2k(tmp_path, "valid", sizes={"0801": (40, 44), "0802": (36, 48)})
    batches = list(div2k(tmp_path, "valid", patch_size=16, batch_size=1))
    assert len(batches) == 2
    hr_c, lr_full = bicubic_lr(images["0801"], 4)  # LR 10x11 -> corner (3, 3)
    np.testing.assert_array_equal(_to_uint8(batches[0][1])[0], hr_c[12:28, 12:28])
    np.testing.assert_array_equal(_to_uint8(batches[0][0])[0], lr_full[3:7, 3:7])
    whole = list(div2k(tmp_path, "valid", patch_size=None, batch_size=1))
    assert whole[1][1].shape == (1, 36, 48, 3) and whole[1][0].shape == (1, 9, 12, 3)
    with pytest.raises(ValueError, match="batch_size=1"):
        div2k(tmp_path, "valid", patch_size=None, batch_size=2)


def test_patches_per_image(tmp_path):
    _fake_div2k(tmp_path)
    ds = div2k(tmp_path, patch_size=16, batch_size=5, seed=0, patches_per_image=4)
    lr, hr = next(iter(ds))
    assert lr.shape == (5, 4, 4, 3) and hr.shape == (5, 16, 16, 3)


def test_wrong_root_says_what_was_expected_and_found(tmp_path):
    (tmp_path / "DIV2K_HR").mkdir()
    (tmp_path / "readme.txt").write_text("x")
    with pytest.raises(DatasetError) as e:
        div2k(tmp_path)
    message = str(e.value)
    assert "DIV2K_train_HR" in message and "DIV2K_HR/" in message and "readme.txt" in message


def test_lr_size_mismatch_names_the_file(tmp_path):
    _fake_div2k(tmp_path, with_lr=True)
    bad = tmp_path / "DIV2K_train_LR_bicubic" / "X4" / "0002x4.png"
    write_image(bad, np.zeros((11, 16, 3), np.uint8))
    with pytest.raises(DatasetError, match="0002x4.png: LR size 11x16 does not match"):
        div2k(tmp_path)


def test_missing_lr_file_is_named(tmp_path):
    _fake_div2k(tmp_path, with_lr=True)
    os.remove(tmp_path / "DIV2K_train_LR_bicubic" / "X4" / "0003x4.png")
    with pytest.raises(DatasetError, match="0003x4.png: missing"):
        div2k(tmp_path)


def test_unreadable_files_are_named(tmp_path):
    import tensorflow as tf

    _fake_div2k(tmp_path, with_lr=True)
    garbage = tmp_path / "DIV2K_train_HR" / "0001.png"
    garbage.write_bytes(b"not an image at all")
    with pytest.raises(DatasetError, match="0001.png: cannot read image"):
        div2k(tmp_path)
    # Without LR files the HR is read while making the cache: same clear error.
    root2 = tmp_path / "other"
    _fake_div2k(root2)
    (root2 / "DIV2K_train_HR" / "0002.png").write_bytes(b"")
    with pytest.raises(DatasetError, match="0002.png"):
        div2k(root2)
    # A truncated PNG passes the header check; decoding it fails naming the file.
    _fake_div2k(tmp_path, with_lr=True)
    lr = tmp_path / "DIV2K_train_LR_bicubic" / "X4" / "0003x4.png"
    lr.write_bytes(lr.read_bytes()[:-40])
    ds = div2k(tmp_path, patch_size=16, batch_size=3, shuffle=False, seed=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="0003x4.png"):
        next(iter(ds))


def test_extract_subimages_positions(tmp_path):
    src = tmp_path / "hr"
    src.mkdir()
    image = np.random.default_rng(0).integers(0, 256, (44, 40, 3), dtype=np.uint8)
    write_image(src / "0001.png", image)
    paths = extract_subimages(src, tmp_path / "sub", crop_size=16, step=8)
    # rows 0, 8, 16, 24 and the flush 28; columns 0, 8, 16, 24 (24 + 16 == 40).
    assert len(paths) == 20 and paths[0].endswith("0001_s001.png")
    np.testing.assert_array_equal(read_image(paths[3]), image[0:16, 24:40])
    np.testing.assert_array_equal(read_image(paths[4]), image[8:24, 0:16])
    np.testing.assert_array_equal(read_image(paths[-1]), image[28:44, 24:40])


def test_subimage_pairs_are_aligned_and_made_once(tmp_path):
    images = _fake_div2k(tmp_path)
    pairs = div2k_pairs(tmp_path, "train", 4)
    sub = subimage_pairs(pairs, tmp_path, 4, crop_size=32, step=16)
    # LR 13x17 / 12x16 / 11x15, crop 8, step 4 (+ a flush last one): 3x4, 2x3, 2x3.
    assert len(sub) == 12 + 6 + 6
    hr_c, lr_full = bicubic_lr(images["0001"], 4)
    for hr_path, lr_path in sub[:12]:
        hr, lr = read_image(hr_path), read_image(lr_path)
        assert _locate(hr_c, lr_full, hr, lr, 4) is not None
    mtime = os.stat(sub[0][0]).st_mtime_ns
    assert subimage_pairs(pairs, tmp_path, 4, crop_size=32, step=16) == sub
    assert os.stat(sub[0][0]).st_mtime_ns == mtime


def test_images_smaller_than_the_patch_are_skipped_with_a_warning(tmp_path):
    _fake_div2k(tmp_path, sizes={"0001": (52, 68), "0002": (20, 64)})
    with pytest.warns(UserWarning, match=r"0002\.png \(20x64\)"):
        ds = div2k(tmp_path, "train", scale=4, patch_size=32, batch_size=2, seed=0)
    assert next(iter(ds))[1].shape == (2, 32, 32, 3)
    with pytest.raises(DatasetError, match=r"all 2 are smaller than the HR patch \(64x64\)"):
        div2k(tmp_path, "train", scale=4, patch_size=64, batch_size=2)
