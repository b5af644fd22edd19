"""The `tf.data` pipeline of aligned (LR, HR) patches from a list of image-file pairs.

`div2k`, the photo-folder datasets and `subimage_pairs` all end here: files are read and
decoded by `tf.data` (parallel `map`, prefetch), cropped and augmented with per-element
stateless seeds, and batched with static shapes. Nothing holds the whole set in memory.
"""

import os

import numpy as np

from keras_fasrgan.data.augment import center_crop_pair_tf
from keras_fasrgan.data.augment import random_augment_tf
from keras_fasrgan.data.augment import random_crop_pair_tf
from keras_fasrgan.data.files import DatasetError

AUTOTUNE = -1  # tf.data.AUTOTUNE, without importing TensorFlow at module import

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_SIGNATURE = b"\xff\xd8\xff"


def pair_dataset(
    pairs,
    scale=4,
    patch_size=128,
    batch_size=16,
    augment=True,
    shuffle=True,
    repeat=True,
    random_crop=True,
    num_parallel_calls=AUTOTUNE,
    seed=None,
    patches_per_image=1,
    start=0,
):
    """The `tf.data` pipeline behind `div2k`, for any list of `(hr_path, lr_path)` pairs.

    Files are PNG or JPEG. Every element gets its own stateless seed `(seed, index)`, and the
    file order of each pass is a permutation drawn from `(seed, pass)`, so the stream is the
    same for a given `seed` whatever `num_parallel_calls`, and for every iterator. `start`
    begins the stream at its `start`-th patch exactly as if those had been read (nothing
    before it is decoded: a resumed run continues with the patches an uninterrupted run
    would have seen); it needs `patches_per_image=1`. Decoding checks each
    file is a complete PNG (or a JPEG) and that the LR is `HR // scale`, and fails naming the
    file otherwise.

    Examples:
        >>> ds = pair_dataset([("hr/a.png", "lr/ax4.png")], scale=4, patch_size=64)  # doctest: +SKIP
    """
    import tensorflow as tf

    scale = check_scale(scale)
    if not pairs:
        raise DatasetError("no image pairs")
    if patch_size is None and batch_size != 1:
        raise ValueError("whole images (patch_size=None) have different sizes: use batch_size=1")
    if patch_size is not None and (patch_size % scale or patch_size < scale):
        raise ValueError(f"patch_size {patch_size} must be a positive multiple of scale {scale}")
    if patches_per_image < 1:
        raise ValueError(f"patches_per_image must be >= 1, got {patches_per_image}")
    if start and patches_per_image != 1:
        raise ValueError("start > 0 needs patches_per_image=1 (the patch shuffle buffer)")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31 - 1))
    seed = int(seed)
    hr_paths = [os.fspath(h) for h, _ in pairs]
    lr_paths = [os.fspath(lr) for _, lr in pairs]

    ds = _file_order(len(pairs), shuffle, repeat, seed, int(start)).map(
        lambda i: (tf.gather(hr_paths, i), tf.gather(lr_paths, i))
    )
    ds = ds.enumerate(start=int(start))

    def load(index, hr_path, lr_path):
        hr = decode_image(hr_path)
        lr = decode_image(lr_path)
        hr_shape, lr_shape = tf.shape(hr), tf.shape(lr)
        check = tf.debugging.Assert(
            tf.reduce_all(hr_shape[:2] // scale == lr_shape[:2]),
            ["LR size does not match HR size //", scale, "LR:", lr_path, lr_shape,
             "HR:", hr_path, hr_shape],
        )
        with tf.control_dependencies([check]):
            hr = tf.identity(hr)
        if patch_size is None:
            hr = hr[: lr_shape[0] * scale, : lr_shape[1] * scale]
            return to_float(lr), to_float(hr)
        out_lr, out_hr = [], []
        for k in range(patches_per_image):
            crop_seed = tf.stack([tf.constant(seed, tf.int64), index * 2 * patches_per_image + 2 * k])
            aug_seed = crop_seed + tf.constant([0, 1], tf.int64)
            if random_crop:
                lr_p, hr_p = random_crop_pair_tf(lr, hr, patch_size, scale, crop_seed)
            else:
                lr_p, hr_p = center_crop_pair_tf(lr, hr, patch_size, scale)
            if augment:
                lr_p, hr_p = random_augment_tf(lr_p, hr_p, aug_seed)
            out_lr.append(lr_p)
            out_hr.append(hr_p)
        if patches_per_image == 1:
            return to_float(out_lr[0]), to_float(out_hr[0])
        return to_float(tf.stack(out_lr)), to_float(tf.stack(out_hr))

    ds = ds.map(lambda i, p: load(i, p[0], p[1]), num_parallel_calls=num_parallel_calls)
    if patches_per_image > 1:
        ds = ds.unbatch()
        if shuffle:
            ds = ds.shuffle(
                max(4 * patches_per_image, 2 * batch_size), seed=seed + 1,
                reshuffle_each_iteration=False,
            )
    ds = ds.batch(batch_size, drop_remainder=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    options.deterministic = True
    return ds.with_options(options).prefetch(tf.data.AUTOTUNE)


def _file_order(n, shuffle, repeat, seed, start=0):
    """Indices of the files, pass after pass (a permutation drawn from `(seed, pass)` when
    shuffling), from the `start`-th on. Every iterator of the dataset yields the same stream,
    however many were made before (Keras and `tf.distribute` make iterators of their own),
    unlike `shuffle` with `reshuffle_each_iteration=True`."""
    import tensorflow as tf

    first, skip = divmod(start, n)
    passes = tf.data.Dataset.range(first, 2**62 if repeat else 1)

    def one_pass(index):
        if not shuffle:
            return tf.data.Dataset.range(n)
        keys = tf.random.stateless_uniform([n], seed=tf.stack([tf.constant(seed, tf.int64), index]))
        return tf.data.Dataset.from_tensor_slices(tf.cast(tf.argsort(keys), tf.int64))

    return passes.flat_map(one_pass).skip(skip)


def split_dataset(pairs, split, augment=None, shuffle=None, repeat=None, **kwargs):
    """`pair_dataset` with the defaults of a split: `"train"` crops at random, augments,
    shuffles and repeats; `"valid"` crops the center, one pass in order.

    Examples:
        >>> val = split_dataset(pairs, "valid", scale=4, patch_size=None, batch_size=1)  # doctest: +SKIP
    """
    if split not in ("train", "valid"):
        raise ValueError(f"split must be 'train' or 'valid', got {split!r}")
    is_train = split == "train"
    return pair_dataset(
        pairs,
        augment=is_train if augment is None else augment,
        shuffle=is_train if shuffle is None else shuffle,
        repeat=is_train if repeat is None else repeat,
        random_crop=is_train,
        **kwargs,
    )


def decode_image(path):
    """Reads and decodes a PNG or JPEG to uint8 RGB; a truncated or foreign file fails naming it.

    A PNG must end with its IEND chunk (a truncated PNG decodes without error otherwise); a
    JPEG must start with its SOI marker (libjpeg reports a truncated JPEG itself).
    """
    import tensorflow as tf

    data = tf.io.read_file(path)
    size = tf.strings.length(data)
    png = tf.logical_and(
        tf.equal(tf.strings.substr(data, 0, 8), _PNG_SIGNATURE),
        tf.logical_and(
            size >= 20,
            tf.equal(tf.strings.substr(data, tf.maximum(size - 8, 0), 8), _PNG_END),
        ),
    )
    jpeg = tf.equal(tf.strings.substr(data, 0, 3), _JPEG_SIGNATURE)
    check = tf.debugging.Assert(
        tf.logical_or(png, jpeg), ["not a complete PNG or JPEG file (corrupt or truncated):", path]
    )
    with tf.control_dependencies([check]):
        image = tf.io.decode_image(data, channels=3, dtype=tf.uint8, expand_animations=False)
    return image


def to_float(image):
    """uint8 tensor -> float32 in [0, 1]."""
    import tensorflow as tf

    return tf.cast(image, tf.float32) / 255.0


def check_scale(scale):
    """`scale` as an int; ValueError unless it is a positive integer."""
    if int(scale) != scale or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale}")
    return int(scale)


