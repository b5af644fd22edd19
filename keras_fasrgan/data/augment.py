"""Aligned random crops and flips/transposes of (LR, HR) pairs, in NumPy and TensorFlow.

The official recipe (BasicSR / the FASRGAN code) crops an HR patch of `patch_size` at `(y, x)`
and the LR patch of `patch_size / scale` at `(y / scale, x / scale)` (both corners on the LR
grid), then applies a horizontal flip, a vertical flip and a transpose, each with probability
0.5, identically to both images.

The NumPy functions take a `seed` (int, `None` or a `np.random.Generator`); the TensorFlow
ones (`*_tf`) take a stateless seed (a shape `[2]` int tensor), so a `tf.data` pipeline is
deterministic whatever its parallelism.
"""

import numpy as np


def _check_pair(lr_shape, hr_shape, scale):
    if len(lr_shape) < 2 or len(hr_shape) < 2:
        raise ValueError(f"images must be (H, W) or (H, W, C); got LR {lr_shape}, HR {hr_shape}")
    if hr_shape[0] < lr_shape[0] * scale or hr_shape[1] < lr_shape[1] * scale:
        raise ValueError(
            f"HR of shape {tuple(hr_shape)} is smaller than LR {tuple(lr_shape)} x {scale}"
        )


def _patch_sizes(patch_size, scale):
    patch_size, scale = int(patch_size), int(scale)
    if patch_size % scale:
        raise ValueError(f"patch_size {patch_size} must be a multiple of scale {scale}")
    return patch_size, patch_size // scale


def random_crop_pair(lr, hr, patch_size, scale, seed=None):
    """Random aligned crop: HR `patch_size` square at `(y, x)`, LR at `(y / s, x / s)`.

    Args:
        lr: `(h, w, ...)` array.
        hr: `(H, W, ...)` array with `H >= h * scale`, `W >= w * scale`.
        patch_size: HR patch size (a multiple of `scale`).
        scale: the super-resolution factor.
        seed: int, `None` or `np.random.Generator`.

    Returns:
        `(lr_patch, hr_patch)`.

    Examples:
        >>> hr = np.zeros((64, 64, 3)); lr = np.zeros((16, 16, 3))
        >>> l, h = random_crop_pair(lr, hr, 32, 4, seed=0)
        >>> l.shape, h.shape
        ((8, 8, 3), (32, 32, 3))
    """
    lr, hr = np.asarray(lr), np.asarray(hr)
    patch_size, lr_size = _patch_sizes(patch_size, scale)
    _check_pair(lr.shape, hr.shape, scale)
    if lr.shape[0] < lr_size or lr.shape[1] < lr_size:
        raise ValueError(f"LR of shape {lr.shape} is smaller than the LR patch {lr_size}")
    rng = np.random.default_rng(seed)
    y = int(rng.integers(0, lr.shape[0] - lr_size + 1))
    x = int(rng.integers(0, lr.shape[1] - lr_size + 1))
    s = int(scale)
    return (
        lr[y:y + lr_size, x:x + lr_size],
        hr[y * s:y * s + patch_size, x * s:x * s + patch_size],
    )


def random_augment(lr, hr, seed=None):
    """Horizontal flip, vertical flip and transpose, each with p = 0.5, applied to both.

    Examples:
        >>> lr, hr = np.arange(4).reshape(2, 2), np.arange(16).reshape(4, 4)
        >>> l, h = random_augment(lr, hr, seed=1)
        >>> l.shape, h.shape
        ((2, 2), (4, 4))
    """
    rng = np.random.default_rng(seed)
    hflip, vflip, transpose = rng.random(3) < 0.5
    return tuple(_apply_flags(np.asarray(a), hflip, vflip, transpose) for a in (lr, hr))


def _apply_flags(a, hflip, vflip, transpose):
    if hflip:
        a = a[:, ::-1]
    if vflip:
        a = a[::-1]
    if transpose:
        a = np.swapaxes(a, 0, 1)
    return np.ascontiguousarray(a)


