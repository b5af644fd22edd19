"""DIV2K as a streaming `tf.data` pipeline of aligned (LR, HR) patches.

Layout (as unpacked from the official archives), for `split` in `train` / `valid`:

    root/
      DIV2K_train_HR/0001.png ... 0800.png
      DIV2K_train_LR_bicubic/X4/0001x4.png ... 0800x4.png     (optional)
      DIV2K_valid_HR/0801.png ... 0900.png
      DIV2K_valid_LR_bicubic/X4/0801x4.png ... 0900x4.png     (optional)

When the `LR_bicubic/X{scale}` folder is absent, the LR images are made once with the MATLAB
bicubic (`bicubic_lr`: the whole HR image cropped to a multiple of `scale`, then
`imresize(hr, 1 / scale)`) and cached as PNGs in `<cache_dir or root>/DIV2K_<split>_LR_matlab/
X{scale}/<stem>x{scale}.png`, written atomically; later calls reuse them. The LR of a patch is
never computed from the patch itself (its borders would differ from the benchmark LR).

Images are read from disk by `tf.data` (parallel `tf.io.decode_png`, prefetch); nothing holds
the whole set in memory.
"""

import concurrent.futures
import os

import numpy as np

from keras_fasrgan.data.augment import center_crop_pair_tf
from keras_fasrgan.data.augment import random_augment_tf
from keras_fasrgan.data.augment import random_crop_pair_tf
from keras_fasrgan.data.files import DatasetError
from keras_fasrgan.data.files import describe_dir
from keras_fasrgan.data.files import image_size
from keras_fasrgan.data.files import keep_large_enough
from keras_fasrgan.data.files import list_images
from keras_fasrgan.data.files import raise_collected
from keras_fasrgan.data.imresize import bicubic_lr
from keras_fasrgan.data.pipeline import AUTOTUNE
from keras_fasrgan.data.pipeline import check_scale
from keras_fasrgan.data.pipeline import split_dataset
from keras_fasrgan.data.pipeline import to_float
from keras_fasrgan.data.subimages import subimage_pairs


def div2k_pairs(root, split="train", scale=4, cache_dir=None, validate=True, workers=None):
    """The `(hr_path, lr_path)` pairs of a DIV2K split; makes and caches missing LR once.

    Args:
        root: folder holding `DIV2K_<split>_HR/` (and optionally `DIV2K_<split>_LR_bicubic/`).
        split: `"train"` or `"valid"`.
        scale: 2, 3, 4 or any integer factor.
        cache_dir: where MATLAB-bicubic LR is written when `LR_bicubic/X{scale}` is absent
            (default `root`); the files go to `<cache_dir>/DIV2K_<split>_LR_matlab/X{scale}/`.
        validate: check every file's header: readable, and LR size `== HR size // scale`.
        workers: threads used to make the LR cache (default: up to 4).

    Returns:
        A list of `(hr_path, lr_path)` sorted by name.

    Raises:
        DatasetError: wrong root (lists what it found), missing LR files, sizes that do not
            match, unreadable files; each message names the files.

    Examples:
        >>> pairs = div2k_pairs("~/data/DIV2K", "train", 4)  # doctest: +SKIP
        >>> pairs[0]  # doctest: +SKIP
        ('.../DIV2K_train_HR/0001.png', '.../DIV2K_train_LR_bicubic/X4/0001x4.png')
    """
    root = os.path.expanduser(os.fspath(root))
    scale = check_scale(scale)
    if split not in ("train", "valid"):
        raise ValueError(f"split must be 'train' or 'valid', got {split!r}")
    hr_dir = os.path.join(root, f"DIV2K_{split}_HR")
    if not os.path.isdir(hr_dir):
        raise DatasetError(
            f"no DIV2K {split} images: expected the folder {hr_dir} (layout root/DIV2K_{split}_HR/"
            f"0001.png, optional root/DIV2K_{split}_LR_bicubic/X{scale}/0001x{scale}.png); "
            + describe_dir(root)
        )
    hr_paths = list_images(hr_dir, (".png",))
    if not hr_paths:
        raise DatasetError(f"no .png images in {hr_dir}; " + describe_dir(hr_dir))
    stems = [os.path.splitext(os.path.basename(p))[0] for p in hr_paths]
    lr_dir = os.path.join(root, f"DIV2K_{split}_LR_bicubic", f"X{scale}")
    if os.path.isdir(lr_dir):
        lr_paths = [os.path.join(lr_dir, f"{s}x{scale}.png") for s in stems]
        missing = [f"{lr}: missing (LR of {hr})" for hr, lr in zip(hr_paths, lr_paths)
                   if not os.path.exists(lr)]
        raise_collected(missing, f"LR files missing in {lr_dir}")
    else:
        cache_root = os.path.expanduser(os.fspath(cache_dir)) if cache_dir else root
        lr_dir = os.path.join(cache_root, f"DIV2K_{split}_LR_matlab", f"X{scale}")
        lr_paths = [os.path.join(lr_dir, f"{s}x{scale}.png") for s in stems]
        make_lr_cache(list(zip(hr_paths, lr_paths)), scale, workers=workers)
    pairs = list(zip(hr_paths, lr_paths))
    if validate:
        check_pairs(pairs, scale)
    return pairs


