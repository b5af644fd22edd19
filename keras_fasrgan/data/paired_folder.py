"""Whole-image (LR, HR) pairs from benchmark folders: Set5, Set14, BSD100, Urban100, Manga109,
DIV2K valid, PIRM val.

LR files are matched to HR files by name stem, ignoring the usual scale suffixes, so all of
these layouts work (for `scale=4`):

    HR/baby.png          LR/baby.png
    HR/baby.png          LR_bicubic/X4/babyx4.png           (DIV2K style)
    HR/baby.png          LR/baby_x4.png, LR/baby_LR_x4.png
    baby_HR_x4.png       baby_LRBI_x4.png / baby_LRBD_x4.png / baby_bicLRx4.png

HR is cropped to a multiple of `scale`; the LR must then be exactly `HR / scale` in size. When
no LR folder is given, the LR is made with the MATLAB bicubic (`bicubic_lr`), as the benchmarks'
published LR were.
"""

import os
import re

import numpy as np

from keras_fasrgan.data.files import DatasetError
from keras_fasrgan.data.files import describe_dir
from keras_fasrgan.data.files import list_images
from keras_fasrgan.data.imresize import bicubic_lr
from keras_fasrgan.data.imresize import modcrop


def match_key(stem, scale):
    """The name an image is matched by: its stem without HR/LR/scale suffixes.

    Examples:
        >>> [match_key(s, 4) for s in ("baby", "babyx4", "baby_LRBI_x4", "baby_HR_x4", "0801x4")]
        ['baby', 'baby', 'baby', 'baby', '0801']
    """
    key = re.sub(
        rf"(?:[_-]?(?:HR|LR|LRBI|LRBD|LRDN|bicLR|SR))?[_-]?[xX]{int(scale)}$", "", stem
    )
    key = re.sub(r"[_-](?:HR|LR|GT)$", "", key)
    return key or stem


