"""Aligned crops and flips/transposes of (LR, HR) pairs, NumPy and TensorFlow."""

import numpy as np
import pytest

from keras_fasrgan.data.augment import random_augment
from keras_fasrgan.data.augment import random_crop_pair


def _block_pair(h, w, s):
    """HR whose s x s blocks hold the LR pixel's value: lr == hr[::s, ::s] under any flip."""
    lr = np.arange(h * w, dtype=np.int32).reshape(h, w)
    lr = np.stack([lr, -lr], axis=-1)
    hr = np.repeat(np.repeat(lr, s, axis=0), s, axis=1)
    return lr, hr


def _dihedral_flags(patch, original):
    for hflip in (False, True):
        for vflip in (False, True):
            for transpose in (False, True):
                a = original[:, ::-1] if hflip else original
                a = a[::-1] if vflip else a
                a = np.swapaxes(a, 0, 1) if transpose else a
                if a.shape == patch.shape and np.array_equal(a, patch):
                    return hflip, vflip, transpose
    return None


@pytest.mark.multi_backend
def test_random_crop_pair_is_aligned_and_covers_positions():
    lr, hr = _block_pair(10, 12, 4)
    corners = set()
    for seed in range(40):
        lp, hp = random_crop_pair(lr, hr, 16, 4, seed=seed)
        assert lp.shape == (4, 4, 2) and hp.shape == (16, 16, 2)
        np.testing.assert_array_equal(lp, hp[::4, ::4])
        corners.add(int(lp[0, 0, 0]))
    assert len(corners) > 10  # positions vary with the seed
    a = random_crop_pair(lr, hr, 16, 4, seed=3)
    b = random_crop_pair(lr, hr, 16, 4, seed=3)
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.multi_backend
def test_random_augment_same_transform_on_both_and_all_eight_occur():
    lr, hr = _block_pair(3, 3, 2)
    seen = set()
    for seed in range(64):
        la, ha = random_augment(lr, hr, seed=seed)
        np.testing.assert_array_equal(la, ha[::2, ::2])
        flags = _dihedral_flags(la, lr)
        assert flags is not None
        assert _dihedral_flags(ha, hr) == flags
        seen.add(flags)
    assert len(seen) == 8


@pytest.mark.multi_backend
def test_crop_errors():
    lr, hr = _block_pair(3, 3, 4)
    with pytest.raises(ValueError, match="multiple of scale"):
        random_crop_pair(lr, hr, 10, 4)
    with pytest.raises(ValueError, match="smaller than the LR patch"):
        random_crop_pair(lr, hr, 16, 4)
    with pytest.raises(ValueError, match="smaller than LR"):
        random_crop_pair(lr, hr[:8], 8, 4)


def test_tf_crop_and_augment_aligned_deterministic():
    import tensorflow as tf

    from keras_fasrgan.data.augment import center_crop_pair_tf
    from keras_fasrgan.data.augment import random_augment_tf
    from keras_fasrgan.data.augment import random_crop_pair_tf

    lr, hr = _block_pair(9, 11, 4)
    seen = set()
    for i in range(24):
        seed = tf.constant([5, i], tf.int64)
        lp, hp = random_crop_pair_tf(tf.constant(lr), tf.constant(hr), 16, 4, seed)
        lp, hp = random_augment_tf(lp, hp, seed + 1)
        assert lp.shape == (4, 4, 2) and hp.shape == (16, 16, 2)
        np.testing.assert_array_equal(lp.numpy(), hp.numpy()[::4, ::4])
        seen.add(int(lp.numpy()[0, 0, 0]))
        again = random_crop_pair_tf(tf.constant(lr), tf.constant(hr), 16, 4, seed)[0]
        again = random_augment_tf(again, again, seed + 1)[0]
        np.testing.assert_array_equal(again.numpy(), lp.numpy())
    assert len(seen) > 8
    lp, hp = center_crop_pair_tf(tf.constant(lr), tf.constant(hr), 8, 4)
    np.testing.assert_array_equal(lp.numpy(), lr[3:5, 4:6])
    np.testing.assert_array_equal(hp.numpy(), hr[12:20, 16:24])
    with pytest.raises(tf.errors.InvalidArgumentError, match="smaller than the LR patch"):
        random_crop_pair_tf(tf.constant(lr), tf.constant(hr), 48, 4, tf.constant([0, 0]))