def make_lr_cache(pairs, scale, workers=None):
    """Writes `lr_path = bicubic_lr(read(hr_path), scale)` for every pair whose LR is absent.

    Files are written atomically, so an interrupted run leaves no partial PNG and the next run
    makes only what is missing. Returns the number of files written.

    Examples:
        >>> make_lr_cache([("hr/0001.png", "lr/X4/0001x4.png")], 4)  # doctest: +SKIP
        1
    """
    from keras_fasrgan.utils import ImageReadError
    from keras_fasrgan.utils import read_image
    from keras_fasrgan.utils import write_image

    todo = [(hr, lr) for hr, lr in pairs if not os.path.exists(lr)]
    if not todo:
        return 0
    directory = os.path.dirname(todo[0][1])
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        raise DatasetError(
            f"cannot create the LR cache folder {directory} ({e}); give a writable folder with "
            "--cache-dir (cache_dir= in Python)"
        ) from None

    def one(pair):
        hr_path, lr_path = pair
        try:
            hr = read_image(hr_path)
        except ImageReadError as e:
            raise DatasetError(str(e)) from None
        _, lr = bicubic_lr(hr, scale)
        write_image(lr_path, lr)

    workers = workers or min(4, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, todo))
    return len(todo)


def check_pairs(pairs, scale):
    """Header check of every pair: readable, `LR size == HR size // scale`; one error for all."""
    problems = []
    for hr_path, lr_path in pairs:
        try:
            hh, hw = image_size(hr_path)
            lh, lw = image_size(lr_path)
        except DatasetError as e:
            problems.append(str(e))
            continue
        if (lh, lw) != (hh // scale, hw // scale):
            problems.append(
                f"{lr_path}: LR size {lh}x{lw} does not match HR {hr_path} ({hh}x{hw}) / {scale}"
                f" = {hh // scale}x{hw // scale}"
            )
    raise_collected(problems, "bad image pairs")


def div2k(
    root,
    split="train",
    scale=4,
    patch_size=128,
    batch_size=16,
    augment=None,
    shuffle=None,
    repeat=None,
    cache_dir=None,
    num_parallel_calls=AUTOTUNE,
    seed=None,
    subimages=False,
    patches_per_image=1,
    validate=True,
    start=0,
):
    """DIV2K `(lr, hr)` batches for `model.fit`, streamed from disk.

    Args:
        root: folder holding `DIV2K_<split>_HR/` (see the module docstring for the layout).
        split: `"train"` or `"valid"`.
        scale: super-resolution factor.
        patch_size: HR patch size (LR patch `patch_size // scale`). Training crops at random;
            `"valid"` crops the center. `None` gives whole images (then `batch_size` must be 1).
        batch_size: batch size; the last partial batch is dropped, so shapes are static.
        augment: random hflip / vflip / transpose (p = 0.5 each). Default: `split == "train"`.
        shuffle: shuffle the files every epoch. Default: `split == "train"`.
        repeat: repeat forever (then pass `steps_per_epoch` to `fit`). Default:
            `split == "train"`.
        cache_dir: where MATLAB-bicubic LR (and sub-images) are cached when DIV2K's own
            `LR_bicubic` folder is absent. Default `root`.
        num_parallel_calls: parallel decoding in `map`.
        seed: int for a reproducible stream (crop positions, flips, file order); `None` draws
            one at random.
        subimages: first cut HR into 480x480 sub-images with stride 240 (and LR accordingly),
            once, as the official recipe (`<cache_dir>/DIV2K_<split>_HR_sub/`). Decoding a
            480x480 PNG is ~10x cheaper than a 2K one.
        patches_per_image: random patches cut from every decoded image (> 1 amortises the
            decoding; the patches are then shuffled in a buffer).
        validate: check every file header (readability, sizes) before streaming.
        start: begin at the stream's `start`-th patch, exactly as if the ones before had
            been read, without decoding them (`train()` resumes with it).

    Returns:
        A `tf.data.Dataset` of `(lr, hr)` float32 in [0, 1], shapes
        `(batch_size, patch_size // scale, patch_size // scale, 3)` and
        `(batch_size, patch_size, patch_size, 3)`.

    Examples:
        >>> train = div2k("~/data/DIV2K", "train", scale=4, patch_size=128, batch_size=16)  # doctest: +SKIP
        >>> val = div2k("~/data/DIV2K", "valid", patch_size=256, batch_size=1)  # doctest: +SKIP
        >>> model.fit(train, steps_per_epoch=1000, validation_data=val)  # doctest: +SKIP
    """
    scale = check_scale(scale)
    pairs = div2k_pairs(root, split, scale, cache_dir=cache_dir, validate=validate)
    if subimages:
        out_root = os.path.expanduser(os.fspath(cache_dir or root))
        pairs = subimage_pairs(pairs, out_root, scale, split=split)
        if not pairs:
            raise DatasetError(f"subimages=True: every {split} image is smaller than the "
                               "480x480 sub-image size; turn sub-images off (--set "
                               "subimages=false, subimages=False in Python)")
    if patch_size is not None:
        where = os.path.dirname(pairs[0][0])
        keep = set(keep_large_enough([hr for hr, _ in pairs], patch_size, where))
        pairs = [p for p in pairs if p[0] in keep]
    return split_dataset(
        pairs,
        split,
        scale=scale,
        patch_size=patch_size,
        batch_size=batch_size,
        augment=augment,
        shuffle=shuffle,
        repeat=repeat,
        num_parallel_calls=num_parallel_calls,
        seed=seed,
        patches_per_image=patches_per_image,
        start=start,
    )


def div2k_tfds(split="train", scale=4, patch_size=128, batch_size=16, data_dir=None, **kwargs):
    """DIV2K from `tensorflow_datasets` (`div2k/bicubic_x{scale}`), same pipeline as `div2k`.

    `tensorflow_datasets` is not a dependency of this package; install it to use this source.
    The TFDS LR images are DIV2K's official MATLAB-bicubic ones. The images are decoded in
    memory by TFDS, so this source is slower to start than a folder.

    Examples:
        >>> ds = div2k_tfds("train", scale=4, data_dir="~/tensorflow_datasets")  # doctest: +SKIP
    """
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise ImportError(
            "div2k_tfds needs the optional package tensorflow_datasets "
            "(`pip install tensorflow-datasets`); or download DIV2K and use div2k(root)"
        ) from None
    import tensorflow as tf

    split_name = {"train": "train", "valid": "validation"}[split]
    source = tfds.load(f"div2k/bicubic_x{scale}", split=split_name, data_dir=data_dir)
    seed = kwargs.pop("seed", None)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31 - 1))
    is_train = split == "train"
    augment = kwargs.pop("augment", is_train)
    shuffle = kwargs.pop("shuffle", is_train)
    repeat = kwargs.pop("repeat", is_train)
    if kwargs:
        raise TypeError(f"unexpected arguments {sorted(kwargs)}")
    if shuffle:
        source = source.shuffle(64, seed=seed)
    if repeat:
        source = source.repeat()

    def crop(index, example):
        lr, hr = example["lr"], example["hr"]
        s = tf.stack([tf.constant(seed, tf.int64), 2 * index])
        if is_train:
            lr, hr = random_crop_pair_tf(lr, hr, patch_size, scale, s)
        else:
            lr, hr = center_crop_pair_tf(lr, hr, patch_size, scale)
        if augment:
            lr, hr = random_augment_tf(lr, hr, s + tf.constant([0, 1], tf.int64))
        return to_float(lr), to_float(hr)

    ds = source.enumerate().map(crop, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
