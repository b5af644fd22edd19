"""Built-in sample photographs, their tf.data patch pipeline and folder writer."""

import numpy as np
import pytest
import skimage.color
from _patch_search import match_patch

from keras_fasrgan.data import SAMPLE_HELDOUT
from keras_fasrgan.data import SAMPLE_KINDS
from keras_fasrgan.data import SAMPLE_NAMES
from keras_fasrgan.data import SAMPLE_TRAIN
from keras_fasrgan.data import bicubic_lr
from keras_fasrgan.data import sample_images
from keras_fasrgan.data import sample_pairs


@pytest.mark.multi_backend
def test_training_photos_are_colour_and_heldout_photos_span_kinds():
    images = sample_images()
    assert tuple(images) == SAMPLE_TRAIN + SAMPLE_HELDOUT
    assert not set(SAMPLE_TRAIN) & set(SAMPLE_HELDOUT)
    assert set(SAMPLE_TRAIN + SAMPLE_HELDOUT) <= set(SAMPLE_NAMES)
    assert set(SAMPLE_KINDS) == set(SAMPLE_HELDOUT)
    stats = {}
    for name, image in images.items():
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[-1] == 3, name
        assert min(image.shape[:2]) >= 256, name
        assert image.std() > 10, name  # a photograph, not a flat image (moon: low contrast)
        y = image.astype(float).mean(-1)
        stats[name] = {
            "colour": np.abs(image[..., 0].astype(int) - image[..., 2]).mean(),
            "black": np.mean(y < 20),
            "gradient": np.abs(np.diff(y, axis=1)).mean(),
        }
    for name in SAMPLE_TRAIN:  # colour: the channels differ
        assert stats[name]["colour"] > 5, name
    held = {n: stats[n] for n in SAMPLE_HELDOUT}
    grey = [n for n, s in held.items() if s["colour"] == 0]
    assert {"moon", "camera", "gravel", "coins"} == set(grey)
    for name in ("coffee", "retina"):  # saturated colour
        assert skimage.color.rgb2hsv(images[name][::4, ::4])[..., 1].mean() > 0.6, name
    assert held["retina"]["black"] > 0.2  # a dark background
    assert held["gravel"]["gradient"] > 12 > 2 > held["moon"]["gradient"]  # texture / smooth
    assert sample_images("astronaut")["astronaut"].shape == (512, 512, 3)
    # the synthetic colour chart: available by name, in neither split, every hue saturated
    wheel = sample_images("colorwheel")["colorwheel"]
    assert "colorwheel" not in SAMPLE_TRAIN + SAMPLE_HELDOUT and wheel.shape == (370, 371, 3)
    hues = skimage.color.rgb2hsv(wheel)
    assert np.histogram(hues[..., 0][hues[..., 1] > 0.9], 12, (0, 1))[0].min() > 100
    with pytest.raises(ValueError, match="unknown sample"):
        sample_images(["cat"])


@pytest.mark.multi_backend
def test_sample_pairs_use_matlab_bicubic():
    (lr, hr), = sample_pairs(["chelsea"], scale=4).values()
    image = sample_images(["chelsea"])["chelsea"]
    hr_c, lr_expected = bicubic_lr(image, 4)
    assert hr.shape == (300, 448, 3) and lr.shape == (75, 112, 3)
    np.testing.assert_array_equal(hr, hr_c)
    np.testing.assert_array_equal(lr, lr_expected)


def _find(hr_full, lr_full, hp, lp, s):
    match = match_patch(hr_full, lr_full, hp, lp, s)
    return (match is not None and match[0] % s == 0 and match[1] % s == 0
            and np.array_equal(match[2], match[3]))


def test_sample_dataset_patches_aligned_and_deterministic():
    from keras_fasrgan.data import sample_dataset

    names = ["chelsea", "coffee"]
    pairs = sample_pairs(names, 4)
    ds = sample_dataset(names, scale=4, patch_size=16, batch_size=4, seed=3, num_batches=2)
    assert ds.element_spec[0].shape == (4, 4, 4, 3)
    assert ds.element_spec[1].shape == (4, 16, 16, 3)
    batches = list(ds)
    assert len(batches) == 2
    for lr, hr in batches:
        lr8 = np.round(lr.numpy() * 255).astype(np.uint8)
        hr8 = np.round(hr.numpy() * 255).astype(np.uint8)
        for lp, hp in zip(lr8, hr8):
            assert any(_find(h, lo, hp, lp, 4) for lo, h in pairs.values())
    again = list(sample_dataset(names, scale=4, patch_size=16, batch_size=4, seed=3,
                                num_batches=2))
    np.testing.assert_array_equal(again[1][1].numpy(), batches[1][1].numpy())
    other = next(iter(sample_dataset(names, scale=4, patch_size=16, batch_size=4, seed=4)))
    assert not np.array_equal(other[1].numpy(), batches[0][1].numpy())
    with pytest.raises(ValueError, match="larger than the smallest"):
        sample_dataset(names, patch_size=512)


def test_write_sample_folder_feeds_div2k_and_paired_folder(tmp_path):
    from keras_fasrgan.data import div2k
    from keras_fasrgan.data import paired_folder
    from keras_fasrgan.data import write_sample_folder
    from keras_fasrgan.utils import read_image

    hr_dir, lr_dir = write_sample_folder(tmp_path, ["chelsea"], with_lr=True)
    np.testing.assert_array_equal(read_image(f"{hr_dir}/chelsea.png"),
                                  sample_images(["chelsea"])["chelsea"])
    lr, hr = next(iter(div2k(tmp_path, patch_size=32, batch_size=2, seed=0)))
    assert lr.shape == (2, 8, 8, 3) and hr.shape == (2, 32, 32, 3)
    hr_dir, lr_dir = write_sample_folder(tmp_path / "bench", ["coffee"], layout="paired",
                                         with_lr=True)
    (name, lr, hr), = list(paired_folder(hr_dir, lr_dir))
    expected_lr, expected_hr = sample_pairs(["coffee"])["coffee"]
    assert name == "coffee"
    np.testing.assert_array_equal(lr, expected_lr)
    np.testing.assert_array_equal(hr, expected_hr)
