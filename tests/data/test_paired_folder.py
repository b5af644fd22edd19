"""Whole-image benchmark pairs (Set5/Set14/BSD100/Urban100/Manga109 layouts)."""

import numpy as np
import pytest

from conftest import shared_data
from keras_fasrgan.data import DatasetError
from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import imresize
from keras_fasrgan.data import paired_folder
from keras_fasrgan.data.paired_folder import match_key
from keras_fasrgan.utils import read_image
from keras_fasrgan.utils import write_image


def _write_hr(directory, names, shape=(26, 35)):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    images = {}
    for name in names:
        images[name] = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
        write_image(directory / f"{name}.png", images[name])
    return images


@pytest.mark.multi_backend
def test_lr_made_with_matlab_bicubic_and_hr_cropped(tmp_path):
    images = _write_hr(tmp_path / "HR", ["baby", "bird"])
    pairs = paired_folder(tmp_path / "HR", scale=4)
    assert len(pairs) == 2 and "MATLAB bicubic" in repr(pairs)
    name, lr, hr = pairs[0]
    assert name == "baby" and hr.shape == (24, 32, 3) and lr.shape == (6, 8, 3)
    np.testing.assert_array_equal(hr, images["baby"][:24, :32])
    np.testing.assert_array_equal(lr, imresize(images["baby"][:24, :32], 0.25))
    assert [n for n, _, _ in pairs] == ["baby", "bird"]


@pytest.mark.multi_backend
@pytest.mark.parametrize(
    "hr_name, lr_name",
    [("baby", "baby"), ("baby", "babyx4"), ("baby", "baby_x4"),
     ("baby_HR_x4", "baby_LRBI_x4"), ("baby", "baby_bicLRx4"), ("box4", "box4x4"),
     ("img_001_SRF_4_HR", "img_001_SRF_4_LR")],
)
def test_lr_matched_by_name_variants(tmp_path, hr_name, lr_name):
    images = _write_hr(tmp_path / "HR", [hr_name])
    (tmp_path / "LR").mkdir()
    lr_file = tmp_path / "LR" / f"{lr_name}.png"
    lr_own = np.full((6, 8, 3), 9, np.uint8)  # the file's own content, not recomputed
    write_image(lr_file, lr_own)
    (name, lr, hr), = list(paired_folder(tmp_path / "HR", tmp_path / "LR", scale=4))
    expected = {"box4": "box4", "img_001_SRF_4_HR": "img_001_SRF_4"}.get(hr_name, "baby")
    assert name == expected
    np.testing.assert_array_equal(lr, lr_own)
    np.testing.assert_array_equal(hr, images[hr_name][:24, :32])


@pytest.mark.multi_backend
def test_match_key():
    assert match_key("0801x4", 4) == "0801"
    assert match_key("img_001_SRF_4_LR", 4) == "img_001_SRF_4"
    assert match_key("babyx2", 4) == "babyx2"  # another scale's suffix is kept


@pytest.mark.multi_backend
def test_matching_errors_name_the_files(tmp_path):
    _write_hr(tmp_path / "HR", ["baby", "bird"])
    (tmp_path / "LR").mkdir()
    write_image(tmp_path / "LR" / "babyx4.png", np.zeros((6, 8, 3), np.uint8))
    with pytest.raises(DatasetError, match=r"bird.png: no LR file named like 'bird'"):
        paired_folder(tmp_path / "HR", tmp_path / "LR")
    write_image(tmp_path / "LR" / "birdx4.png", np.zeros((6, 8, 3), np.uint8))
    write_image(tmp_path / "LR" / "bird.png", np.zeros((6, 8, 3), np.uint8))
    with pytest.raises(DatasetError, match="several LR files"):
        paired_folder(tmp_path / "HR", tmp_path / "LR")
    with pytest.raises(DatasetError, match="not found.*holds: HR/, LR/"):
        paired_folder(tmp_path / "nope")


@pytest.mark.multi_backend
def test_size_mismatch_and_corrupt_file_named_on_access(tmp_path):
    _write_hr(tmp_path / "HR", ["baby", "bird"])
    (tmp_path / "LR").mkdir()
    write_image(tmp_path / "LR" / "baby.png", np.zeros((7, 8, 3), np.uint8))
    (tmp_path / "LR" / "bird.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    pairs = paired_folder(tmp_path / "HR", tmp_path / "LR")
    with pytest.raises(DatasetError, match=r"baby.png: LR size 7x8 does not match .* = 6x8"):
        pairs[0]
    with pytest.raises(DatasetError, match="bird.png"):
        pairs[1]


@pytest.mark.multi_backend
def test_grayscale_hr_gives_rgb(tmp_path):
    (tmp_path / "HR").mkdir()
    gray = np.random.default_rng(0).integers(0, 256, (16, 20), dtype=np.uint8)
    write_image(tmp_path / "HR" / "g.png", gray)
    _, lr, hr = paired_folder(tmp_path / "HR")[0]
    assert hr.shape == (16, 20, 3) and lr.shape == (4, 5, 3)
    np.testing.assert_array_equal(lr[..., 0], imresize(gray, 0.25))


def test_as_dataset_for_model_evaluate(tmp_path):
    import keras

    _write_hr(tmp_path / "HR", ["a", "b", "c"])
    pairs = paired_folder(tmp_path / "HR")
    ds = pairs.as_dataset()
    assert ds.element_spec[0].shape.as_list() == [1, None, None, 3]
    batches = list(ds)
    assert len(batches) == 3 and int(ds.cardinality()) == 3
    _, lr, hr = pairs[2]
    np.testing.assert_allclose(batches[2][0].numpy()[0], lr / 255.0, atol=1e-7)
    np.testing.assert_allclose(batches[2][1].numpy()[0], hr / 255.0, atol=1e-7)
    model = keras.Sequential([keras.Input((None, None, 3)), keras.layers.UpSampling2D(4)])
    model.compile(loss="mae")
    assert 0.0 < model.evaluate(ds, verbose=0) < 1.0


@pytest.mark.multi_backend
def test_set5_hr_with_generated_lr():
    pairs = paired_folder(shared_data("set5", "HR"), scale=4)
    assert [n for n, _, _ in pairs] == ["baby", "bird", "butterfly", "head", "woman"]
    name, lr, hr = pairs[1]
    original = read_image(shared_data("set5", "HR", "bird.png"))
    hr_c, lr_expected = bicubic_lr(original, 4)
    np.testing.assert_array_equal(hr, hr_c)
    np.testing.assert_array_equal(lr, lr_expected)
    assert lr.shape[0] * 4 == hr.shape[0] and lr.shape[1] * 4 == hr.shape[1]
