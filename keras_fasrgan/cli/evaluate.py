"""`fasrgan evaluate SR_DIR HR_DIR`: PSNR / SSIM with the paper's protocol (Table I).

Pairs SR and HR files by name stem (an exact stem first, else the longest HR stem that
prefixes the SR stem, so `baby_FASRGAN.png` pairs with `baby.png`), crops `--scale` pixels of
border, and reports the Y-channel (BT.601) PSNR and SSIM per image and their means. When the
sizes differ by less than the scale (HR not a multiple of the scale: the official scripts
`modcrop` HR first), both images are cut to the common top-left region.

`--json` prints one valid JSON object: an infinite PSNR (SR equal to HR) is written as `null`
and explained in `"notes"`. Every argument is checked before the images are read.
"""

import os
import sys

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm")
# What `--figure` can write (matplotlib's Agg canvas).
FIGURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".pdf", ".svg", ".tif", ".tiff", ".webp")


def add_parser(subparsers):
    p = subparsers.add_parser(
        "evaluate",
        help="PSNR/SSIM of a folder of SR images against HR (the paper's protocol)",
        description=__doc__.split("\n\n", 1)[1] if "\n\n" in __doc__ else None,
    )
    p.add_argument("sr_dir", help="folder of super-resolved images")
    p.add_argument("hr_dir", help="folder of ground-truth HR images")
    p.add_argument("--scale", type=int, default=4, help="scale factor = border cropped (default 4)")
    p.add_argument("--rgb", action="store_true", help="compare RGB channels instead of Y")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--niqe", nargs="?", const="", default=None, metavar="PARAMS",
                   help="also compute NIQE of each SR image (lower is better), with the shipped "
                   "standard parameters or those of the file PARAMS (niqe_pris_params.npz or "
                   "modelparameters.mat); put it after the folders")
    p.add_argument("--figure", metavar="OUT.png", help="write a comparison figure")
    p.add_argument("--figure-image", metavar="NAME",
                   help="image (stem) shown in --figure (default: the first one)")
    p.set_defaults(func=run)


def list_images(folder):
    """Image files of a folder (not recursive), sorted by name."""
    return sorted(
        os.path.join(folder, f)
        for f in os.listdir(folder)
        if f.lower().endswith(IMAGE_EXTENSIONS) and not f.startswith(".")
        and os.path.isfile(os.path.join(folder, f))
    )


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def pair_files(sr_files, hr_files):
    """Pairs SR with HR files by stem.

    An exact stem match wins; otherwise the longest HR stem that is a prefix of the SR stem
    (for suffixes such as `_FASRGAN` or `_x4_SR`).

    Returns:
        `(pairs, sr_unmatched, hr_unmatched)`: `pairs` is a list of `(name, sr, hr)` sorted by
        HR name, where `name` is the HR stem.
    """
    hr_by_stem = {}
    for f in hr_files:
        hr_by_stem.setdefault(_stem(f), f)
    matched = {}
    sr_unmatched = []
    for sr in sr_files:
        s = _stem(sr)
        if s in hr_by_stem:
            key = s
        else:
            prefixes = [h for h in hr_by_stem if s.startswith(h)]
            key = max(prefixes, key=len) if prefixes else None
        if key is None or key in matched and _stem(matched[key]) == key:
            sr_unmatched.append(sr)
            continue
        if key in matched:  # two SR files claim the same HR: keep the exact match / first
            if _stem(sr) != key:
                sr_unmatched.append(sr)
                continue
            sr_unmatched.append(matched[key])
        matched[key] = sr
    pairs = [(k, matched[k], hr_by_stem[k]) for k in sorted(matched)]
    hr_unmatched = [hr_by_stem[k] for k in sorted(hr_by_stem) if k not in matched]
    return pairs, sr_unmatched, hr_unmatched


def align(sr, hr, scale, sr_path):
    """Cuts SR and HR to a common size when they differ by less than `scale` per side."""
    if sr.shape[:2] == hr.shape[:2]:
        return sr, hr
    dh = abs(sr.shape[0] - hr.shape[0])
    dw = abs(sr.shape[1] - hr.shape[1])
    if dh < scale and dw < scale:
        h = min(sr.shape[0], hr.shape[0])
        w = min(sr.shape[1], hr.shape[1])
        return sr[:h, :w], hr[:h, :w]
    raise ValueError(
        f"{sr_path}: size {sr.shape[1]}x{sr.shape[0]} does not match its HR image "
        f"({hr.shape[1]}x{hr.shape[0]}) at scale {scale}"
    )


