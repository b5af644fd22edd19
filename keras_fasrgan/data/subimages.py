"""The official sub-images: DIV2K cut into 480x480 squares with stride 240 (BasicSR's script).

Decoding a 480x480 PNG is about 10x cheaper than a 2K one, so training streams sub-images.
"""

import concurrent.futures
import json
import os

from keras_fasrgan.data.files import image_size
from keras_fasrgan.data.files import list_images


def extract_subimages(hr_dir, out_dir, crop_size=480, step=240, thresh_size=0):
    """Cuts every image of `hr_dir` into `crop_size` squares with stride `step` (official recipe).

    As BasicSR's `extract_subimages.py`: positions `0, step, 2 step, ...` plus a last one flush
    with the border when more than `thresh_size` pixels would be left over; outputs are
    `<out_dir>/<stem>_s001.png`, `_s002`, ... (row-major). Files already present are kept.
    Returns the list of written or existing sub-image paths.

    Examples:
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
