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
import json
import os

import numpy as np

from keras_fasrgan.data.augment import center_crop_pair_tf
from keras_fasrgan.data.augment import random_augment_tf
from keras_fasrgan.data.augment import random_crop_pair_tf
from keras_fasrgan.data.files import DatasetError
from keras_fasrgan.data.files import describe_dir
from keras_fasrgan.data.files import image_size
from keras_fasrgan.data.files import list_images
from keras_fasrgan.data.files import raise_collected
from keras_fasrgan.data.imresize import bicubic_lr

AUTOTUNE = -1  # tf.data.AUTOTUNE, without importing TensorFlow at module import

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"


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

    Example:
    >>> pairs = div2k_pairs("~/data/DIV2K", "train", 4)  # doctest: +SKIP
    >>> pairs[0]  # doctest: +SKIP
    ('.../DIV2K_train_HR/0001.png', '.../DIV2K_train_LR_bicubic/X4/0001x4.png')
    """
    root = os.path.expanduser(os.fspath(root))
    scale = _check_scale(scale)
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

    Example:
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
            f"cannot create the LR cache folder {directory} ({e}); pass cache_dir= a writable folder"
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


def extract_subimages(hr_dir, out_dir, crop_size=480, step=240, thresh_size=0):
    """Cuts every image of `hr_dir` into `crop_size` squares with stride `step` (official recipe).

    As BasicSR's `extract_subimages.py`: positions `0, step, 2 step, ...` plus a last one flush
    with the border when more than `thresh_size` pixels would be left over; outputs are
    `<out_dir>/<stem>_s001.png`, `_s002`, ... (row-major). Files already present are kept.
    Returns the list of written or existing sub-image paths.

    Example:
    >>> extract_subimages("DIV2K/DIV2K_train_HR", "DIV2K/DIV2K_train_HR_sub")  # doctest: +SKIP
    """
    from keras_fasrgan.utils import read_image
    from keras_fasrgan.utils import write_image

    out = []
    for path in list_images(hr_dir):
        stem = os.path.splitext(os.path.basename(path))[0]
        image = None
        positions = _positions(image_size(path), crop_size, step, thresh_size)
        for index, (y, x) in enumerate(positions, start=1):
            target = os.path.join(out_dir, f"{stem}_s{index:03d}.png")
            if not os.path.exists(target):
                image = read_image(path) if image is None else image
                write_image(target, image[y:y + crop_size, x:x + crop_size])
            out.append(target)
    return out


def _positions(shape, crop, step, thresh):
    def axis(n):
        if n < crop:
            return []
        starts = list(range(0, n - crop + 1, step))
        if n - (starts[-1] + crop) > thresh:
            starts.append(n - crop)
        return starts

    return [(y, x) for y in axis(shape[0]) for x in axis(shape[1])]


def subimage_pairs(pairs, out_root, scale, crop_size=480, step=240, thresh_size=0, split="train",
                   workers=None):
    """Aligned sub-images of (HR, LR) pairs, made once under `out_root`.

    Positions are taken on the LR grid (`crop_size / scale`, `step / scale`) and multiplied by
    `scale` for HR, so every HR sub-image's LR is exactly the matching LR crop. Writes
    `<out_root>/DIV2K_<split>_HR_sub/<stem>_s001.png` and
    `<out_root>/DIV2K_<split>_LR_sub/X<scale>/<stem>_s001x<scale>.png`, and a `.complete`
    marker recording the parameters; with a matching marker nothing is read or written.
    Images are processed by `workers` threads (default: up to 4).
    """
    from keras_fasrgan.utils import read_image
    from keras_fasrgan.utils import write_image
    from keras_fasrgan.utils import atomic_write

    if crop_size % scale or step % scale:
        raise ValueError(f"crop_size {crop_size} and step {step} must be multiples of {scale}")
    hr_out = os.path.join(out_root, f"DIV2K_{split}_HR_sub")
    lr_out = os.path.join(out_root, f"DIV2K_{split}_LR_sub", f"X{scale}")
    marker = os.path.join(hr_out, f".complete_x{scale}")
    params = {"crop_size": crop_size, "step": step, "thresh_size": thresh_size, "scale": scale,
              "sources": [os.path.basename(h) for h, _ in pairs]}
    if os.path.exists(marker):
        with open(marker) as f:
            saved = json.load(f)
        if saved.get("params") == params:
            return [tuple(p) for p in saved["pairs"]]
    lc, ls, lt = crop_size // scale, step // scale, thresh_size // scale

    def one(pair):
        hr_path, lr_path = pair
        stem = os.path.splitext(os.path.basename(hr_path))[0]
        hr = lr = None
        made = []
        for index, (y, x) in enumerate(_positions(image_size(lr_path), lc, ls, lt), start=1):
            hr_target = os.path.join(hr_out, f"{stem}_s{index:03d}.png")
            lr_target = os.path.join(lr_out, f"{stem}_s{index:03d}x{scale}.png")
            if not (os.path.exists(hr_target) and os.path.exists(lr_target)):
                hr = read_image(hr_path) if hr is None else hr
                lr = read_image(lr_path) if lr is None else lr
                ys, xs = y * scale, x * scale
                write_image(hr_target, hr[ys:ys + crop_size, xs:xs + crop_size])
                write_image(lr_target, lr[y:y + lc, x:x + lc])
            made.append((hr_target, lr_target))
        return made

    os.makedirs(hr_out, exist_ok=True)
    os.makedirs(lr_out, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(workers or min(4, os.cpu_count() or 1)) as pool:
        out = [p for made in pool.map(one, pairs) for p in made]
    with atomic_write(marker, suffix=".json") as tmp:
        with open(tmp, "w") as f:
            json.dump({"params": params, "pairs": out}, f)
    return out


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

    Returns:
        A `tf.data.Dataset` of `(lr, hr)` float32 in [0, 1], shapes
        `(batch_size, patch_size // scale, patch_size // scale, 3)` and
        `(batch_size, patch_size, patch_size, 3)`.

    Example:
    >>> train = div2k("~/data/DIV2K", "train", scale=4, patch_size=128, batch_size=16)  # doctest: +SKIP
    >>> val = div2k("~/data/DIV2K", "valid", patch_size=256, batch_size=1)  # doctest: +SKIP
    >>> model.fit(train, steps_per_epoch=1000, validation_data=val)  # doctest: +SKIP
    """
    scale = _check_scale(scale)
    pairs = div2k_pairs(root, split, scale, cache_dir=cache_dir, validate=validate)
    if subimages:
        out_root = os.path.expanduser(os.fspath(cache_dir or root))
        pairs = subimage_pairs(pairs, out_root, scale, split=split)
        if not pairs:
            raise DatasetError(f"subimages=True: every {split} image is smaller than the "
                               "480x480 sub-image size; use subimages=False")
    is_train = split == "train"
    return pair_dataset(
        pairs,
        scale=scale,
        patch_size=patch_size,
        batch_size=batch_size,
        augment=is_train if augment is None else augment,
        shuffle=is_train if shuffle is None else shuffle,
        repeat=is_train if repeat is None else repeat,
        random_crop=is_train,
        num_parallel_calls=num_parallel_calls,
        seed=seed,
        patches_per_image=patches_per_image,
    )


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
):
    """The `tf.data` pipeline behind `div2k`, for any list of `(hr_path, lr_path)` PNG pairs.

    Every element gets its own stateless seed `(seed, index)`, so the stream is the same for a
    given `seed` whatever `num_parallel_calls`. Decoding checks each file is a complete PNG and
    that the LR is `HR // scale`, and fails naming the file otherwise.

    Example:
    >>> ds = pair_dataset([("hr/a.png", "lr/ax4.png")], scale=4, patch_size=64)  # doctest: +SKIP
    """
    import tensorflow as tf

    scale = _check_scale(scale)
    if not pairs:
        raise DatasetError("no image pairs")
    if patch_size is None and batch_size != 1:
        raise ValueError("whole images (patch_size=None) have different sizes: use batch_size=1")
    if patch_size is not None and (patch_size % scale or patch_size < scale):
        raise ValueError(f"patch_size {patch_size} must be a positive multiple of scale {scale}")
    if patches_per_image < 1:
        raise ValueError(f"patches_per_image must be >= 1, got {patches_per_image}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31 - 1))
    seed = int(seed)
    hr_paths = [os.fspath(h) for h, _ in pairs]
    lr_paths = [os.fspath(lr) for _, lr in pairs]

    ds = tf.data.Dataset.from_tensor_slices((hr_paths, lr_paths))
    if shuffle:
        ds = ds.shuffle(len(pairs), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.enumerate()

    def load(index, hr_path, lr_path):
        hr = _decode_png(hr_path)
        lr = _decode_png(lr_path)
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
            return _to_float(lr), _to_float(hr)
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
            return _to_float(out_lr[0]), _to_float(out_hr[0])
        return _to_float(tf.stack(out_lr)), _to_float(tf.stack(out_hr))

    ds = ds.map(lambda i, p: load(i, p[0], p[1]), num_parallel_calls=num_parallel_calls)
    if patches_per_image > 1:
        ds = ds.unbatch()
        if shuffle:
            ds = ds.shuffle(max(4 * patches_per_image, 2 * batch_size), seed=seed + 1)
    ds = ds.batch(batch_size, drop_remainder=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    options.deterministic = True
    return ds.with_options(options).prefetch(tf.data.AUTOTUNE)


def _decode_png(path):
    """Reads and decodes a PNG to uint8 RGB; a truncated or non-PNG file fails naming it."""
    import tensorflow as tf

    data = tf.io.read_file(path)
    size = tf.strings.length(data)
    complete = tf.logical_and(
        tf.equal(tf.strings.substr(data, 0, 8), _PNG_SIGNATURE),
        tf.logical_and(
            size >= 20,
            tf.equal(tf.strings.substr(data, tf.maximum(size - 8, 0), 8), _PNG_END),
        ),
    )
    check = tf.debugging.Assert(complete, ["not a complete PNG file (corrupt or truncated):", path])
    with tf.control_dependencies([check]):
        image = tf.io.decode_png(data, channels=3, dtype=tf.uint8)
    return image


def _to_float(image):
    import tensorflow as tf

    return tf.cast(image, tf.float32) / 255.0


def _check_scale(scale):
    if int(scale) != scale or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale}")
    return int(scale)


def div2k_tfds(split="train", scale=4, patch_size=128, batch_size=16, data_dir=None, **kwargs):
    """DIV2K from `tensorflow_datasets` (`div2k/bicubic_x{scale}`), same pipeline as `div2k`.

    `tensorflow_datasets` is not a dependency of this package; install it to use this source.
    The TFDS LR images are DIV2K's official MATLAB-bicubic ones. The images are decoded in
    memory by TFDS, so this source is slower to start than a folder.

    Example:
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
        return _to_float(lr), _to_float(hr)

    ds = source.enumerate().map(crop, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
