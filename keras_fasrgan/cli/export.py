"""`fasrgan export`: write a generator as SavedModel, TFLite or ONNX."""

import os
import sys

FORMATS = ("saved_model", "tflite", "onnx")
# --verify fails (exit 1) above these max |difference| to Keras.
TOLERANCE = {None: 1e-4, "float16": None, "dynamic": None}


def add_parser(subparsers):
    p = subparsers.add_parser(
        "export",
        help="export a generator to SavedModel, TFLite or ONNX",
        description="Export a generator. TFLite uses builtin ops only (no Flex).",
    )
    p.add_argument("--model", required=True, metavar="SPEC",
                   help=".keras (a generator or a trainer saved after fit), .weights.h5 "
                        "(+ JSON architecture), .pth or a preset name")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--quantize", choices=("float16", "dynamic"), default=None,
                   help="TFLite weight quantisation (default: float32)")
    p.add_argument("--tile", type=int, default=None, metavar="N",
                   help="TFLite: fix the input to 1xNxNx3 (for GPU delegates); default dynamic")
    p.add_argument("--verify", action="store_true",
                   help="compare the export with Keras on random inputs and print max |diff|")
    p.add_argument("--overwrite", action="store_true", help="replace an existing PATH")
    p.set_defaults(func=run)


def _size(path):
    if os.path.isdir(path):
        return sum(
            os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path) for f in files
        )
    return os.path.getsize(path)


def _human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024


def _runner(fmt, path):
    """A function batch -> output for the exported artifact."""
    import numpy as np

    if fmt == "saved_model":
        import tensorflow as tf

        loaded = tf.saved_model.load(path)
        return lambda x: loaded.serve(tf.constant(x)).numpy()
    if fmt == "tflite":
        from keras_fasrgan.export import make_interpreter
        from keras_fasrgan.export import run_tflite

        interpreter = make_interpreter(path)
        return lambda x: run_tflite(interpreter, x)
    import onnxruntime as ort

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: np.asarray(session.run(None, {name: x})[0])


def verify(model, fmt, path, shapes, seed=0):
    """[(shape, max |export - keras|)] on uniform random inputs of the given shapes."""
    import numpy as np

    run = _runner(fmt, path)
    rng = np.random.default_rng(seed)
    results = []
    for shape in shapes:
        x = rng.random(shape, dtype=np.float32)
        ref = np.asarray(model.predict_on_batch(x))
        results.append((shape, float(np.max(np.abs(run(x) - ref)))))
    return results


def _installed(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


def verify_shapes(model, fmt, tile):
    """Input shapes for --verify: the fixed tile, else two sizes (multiples of the model's
    pixel-unshuffle factor)."""
    from keras_fasrgan.inference.upscale import input_multiple

    channels = int(model.inputs[0].shape[-1])
    if tile is not None:
        return [(1, tile, tile, channels)]
    m = input_multiple(model)
    sizes = [(1, 24, 32), (2, 17, 21)] if fmt == "tflite" else [(2, 24, 32)]
    return [(b, -(-h // m) * m, -(-w // m) * m, channels) for b, h, w in sizes]


def run(args):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli import import_keras
    from keras_fasrgan.cli.paths import check_model_spec
    from keras_fasrgan.cli.paths import check_writable

    if args.format != "tflite" and (args.quantize or args.tile):
        raise CLIError("--quantize and --tile apply to --format tflite only")
    if args.tile is not None and args.tile < 1:
        raise CLIError("--tile must be positive")
    if os.path.lexists(args.output) and not args.overwrite:
        raise CLIError(f"{args.output} already exists; pass --overwrite to replace it")
    check_writable(args.output)
    check_model_spec(args.model)

    keras = import_keras()
    if args.format == "onnx" and keras.backend.backend() == "tensorflow" and not _installed(
        "tf2onnx"
    ):
        raise CLIError("--format onnx needs tf2onnx: pip install 'keras-fasrgan[onnx]'")
    from keras_fasrgan import export
    from keras_fasrgan.loading import ModelLoadError
    from keras_fasrgan.loading import load_generator

    try:
        model = load_generator(args.model)
    except ModelLoadError as e:
        raise CLIError(str(e)) from None
    from keras_fasrgan.inference.upscale import input_multiple

    multiple = input_multiple(model)
    if args.tile is not None and args.tile % multiple:
        raise CLIError(f"--tile must be a multiple of {multiple} for this model (its input is "
                       f"pixel-unshuffled by {multiple})")
    try:
        if args.format == "saved_model":
            export.to_saved_model(model, args.output, overwrite=args.overwrite)
        elif args.format == "tflite":
            shape = None if args.tile is None else (args.tile, args.tile)
            export.to_tflite(
                model, args.output, quantize=args.quantize, input_shape=shape,
                overwrite=args.overwrite,
            )
        else:
            export.to_onnx(model, args.output, overwrite=args.overwrite)
    except export.ExportError as e:
        raise CLIError(str(e)) from None
    print(f"wrote {args.output} ({args.format}, {_human(_size(args.output))})")

    if not args.verify:
        return 0
    shapes = verify_shapes(model, args.format, args.tile)
    if args.format == "onnx" and not _installed("onnxruntime"):
        print("fasrgan export: verify skipped, onnxruntime is not installed "
              "(pip install onnxruntime)", file=sys.stderr)
        return 0
    tolerance = TOLERANCE[args.quantize] if args.format == "tflite" else TOLERANCE[None]
    worst = 0.0
    for shape, diff in verify(model, args.format, args.output, shapes):
        worst = max(worst, diff)
        print(f"verify: input {'x'.join(map(str, shape))}: max |{args.format} - keras| = {diff:.3g}")
    if tolerance is not None and worst > tolerance:
        print(f"verify: FAILED, difference above {tolerance:g}")
        return 1
    return 0
