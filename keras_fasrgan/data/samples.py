"""Built-in real photographs (bundled with scikit-image and matplotlib, available offline)
for the demo, the docs and the tests.

A fixed split keeps held-out photos that no demo model ever trains on, so that the demo shows
what its models do on unseen photos of several kinds:

    SAMPLE_TRAIN   = chelsea (cat, 300x451), rocket (427x640), immunohistochemistry (512x512),
                     hubble_deep_field (872x1000), motorcycle (500x741, scikit-image's
                     stereo pair, left view), grace_hopper (600x512, matplotlib's sample data)
    SAMPLE_HELDOUT = astronaut (512x512), coffee (400x600), retina (1411x1411), moon,
                     camera, gravel (512x512 each), coins (303x384)

The training photos are all in colour (grey photos would teach a model to desaturate). The
held-out photos span the kinds in `SAMPLE_KINDS`: colour portrait, saturated colour, a dark
background, smooth grey, sharp grey edges, grey texture. Grey photos are returned as RGB with
three equal channels. `colorwheel` (370x371), scikit-image's synthetic chart of every hue
from white to full saturation, is offered as a colour reference for training (the demo's GAN
stage uses it); it is no photograph and in neither split. (`cat` is the same picture as
`chelsea`, and is not offered.)
"""

import numpy as np

from keras_fasrgan.data.imresize import bicubic_lr

SAMPLE_NAMES = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "immunohistochemistry",
    "hubble_deep_field",
    "retina",
    "motorcycle",
    "grace_hopper",
    "moon",
    "camera",
    "gravel",
    "coins",
    "colorwheel",
)
SAMPLE_TRAIN = (
    "chelsea",
    "rocket",
    "immunohistochemistry",
    "hubble_deep_field",
    "motorcycle",
    "grace_hopper",
)
SAMPLE_HELDOUT = ("astronaut", "coffee", "retina", "moon", "camera", "gravel", "coins")
# What each held-out photo tests.
SAMPLE_KINDS = {
    "astronaut": "colour portrait",
    "coffee": "saturated colour",
    "retina": "saturated red on a black background",
    "moon": "smooth, grey, low contrast",
    "camera": "grey, sharp edges",
    "gravel": "grey texture",
    "coins": "grey detail on a dark background",
}


def sample_images(names=None):
    """Real photographs as `{name: uint8 (H, W, 3) array}` (grey ones with equal channels).

    Args:
        names: a name or names from `SAMPLE_NAMES`; default `SAMPLE_TRAIN + SAMPLE_HELDOUT`.

    Examples:
        >>> images = sample_images(["astronaut"])
        >>> images["astronaut"].shape, images["astronaut"].dtype
        ((512, 512, 3), dtype('uint8'))
    """

    if names is None:
        names = SAMPLE_TRAIN + SAMPLE_HELDOUT
    names = (names,) if isinstance(names, str) else tuple(names)
    unknown = [n for n in names if n not in SAMPLE_NAMES]
    if unknown:
        raise ValueError(f"unknown sample image(s) {unknown}; choose from {SAMPLE_NAMES}")
    out = {}
    for name in names:
        image = _load_sample(name)
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=-1)
        out[name] = np.ascontiguousarray(image[..., :3].astype(np.uint8))
    return out


def _load_sample(name):
    import skimage.data

    if name == "motorcycle":
        return np.asarray(skimage.data.stereo_motorcycle()[0])
    if name == "grace_hopper":
        import matplotlib.cbook
        from PIL import Image

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
            return np.asarray(Image.open(f).convert("RGB"))
    return np.asarray(getattr(skimage.data, name)())


def sample_pairs(names=None, scale=4):
    """`{name: (lr, hr)}` uint8 pairs: HR cropped to a multiple of `scale`, LR MATLAB bicubic.

    Examples:
        >>> lr, hr = sample_pairs(["coffee"], scale=4)["coffee"]
        >>> lr.shape, hr.shape
        ((100, 150, 3), (400, 600, 3))
    """
    return {
        name: tuple(reversed(bicubic_lr(image, scale)))
        for name, image in sample_images(names).items()
    }