class PairedFolder:
    """Lazily loaded whole-image pairs: iterate for `(name, lr_uint8, hr_uint8)`.

    Use `paired_folder(...)` to build one. Images are read on access (nothing is cached in
    memory), so a large folder costs nothing until it is iterated. 16-bit files are reduced
    to 8-bit.

    Examples:
        >>> pairs = paired_folder("Set5/HR", "Set5/LR_bicubic/X4", scale=4)  # doctest: +SKIP
        >>> for name, lr, hr in pairs:  # doctest: +SKIP
        ...     sr = upscale(lr)
    """

    def __init__(self, hr_paths, lr_paths, scale, names):
        self.hr_paths = list(hr_paths)
        self.lr_paths = list(lr_paths)  # entries None: LR made with the MATLAB bicubic
        self.scale = int(scale)
        self.names = list(names)

    def __len__(self):
        return len(self.hr_paths)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        from keras_fasrgan.utils import ImageReadError
        from keras_fasrgan.utils import read_image

        hr_path, lr_path = self.hr_paths[index], self.lr_paths[index]
        try:
            hr = _to_uint8(read_image(hr_path))
            if lr_path is None:
                hr, lr = bicubic_lr(hr, self.scale)
                return self.names[index], lr, hr
            lr = _to_uint8(read_image(lr_path))
        except ImageReadError as e:
            raise DatasetError(str(e)) from None
        hr = modcrop(hr, self.scale)
        expected = (hr.shape[0] // self.scale, hr.shape[1] // self.scale)
        if lr.shape[:2] != expected:
            raise DatasetError(
                f"{lr_path}: LR size {lr.shape[0]}x{lr.shape[1]} does not match HR {hr_path} "
                f"({hr.shape[0]}x{hr.shape[1]} after cropping to a multiple of {self.scale}) "
                f"/ {self.scale} = {expected[0]}x{expected[1]}"
            )
        return self.names[index], lr, hr

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        source = "MATLAB bicubic" if self.lr_paths and self.lr_paths[0] is None else "files"
        return f"PairedFolder({len(self)} pairs, scale={self.scale}, LR from {source})"

    def as_dataset(self, float_range=True):
        """A `tf.data.Dataset` of `(lr, hr)` batches of 1 whole image, for `model.evaluate`.

        Args:
            float_range: float32 in [0, 1] (default) or the uint8 arrays.

        Examples:
            >>> model.evaluate(paired_folder("Set5/HR").as_dataset())  # doctest: +SKIP
        """
        import tensorflow as tf

        def gen():
            for _, lr, hr in self:
                yield lr, hr

        spec = tf.TensorSpec((None, None, 3), tf.uint8)
        ds = tf.data.Dataset.from_generator(gen, output_signature=(spec, spec))
        if float_range:
            ds = ds.map(lambda lr, hr: (tf.cast(lr, tf.float32) / 255.0,
                                        tf.cast(hr, tf.float32) / 255.0))
        ds = ds.apply(tf.data.experimental.assert_cardinality(len(self)))
        return ds.batch(1, drop_remainder=True).prefetch(2)


def _to_uint8(image):
    if image.dtype == np.uint16:
        return np.floor(image.astype(np.float64) / 257.0 + 0.5).astype(np.uint8)
    return image


def paired_folder(hr_dir, lr_dir=None, scale=4):
    """Whole-image benchmark pairs from an HR folder and an optional LR folder.

    Args:
        hr_dir: folder of HR images (any format `read_image` reads).
        lr_dir: folder of LR images matched by name (see the module docstring); `None` makes
            LR with the MATLAB bicubic from HR cropped to a multiple of `scale`.
        scale: super-resolution factor.

    Returns:
        A `PairedFolder`: a sequence of `(name, lr_uint8, hr_uint8)` with `.as_dataset()`.

    Raises:
        DatasetError: missing folders (lists what was found), HR images without a matching LR
            (named), two LR files matching one HR image, and (on access) unreadable files or an
            LR size that is not HR / scale (named).

    Examples:
        >>> set5 = paired_folder("Set5/HR", "Set5/LR_bicubic/X4", scale=4)  # doctest: +SKIP
        >>> name, lr, hr = set5[0]  # doctest: +SKIP
    """
    hr_dir = os.path.expanduser(os.fspath(hr_dir))
    scale = int(scale)
    if not os.path.isdir(hr_dir):
        parent = os.path.dirname(os.path.abspath(hr_dir))
        raise DatasetError(f"HR folder {hr_dir} not found; " + describe_dir(parent))
    hr_paths = list_images(hr_dir)
    if not hr_paths:
        raise DatasetError(f"no images in the HR folder {hr_dir}; " + describe_dir(hr_dir))
    stems = [os.path.splitext(os.path.basename(p))[0] for p in hr_paths]
    names = [re.sub(rf"[_-](?:HR|GT)(?:[_-]?[xX]{scale})?$", "", s) or s for s in stems]
    if lr_dir is None:
        return PairedFolder(hr_paths, [None] * len(hr_paths), scale, names)
    lr_dir = os.path.expanduser(os.fspath(lr_dir))
    if not os.path.isdir(lr_dir):
        parent = os.path.dirname(os.path.abspath(lr_dir))
        raise DatasetError(f"LR folder {lr_dir} not found; " + describe_dir(parent))
    by_key = {}
    for path in list_images(lr_dir):
        key = match_key(os.path.splitext(os.path.basename(path))[0], scale)
        by_key.setdefault(key, []).append(path)
    lr_paths, problems = [], []
    for hr_path, stem, name in zip(hr_paths, stems, names):
        # The exact stem first ("box4" with "box4x4.png"), then the stem without suffixes.
        found = by_key.get(stem) or by_key.get(match_key(stem, scale), [])
        if len(found) != 1:
            what = "no LR file" if not found else "several LR files " + ", ".join(found)
            problems.append(f"{hr_path}: {what} named like {name!r} in {lr_dir}")
        lr_paths.append(found[0] if found else None)
    if problems:
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise DatasetError(
            "cannot match LR to HR images (LR names may be the HR stem, optionally with "
            f"x{scale}, _x{scale}, _LR_x{scale}, _LRBI_x{scale}):\n  "
            + "\n  ".join(problems[:10]) + more + "\n  " + describe_dir(lr_dir)
        )
    return PairedFolder(hr_paths, lr_paths, scale, names)
