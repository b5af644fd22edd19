"""`fasrgan benchmark`: PSNR/SSIM of a generator and of bicubic on a benchmark folder."""


def add_parser(subparsers):
    p = subparsers.add_parser(
        "benchmark",
        help="PSNR/SSIM of a model vs bicubic on a benchmark folder (Set5, Set14, ...)",
        description=(
            "Runs the model on a benchmark set and reports PSNR/SSIM (Y channel, border crop = "
            "scale, the paper's protocol) per image and on average, next to the bicubic "
            "baseline. LR images are made from HR with MATLAB's bicubic unless --lr is given."
        ),
    )
    p.add_argument("--model", required=True, metavar="SPEC",
                   help=".keras (a generator or a trainer saved after fit), .weights.h5 "
                        "(+ JSON architecture), .pth, .tflite or a preset name")
    p.add_argument("--hr", required=True, metavar="DIR", help="folder of HR images")
    p.add_argument("--lr", default=None, metavar="DIR",
                   help="folder of LR images (default: MATLAB bicubic of HR)")
    p.add_argument("--scale", type=int, default=None,
                   help="scale factor (default: the model's)")
    p.add_argument("--tile", type=int, default=0, metavar="N",
                   help="tile size, 0 for whole images (default)")
    p.add_argument("--tile-pad", type=int, default=16, metavar="N")
    p.add_argument("--engine", choices=("auto", "keras", "tflite"), default="auto")
    p.add_argument("--self-ensemble", action="store_true")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def evaluate_folder(model, pairs, scale, tile=None, tile_pad=16, engine="auto",
                    self_ensemble=False):
    """Per-image and mean PSNR/SSIM of `model` and of bicubic on `(name, lr, hr)` pairs.

    Returns:
        `{"images": [{"name", "psnr", "ssim", "bicubic_psnr", "bicubic_ssim"}, ...],
        "mean": {...}}`.

    Examples:
        >>> evaluate_folder(model, paired_folder("Set5/HR", scale=4), 4)["mean"]  # doctest: +SKIP
    """
    import numpy as np

    from keras_fasrgan.data import imresize
    from keras_fasrgan.inference import upscale
    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.metrics import ssim

    rows = []
    for name, lr, hr in pairs:
        sr = upscale(model, lr, tile=tile, tile_pad=tile_pad, engine=engine,
                     self_ensemble=self_ensemble)
        bic = imresize(lr, scale)
        rows.append({
            "name": name,
            "psnr": psnr(sr, hr, crop_border=scale),
            "ssim": ssim(sr, hr, crop_border=scale),
            "bicubic_psnr": psnr(bic, hr, crop_border=scale),
            "bicubic_ssim": ssim(bic, hr, crop_border=scale),
        })
    keys = ("psnr", "ssim", "bicubic_psnr", "bicubic_ssim")
    mean = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    return {"images": rows, "mean": mean}


def format_table(results):
    """A Markdown table of `evaluate_folder` results."""
    lines = [
        "| image | bicubic PSNR | bicubic SSIM | model PSNR | model SSIM |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results["images"] + [dict(results["mean"], name="**mean**")]:
        lines.append(
            f"| {r['name']} | {r['bicubic_psnr']:.2f} | {r['bicubic_ssim']:.4f} | "
            f"{r['psnr']:.2f} | {r['ssim']:.4f} |"
        )
    return "\n".join(lines)


def _check_args(args):
    """Options and folders, checked before the slow imports."""
    import os

    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli.paths import check_engine
    from keras_fasrgan.cli.paths import check_model_spec
    from keras_fasrgan.data.files import describe_dir
    from keras_fasrgan.data.files import list_images

    if args.scale is not None and args.scale < 1:
        raise CLIError("--scale must be positive")
    if args.tile < 0 or args.tile_pad < 0:
        raise CLIError("--tile and --tile-pad must be positive (or 0)")
    for folder, flag in ((args.hr, "--hr"), (args.lr, "--lr")):
        if folder is None:
            continue
        if not os.path.isdir(folder):
            raise CLIError(f"{flag} {folder}: not a folder ({describe_dir(folder)})")
        if not list_images(folder):
            raise CLIError(f"{flag} {folder}: holds no images ({describe_dir(folder)})")
    check_engine(args.engine)
    check_model_spec(args.model)


def run(args):
    import json

    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli import import_keras

    _check_args(args)
    import_keras()
    from keras_fasrgan.data import DatasetError
    from keras_fasrgan.data import paired_folder
    from keras_fasrgan.inference import model_scale
    from keras_fasrgan.loading import ModelLoadError
    from keras_fasrgan.loading import load_generator

    try:
        model = load_generator(args.model)
    except ModelLoadError as e:
        raise CLIError(str(e)) from None
    scale = model_scale(model)
    if args.scale is not None and args.scale != scale:
        raise CLIError(f"--scale {args.scale} does not match the model's scale x{scale}")
    try:
        pairs = paired_folder(args.hr, args.lr, scale=scale)
        results = evaluate_folder(
            model, pairs, scale, tile=args.tile or None, tile_pad=args.tile_pad,
            engine=args.engine, self_ensemble=args.self_ensemble,
        )
    except DatasetError as e:
        raise CLIError(str(e)) from None
    results["model"] = args.model
    results["scale"] = scale
    results["protocol"] = f"Y channel (BT.601), border crop {scale}"
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"model {args.model}, x{scale}, {len(results['images'])} images, "
              f"{results['protocol']}")
        print(format_table(results))
    return 0