def sample_dataset(
    names=None,
    scale=4,
    patch_size=64,
    batch_size=16,
    augment=True,
    seed=None,
    num_batches=None,
):
    """Random aligned `(lr, hr)` patches of the sample photos, as a `tf.data.Dataset`.

    The LR of every photo is made once from the whole image (`bicubic_lr`), the pairs are kept
    in memory (they are small), and patches are cut from a uniformly chosen photo with the
    same aligned crop and augmentation as `div2k`.

    Args:
        names: sample names; default `SAMPLE_TRAIN`.
        scale: super-resolution factor.
        patch_size: HR patch size (a multiple of `scale`, at most the smallest photo).
        batch_size: batch size.
        augment: random hflip / vflip / transpose.
        seed: int for a reproducible stream; `None` draws one.
        num_batches: stop after this many batches; `None` repeats forever.

    Returns:
        Batches `(lr, hr)` float32 in [0, 1], shapes `(batch_size, p / s, p / s, 3)` and
        `(batch_size, p, p, 3)`.

    Examples:
        >>> ds = sample_dataset(scale=4, patch_size=32, batch_size=2, seed=0, num_batches=1)  # doctest: +SKIP
        >>> [(lr.shape, hr.shape) for lr, hr in ds]  # doctest: +SKIP
        [(TensorShape([2, 8, 8, 3]), TensorShape([2, 32, 32, 3]))]
    """
    import tensorflow as tf

    from keras_fasrgan.data.augment import random_augment_tf

    names = SAMPLE_TRAIN if names is None else names
    pairs = list(sample_pairs(names, scale).values())
    if patch_size % scale:
        raise ValueError(f"patch_size {patch_size} must be a multiple of scale {scale}")
    lr_size = patch_size // scale
    smallest = min(min(lr.shape[:2]) for lr, _ in pairs)
    if lr_size > smallest:
        raise ValueError(f"patch_size {patch_size} is larger than the smallest photo allows "
                         f"({smallest * scale})")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31 - 1))
    seed = int(seed)

    # All photos in one flat buffer per resolution; a patch is one gather of its pixels.
    def flat(images):
        offsets = np.cumsum([0] + [im.size for im in images])[:-1]
        return (tf.constant(np.concatenate([im.reshape(-1) for im in images])),
                tf.constant(offsets, tf.int64),
                tf.constant([im.shape[:2] for im in images], tf.int64))

    lr_buf, lr_off, lr_shape = flat([lr for lr, _ in pairs])
    hr_buf, hr_off, hr_shape = flat([hr for _, hr in pairs])
    count = len(pairs)

    def patch(buf, off, width, y, x, size):
        rows = tf.range(size, dtype=tf.int64)[:, None, None]
        cols = tf.range(size, dtype=tf.int64)[None, :, None]
        chans = tf.range(3, dtype=tf.int64)[None, None, :]
        index = off + ((y + rows) * width + (x + cols)) * 3 + chans
        return tf.gather(buf, index)

    def make(index):
        s = tf.stack([tf.constant(seed, tf.int64), index])
        r = tf.random.stateless_uniform([3], seed=s, minval=0, maxval=2**31 - 1, dtype=tf.int64)
        i = r[0] % count
        y = r[1] % (lr_shape[i][0] - lr_size + 1)
        x = r[2] % (lr_shape[i][1] - lr_size + 1)
        lr = patch(lr_buf, lr_off[i], lr_shape[i][1], y, x, lr_size)
        hr = patch(hr_buf, hr_off[i], hr_shape[i][1], y * scale, x * scale, patch_size)
        if augment:
            lr, hr = random_augment_tf(lr, hr, s + tf.constant([0, 2**31], tf.int64))
        return tf.cast(lr, tf.float32) / 255.0, tf.cast(hr, tf.float32) / 255.0

    ds = tf.data.Dataset.counter() if num_batches is None else tf.data.Dataset.range(
        int(num_batches) * batch_size)
    ds = ds.map(make, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def write_sample_folder(directory, names=None, layout="div2k", split="train", scale=4,
                        with_lr=False):
    """Writes sample photos as PNG files in a dataset layout, to exercise the folder loaders.

    Args:
        directory: output root (created; existing files of the same names are replaced).
        names: sample names; default `SAMPLE_TRAIN` for `split="train"`, else `SAMPLE_HELDOUT`.
        layout: `"div2k"`: `<dir>/DIV2K_<split>_HR/<name>.png` (and with `with_lr`,
            `<dir>/DIV2K_<split>_LR_bicubic/X<scale>/<name>x<scale>.png`), for `div2k(dir)`;
            `"paired"`: `<dir>/HR/<name>.png` (and `<dir>/LR_bicubic/X<scale>/<name>x<scale>.png`),
            for `paired_folder(dir + "/HR", ...)`.
        split: DIV2K split name for the `"div2k"` layout.
        scale: factor of the LR files.
        with_lr: also write MATLAB-bicubic LR files.

    Returns:
        `(hr_dir, lr_dir_or_None)`.

    Examples:
        >>> hr_dir, _ = write_sample_folder("/tmp/fake_div2k")  # doctest: +SKIP
        >>> ds = div2k("/tmp/fake_div2k", patch_size=64, batch_size=4)  # doctest: +SKIP
    """
    import os

    from keras_fasrgan.utils import write_image

    if names is None:
        names = SAMPLE_TRAIN if split == "train" else SAMPLE_HELDOUT
    directory = os.fspath(directory)
    if layout == "div2k":
        hr_dir = os.path.join(directory, f"DIV2K_{split}_HR")
        lr_dir = os.path.join(directory, f"DIV2K_{split}_LR_bicubic", f"X{scale}")
    elif layout == "paired":
        hr_dir = os.path.join(directory, "HR")
        lr_dir = os.path.join(directory, "LR_bicubic", f"X{scale}")
    else:
        raise ValueError(f"layout must be 'div2k' or 'paired', got {layout!r}")
    os.makedirs(hr_dir, exist_ok=True)
    for name, image in sample_images(names).items():
        write_image(os.path.join(hr_dir, f"{name}.png"), image)
        if with_lr:
            os.makedirs(lr_dir, exist_ok=True)
            _, lr = bicubic_lr(image, scale)
            write_image(os.path.join(lr_dir, f"{name}x{scale}.png"), lr)
    return hr_dir, (lr_dir if with_lr else None)