def _match_channels(sr, hr):
    """Both grayscale -> keep (used as Y); otherwise both RGB (alpha dropped)."""
    import numpy as np

    # read_image(mode="keep") gives gray + alpha as (H, W, 2): the gray plane.
    sr, hr = (a[..., 0] if a.ndim == 3 and a.shape[-1] == 2 else a for a in (sr, hr))

    def rgb(a):
        if a.ndim == 2:
            return np.repeat(a[..., None], 3, axis=-1)
        return a[..., :3]

    if sr.ndim == 2 and hr.ndim == 2:
        return sr, hr
    return rgb(sr), rgb(hr)


def evaluate_pair(sr_path, hr_path, scale, y_channel=True, niqe_params=None):
    """PSNR/SSIM (and NIQE) of one SR/HR file pair; raises ValueError naming the file."""
    from keras_fasrgan.metrics import niqe
    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.metrics import ssim
    from keras_fasrgan.utils import read_image

    sr = read_image(sr_path, mode="keep")
    hr = read_image(hr_path, mode="keep")
    sr, hr = _match_channels(sr, hr)
    sr, hr = align(sr, hr, scale, sr_path)
    try:
        result = {
            "psnr": psnr(sr, hr, crop_border=scale, y_channel=y_channel),
            "ssim": ssim(sr, hr, crop_border=scale, y_channel=y_channel),
        }
        if niqe_params is not None:
            result["niqe"] = niqe(sr, niqe_params, crop_border=scale)
    except ValueError as e:
        raise ValueError(f"{sr_path}: {e}") from None
    return result


def _check_scale_and_folders(scale, folders):
    """Raises `CLIError` unless `scale >= 1` and each `(path, what)` of `folders` is a folder.

    Shared by `evaluate` and `recognition`; `what` names the argument in the message.
    """
    from keras_fasrgan.cli import CLIError

    if scale < 1:
        raise CLIError(f"--scale must be >= 1, got {scale}")
    for folder, what in folders:
        if not os.path.isdir(folder):
            raise CLIError(f"{what} {folder} does not exist or is not a folder")


def _check_figure_path(path):
    """Raises `CLIError` unless `path` has a figure extension and its folder can be made."""
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli.paths import check_writable

    if os.path.isdir(path):
        raise CLIError(f"--figure {path} is a folder; give a file name such as compare.png")
    if not path.lower().endswith(FIGURE_EXTENSIONS):
        raise CLIError(f"--figure {path}: the file name must end with one of "
                       f"{', '.join(FIGURE_EXTENSIONS)}")
    check_writable(os.path.dirname(os.path.abspath(path)), folder=True, what=f"--figure {path}")


def json_report(means, rows, errors, scale, y_channel):
    """The `--json` object; non-finite values (PSNR of SR == HR) become null, with a note."""
    import math

    notes = []

    def finite(value, what):
        if isinstance(value, float) and not math.isfinite(value):
            notes.append(f"{what} is {value} (SR equals HR), written as null")
            return None
        return value

    images = [{k: finite(v, f"{r['name']}: {k}") for k, v in r.items()} for r in rows]
    report = {k: finite(v, f"mean {k}") for k, v in means.items()}
    report.update({"images": images, "scale": scale, "y_channel": y_channel})
    if errors:
        report["failed"] = [{"name": n, "error": m} for n, m in errors]
    if notes:
        report["notes"] = notes
    return report