def random_crop_pair_tf(lr, hr, patch_size, scale, seed):
    """`random_crop_pair` with TensorFlow ops and a stateless `seed` (shape `[2]`).

    The output shapes are static: `(p / s, p / s, C)` and `(p, p, C)`. Inputs of shape
    `(H, W, C)`; sizes may be dynamic. A runtime check fails, naming the sizes, when the LR is
    smaller than the patch or the HR smaller than LR x scale.

    Examples:
        >>> import tensorflow as tf  # doctest: +SKIP
        >>> l, h = random_crop_pair_tf(lr, hr, 128, 4, seed=tf.constant([0, 1]))  # doctest: +SKIP
    """
    import tensorflow as tf

    patch_size, lr_size = _patch_sizes(patch_size, scale)
    lr_shape, hr_shape = tf.shape(lr), tf.shape(hr)
    checks = [
        tf.debugging.assert_greater_equal(
            lr_shape[:2], lr_size, message=f"LR image smaller than the LR patch {lr_size}"
        ),
        tf.debugging.assert_greater_equal(
            hr_shape[:2], lr_shape[:2] * scale, message=f"HR image smaller than LR x {scale}"
        ),
    ]
    with tf.control_dependencies(checks):
        limits = lr_shape[:2] - lr_size + 1
        corner = tf.random.stateless_uniform(
            [2], seed=seed, minval=0, maxval=tf.int32.max, dtype=tf.int32
        )
        corner = tf.math.floormod(corner, tf.maximum(limits, 1))
    y, x = corner[0], corner[1]
    lr_patch = lr[y:y + lr_size, x:x + lr_size]
    hr_patch = hr[y * scale:y * scale + patch_size, x * scale:x * scale + patch_size]
    lr_patch.set_shape([lr_size, lr_size, lr.shape[-1]])
    hr_patch.set_shape([patch_size, patch_size, hr.shape[-1]])
    return lr_patch, hr_patch


def center_crop_pair_tf(lr, hr, patch_size, scale):
    """Aligned center crop (the LR corner is the LR center minus half the LR patch).

    Examples:
        >>> l, h = center_crop_pair_tf(lr, hr, 128, 4)  # doctest: +SKIP
    """
    import tensorflow as tf

    patch_size, lr_size = _patch_sizes(patch_size, scale)
    lr_shape = tf.shape(lr)
    check = tf.debugging.assert_greater_equal(
        lr_shape[:2], lr_size, message=f"LR image smaller than the LR patch {lr_size}"
    )
    with tf.control_dependencies([check]):
        y = (lr_shape[0] - lr_size) // 2
        x = (lr_shape[1] - lr_size) // 2
    lr_patch = lr[y:y + lr_size, x:x + lr_size]
    hr_patch = hr[y * scale:y * scale + patch_size, x * scale:x * scale + patch_size]
    lr_patch.set_shape([lr_size, lr_size, lr.shape[-1]])
    hr_patch.set_shape([patch_size, patch_size, hr.shape[-1]])
    return lr_patch, hr_patch


def random_augment_tf(lr, hr, seed):
    """`random_augment` with TensorFlow ops and a stateless `seed` (shape `[2]`).

    Square inputs keep their static shapes; for non-square ones the transpose makes the
    height and width dynamic.

    Examples:
        >>> l, h = random_augment_tf(lr, hr, seed=tf.constant([0, 1]))  # doctest: +SKIP
    """
    import tensorflow as tf

    flags = tf.random.stateless_uniform([3], seed=seed) < 0.5

    def apply(a):
        static = a.shape
        a = tf.cond(flags[0], lambda: tf.reverse(a, [1]), lambda: a)
        a = tf.cond(flags[1], lambda: tf.reverse(a, [0]), lambda: a)
        perm = [1, 0] + list(range(2, static.rank))
        a = tf.cond(flags[2], lambda: tf.transpose(a, perm), lambda: a)
        if static[0] is not None and static[0] == static[1]:
            a.set_shape(static)
        return a

    return apply(lr), apply(hr)
