"""`fasrgan upscale`: super-resolve image files or folders."""

import os

DEFAULT_TILE = 256


def add_parser(subparsers):
    p = subparsers.add_parser(
        "upscale",
        help="super-resolve images (files or folders) with a generator",
        description=(
            "Super-resolve images with a generator. INPUT may be files or folders (all images "
            "directly inside). OUTPUT is a folder (created if needed; outputs keep the input "
            "names with --ext), or a file when there is one input image. Inputs are never "
            "overwritten. Unreadable images are reported and skipped; the exit code is then 1."
        ),
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files or folders")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="output folder or file")
    p.add_argument(
        "--model", required=True, metavar="SPEC",
        help="generator: .keras, .weights.h5 (+ JSON architecture), .pth or a preset name",
    )
    p.add_argument(
        "--tile", type=int, default=DEFAULT_TILE, metavar="N",
        help=f"tile size in input pixels, 0 for the whole image (default {DEFAULT_TILE})",
    )
    p.add_argument("--tile-pad", type=int, default=16, metavar="N",
                   help="context pixels around each tile (default 16)")
    p.add_argument("--batch-size", type=int, default=4, metavar="N",
                   help="tiles per network call (default 4)")
    p.add_argument("--scale-out", type=float, default=None, metavar="F",
                   help="resize the result to F times the input size (Lanczos), e.g. 2 with a x4 "
                        "model")
    p.add_argument("--engine", choices=("auto", "keras", "tflite"), default="auto",
                   help="auto: TFLite/XNNPACK on CPU with ai-edge-litert, Keras otherwise")
    p.add_argument("--self-ensemble", action="store_true",
                   help="average the 8 flips/transposes (8x slower)")
    p.add_argument("--ext", default="png", metavar="EXT",
                   help="output format in folder mode (default png)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _is_image_name(path):
    from keras_fasrgan.data.files import IMAGE_EXTENSIONS

    return os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS


def collect_inputs(inputs):
    """Expands folders (non-recursive); returns (image paths, problems)."""
    from keras_fasrgan.data.files import list_images

    paths, problems = [], []
    for item in inputs:
        if os.path.isdir(item):
            found = list_images(item)
            if not found:
                problems.append(f"{item}: folder holds no images")
            paths.extend(found)
        elif os.path.exists(item):
            paths.append(item)
        else:
            problems.append(f"{item}: no such file or folder")
    return paths, problems


def plan_outputs(paths, output, ext, single_file_input):
    """Maps every input to its output path; raises CLIError on a clash with an input."""
    from keras_fasrgan.cli import CLIError

    ext = ext.lower().lstrip(".")
    to_file = single_file_input and not os.path.isdir(output) and _is_image_name(output)
    if not to_file and _is_image_name(output) and not os.path.isdir(output) and len(paths) > 1:
        raise CLIError(f"{output}: several input images need an output folder, not a file")
    if to_file:
        plan = [(paths[0], output)]
    else:
        if os.path.exists(output) and not os.path.isdir(output):
            raise CLIError(f"{output}: exists and is not a folder")
        plan = []
        for path in paths:
            stem = os.path.splitext(os.path.basename(path))[0]
            plan.append((path, os.path.join(output, f"{stem}.{ext}")))
    inputs = {os.path.realpath(p) for p in paths}
    clashes = [out for _, out in plan if os.path.realpath(out) in inputs]
    if clashes:
        raise CLIError(
            f"refusing to overwrite input image(s): {', '.join(clashes[:5])}"
            + (" ..." if len(clashes) > 5 else "")
            + "; choose another output"
        )
    seen = {}
    for path, out in plan:
        key = os.path.realpath(out)
        if key in seen:
            raise CLIError(
                f"{seen[key]} and {path} would both be written to {out}; rename one of them"
            )
        seen[key] = path
    return plan


def resize_to(image, width, height):
    """Lanczos resize of a uint8/uint16/float image of any layout (per channel, in float)."""
    import numpy as np
    from PIL import Image

    from keras_fasrgan.utils import from_float
    from keras_fasrgan.utils import to_float

    x = to_float(image)
    planes = x[..., None] if x.ndim == 2 else x
    out = np.stack(
        [
            np.asarray(
                Image.fromarray(np.ascontiguousarray(planes[..., c]), mode="F").resize(
                    (width, height), Image.LANCZOS
                )
            )
            for c in range(planes.shape[-1])
        ],
        axis=-1,
    )
    if x.ndim == 2:
        out = out[..., 0]
    return from_float(out, image.dtype)


def run(args):
    from keras_fasrgan.cli import CLIError

    for name in ("tile", "tile_pad", "batch_size"):
        if getattr(args, name) < (1 if name == "batch_size" else 0):
            raise CLIError(f"--{name.replace('_', '-')} must be positive")
    if args.scale_out is not None and args.scale_out <= 0:
        raise CLIError("--scale-out must be positive")
    import keras
    from PIL import Image

    if "." + args.ext.lower().lstrip(".") not in Image.registered_extensions():
        raise CLIError(f"--ext {args.ext}: not an image format Pillow can write")
    if args.engine == "tflite" and keras.backend.backend() != "tensorflow":
        raise CLIError("--engine tflite needs KERAS_BACKEND=tensorflow")
    paths, problems = collect_inputs(args.inputs)
    for problem in problems:
        print(f"fasrgan upscale: {problem}", flush=True)
    if not paths:
        raise CLIError("no input images")
    single = len(args.inputs) == 1 and not os.path.isdir(args.inputs[0]) and len(paths) == 1
    plan = plan_outputs(paths, args.output, args.ext, single)

    from tqdm.auto import tqdm

    from keras_fasrgan.inference import upscale
    from keras_fasrgan.loading import ModelLoadError
    from keras_fasrgan.loading import load_generator
    from keras_fasrgan.utils import ImageReadError
    from keras_fasrgan.utils import read_image
    from keras_fasrgan.utils import write_image

    try:
        model = load_generator(args.model)
    except ModelLoadError as e:
        raise CLIError(str(e)) from None

    failed = len(problems)
    bar = tqdm(plan, desc="images", unit="img", disable=args.quiet)
    for src, dst in bar:
        try:
            image = read_image(src, mode="keep")
            result = upscale(
                model,
                image,
                tile=args.tile or None,
                tile_pad=args.tile_pad,
                batch_size=args.batch_size,
                engine=args.engine,
                self_ensemble=args.self_ensemble,
                progress=not args.quiet,
            )
            if args.scale_out is not None:
                h, w = image.shape[:2]
                result = resize_to(
                    result, max(1, round(w * args.scale_out)), max(1, round(h * args.scale_out))
                )
            write_image(dst, result)
        except (ImageReadError, ValueError, OSError, MemoryError) as e:
            failed += 1
            bar.write(f"fasrgan upscale: skipped {src}: {e}")
            continue
        if args.quiet:
            print(f"{src} -> {dst}")
    done = len(plan) - (failed - len(problems))
    print(f"fasrgan upscale: wrote {done} image(s), {failed} failed")
    return 1 if failed else 0