def run(args):
    import json

    import numpy as np

    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.utils import ImageReadError

    _check_scale_and_folders(args.scale, ((args.sr_dir, "SR folder"), (args.hr_dir, "HR folder")))
    if args.figure:
        _check_figure_path(args.figure)
    sr_files = list_images(args.sr_dir)
    hr_files = list_images(args.hr_dir)
    if not hr_files:
        raise CLIError(f"no images in HR folder {args.hr_dir}")
    if not sr_files:
        raise CLIError(f"no images in SR folder {args.sr_dir}")
    pairs, sr_unmatched, hr_unmatched = pair_files(sr_files, hr_files)
    errors = []
    for f in sr_unmatched:
        errors.append((_stem(f), f"{f}: no HR image with a matching name in {args.hr_dir}"))
    for f in hr_unmatched:
        errors.append((_stem(f), f"{f}: no SR image with a matching name in {args.sr_dir}"))

    if args.figure:
        _figure_pair(args, pairs)  # an unknown --figure-image fails before any evaluation
    niqe_params = None
    if args.niqe is not None:
        from keras_fasrgan.metrics import load_niqe_params

        try:
            niqe_params = load_niqe_params(args.niqe or None)
        except (FileNotFoundError, ValueError) as e:
            raise CLIError(str(e)) from None

    rows = []
    for name, sr_path, hr_path in pairs:
        try:
            result = evaluate_pair(sr_path, hr_path, args.scale, not args.rgb, niqe_params)
        except (ImageReadError, ValueError) as e:
            errors.append((name, str(e)))
            continue
        rows.append({"name": name, **result})

    for _, message in errors:
        print(f"fasrgan evaluate: {message}", file=sys.stderr)

    keys = ["psnr", "ssim"] + (["niqe"] if niqe_params is not None else [])
    means = {k: (float(np.mean([r[k] for r in rows])) if rows else None) for k in keys}
    if args.json:
        print(json.dumps(json_report(means, rows, errors, args.scale, not args.rgb), allow_nan=False))
    else:
        channel = "RGB" if args.rgb else "Y"
        header = f"{'image':<24} {'PSNR (dB)':>10} {'SSIM':>8}" + (f" {'NIQE':>8}" if niqe_params else "")
        print(f"{channel} channel, scale {args.scale}, {args.scale} px border cropped")
        print(header)
        print("-" * len(header))
        for r in rows:
            line = f"{r['name']:<24} {r['psnr']:>10.4f} {r['ssim']:>8.4f}"
            if niqe_params is not None:
                line += f" {r['niqe']:>8.4f}"
            print(line)
        print("-" * len(header))
        if rows:
            line = f"{'mean (' + str(len(rows)) + ')':<24} {means['psnr']:>10.4f} {means['ssim']:>8.4f}"
            if niqe_params is not None:
                line += f" {means['niqe']:>8.4f}"
            print(line)
        if errors:
            print(f"{len(errors)} image(s) failed; see the messages above")

    if args.figure:
        _write_figure(args, pairs, errors)
    return 1 if errors or not rows else 0


def _figure_pair(args, pairs, failed=()):
    """The `(name, sr, hr)` pair shown by `--figure`: `--figure-image` or the first one."""
    from keras_fasrgan.cli import CLIError

    candidates = [p for p in pairs if p[0] not in failed]
    if args.figure_image:
        want = os.path.splitext(os.path.basename(args.figure_image))[0]
        candidates = [p for p in pairs if p[0] == want or _stem(p[1]) == want]
        if not candidates:
            raise CLIError(f"--figure-image {args.figure_image}: no image of that name to evaluate")
    if not candidates:
        raise CLIError("no image could be evaluated, so no figure was written")
    return candidates[0]


def _write_figure(args, pairs, errors):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.data.imresize import imresize
    from keras_fasrgan.utils import ImageReadError
    from keras_fasrgan.utils import read_image
    from keras_fasrgan.visualize import comparison_figure

    name, sr_path, hr_path = _figure_pair(args, pairs, {n for n, _ in errors})
    try:
        sr = read_image(sr_path)
        hr = read_image(hr_path)
        sr, hr = align(sr, hr, args.scale, sr_path)
    except (ImageReadError, ValueError) as e:
        raise CLIError(str(e)) from None
    h, w = hr.shape[:2]
    h, w = h - h % args.scale, w - w % args.scale
    sr, hr = sr[:h, :w], hr[:h, :w]
    lr = imresize(hr, 1.0 / args.scale)
    bicubic = imresize(lr, float(args.scale))[:h, :w]
    comparison_figure(lr, sr, hr, bicubic=bicubic, path=args.figure, crop_border=args.scale)
    print(f"figure of {name} written to {args.figure}", file=sys.stderr)
