"""`fasrgan upscale`: super-resolve image files or folders."""

import os
import sys

DEFAULT_TILE = 256


def add_parser(subparsers):
    p = subparsers.add_parser(
        "upscale",
        help="super-resolve images (files or folders) with a generator",
        description=(
            "Super-resolve images with a generator. INPUT may be files or folders (all images "
            "directly inside). With one input file, OUTPUT is the output file (its extension "
            "chooses the format); with several inputs, a folder input, or an OUTPUT that ends "
            "with '/', OUTPUT is a folder (created if needed; outputs keep the input names with "
            "--ext). Inputs are never overwritten. Photos come out upright (EXIF orientation) "
            "with their ICC colour profile, bit depth (16-bit PNG/TIFF) and alpha. Unreadable "
            "images are reported and skipped; the exit code is then 1."
        ),
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files or folders")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                   help="output file (one input) or folder (several, or a trailing '/')")
    p.add_argument(
        "--model", required=True, metavar="SPEC",
        help="generator: .keras (a generator or a trainer saved after fit), .weights.h5 "
             "(+ JSON architecture), .pth, .tflite or a preset name",
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
                   help="auto: the faster engine on this machine (see the inference docs)")
    p.add_argument("--self-ensemble", action="store_true",
                   help="average the 8 flips/transposes (8x slower)")
    p.add_argument("--ext", default="png", metavar="EXT",
                   help="output format in folder mode (default png)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _writable_format(path):
    """Whether Pillow can write the format `path`'s extension names."""
    from PIL import Image

    from keras_fasrgan.utils import image_format

    fmt = image_format(path)
    return fmt is not None and fmt in Image.SAVE


def _known_extensions():
    from keras_fasrgan.data.files import IMAGE_EXTENSIONS

    return ", ".join(IMAGE_EXTENSIONS)


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


def _wants_folder(output):
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def plan_outputs(paths, output, ext, single_file_input):
    """Maps every input to its output path; raises CLIError for an unusable OUTPUT.

    OUTPUT is a file for one input file, unless it is an existing folder or ends with '/';
    then, and for several inputs or a folder input, it is a folder.
    """
    from keras_fasrgan.cli import CLIError

    ext = ext.lower().lstrip(".")
    if single_file_input and not _wants_folder(output):
        suffix = os.path.splitext(output)[1]
        if not suffix:
            raise CLIError(
                f"{output}: give the output file an image extension (e.g. {output}.png), or "
                "end OUTPUT with '/' to write into a folder"
            )
        if not _writable_format(output):
            raise CLIError(
                f"{output}: unknown image extension {suffix!r} (e.g. {_known_extensions()}); "
                "end OUTPUT with '/' to write into a folder"
            )
        plan = [(paths[0], output)]
    else:
        if os.path.exists(output) and not os.path.isdir(output):
            raise CLIError(f"{output}: exists and is not a folder")
        if not _wants_folder(output) and _writable_format(output):
            raise CLIError(f"{output}: several input images need an output folder, not a file")
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


def probe_inputs(plan):
    """Opens every input's header (no decoding): (readable plan, problems)."""
    from keras_fasrgan.data.files import DatasetError
    from keras_fasrgan.data.files import image_size

    kept, problems = [], []
    for src, dst in plan:
        try:
            image_size(src)
        except DatasetError as e:
            problems.append(f"skipped {e}")
            continue
        kept.append((src, dst))
    return kept, problems


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


def _check_options(args):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli.paths import check_engine

    for name in ("tile", "tile_pad", "batch_size"):
        if getattr(args, name) < (1 if name == "batch_size" else 0):
            raise CLIError(f"--{name.replace('_', '-')} must be positive")
    if args.scale_out is not None and args.scale_out <= 0:
        raise CLIError("--scale-out must be positive")
    if not _writable_format("x." + args.ext.lower().lstrip(".")):
        raise CLIError(f"--ext {args.ext}: not an image format Pillow can write")
    check_engine(args.engine)


def run(args):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli import import_keras
    from keras_fasrgan.cli.paths import check_model_spec
    from keras_fasrgan.cli.paths import check_writable

    # Every check of options, inputs and outputs comes before the slow imports.
    _check_options(args)
    paths, problems = collect_inputs(args.inputs)
    if not paths:
        for problem in problems:
            print(f"fasrgan upscale: {problem}", file=sys.stderr)
        raise CLIError("no input images")
    single = len(args.inputs) == 1 and not os.path.isdir(args.inputs[0]) and len(paths) == 1
    plan = plan_outputs(paths, args.output, args.ext, single)
    if single and not _wants_folder(args.output):
        check_writable(args.output)
    else:
        check_writable(args.output, folder=True)
    check_model_spec(args.model)
    plan, unreadable = probe_inputs(plan)
    problems += unreadable
    for problem in problems:
        print(f"fasrgan upscale: {problem}", file=sys.stderr)
    if not plan:  # nothing readable: no need to load the model
        print(f"fasrgan upscale: wrote 0 image(s), {len(problems)} failed")
        return 1

    keras = import_keras()
    if args.engine == "tflite" and keras.backend.backend() != "tensorflow":
        raise CLIError("--engine tflite needs KERAS_BACKEND=tensorflow")
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
            image, info = read_image(src, mode="keep", with_info=True)
            if info.frames > 1:
                bar.write(f"fasrgan upscale: note: {src} is animated ({info.frames} frames); "
                          "only its first frame is upscaled", file=sys.stderr)
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
            write_image(dst, result, icc_profile=info.icc_profile)
        except (ImageReadError, ValueError, OSError, MemoryError) as e:
            failed += 1
            bar.write(f"fasrgan upscale: skipped {src}: {e}", file=sys.stderr)
            continue
        if args.quiet:
            print(f"{src} -> {dst}")
    done = len(plan) - (failed - len(problems))
    print(f"fasrgan upscale: wrote {done} image(s), {failed} failed")
    return 1 if failed else 0
