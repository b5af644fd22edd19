"""`fasrgan convert`: an official PyTorch checkpoint (.pth) to a Keras model (.keras).

Examples:
    ```bash
    fasrgan convert FsSRGAN_E.pth -o fs_srgan_e.keras
    fasrgan convert RRDB_ESRGAN_x4.pth -o esrgan_x4.weights.h5 --weights-only
    ```
"""

import os

from keras_fasrgan.cli import CLIError

WEIGHTS_SUFFIX = ".weights.h5"
MODEL_SUFFIX = ".keras"


def add_parser(subparsers):
    p = subparsers.add_parser(
        "convert",
        help="convert an official PyTorch checkpoint (.pth) to a Keras model",
        description=(
            "Convert a PyTorch RRDBNet / Fs-SRGAN feature-extractor checkpoint (FASRGAN, "
            "Fs-SRGAN, ESRGAN, BasicSR or Real-ESRGAN key layout) to a Keras .keras model, or "
            "with --weights-only to a .weights.h5 file. The architecture is inferred from the "
            "checkpoint; the options override it. x2 and x3 checkpoints have the same keys: "
            "pass --scale 3 for an x3 one. Real-ESRGAN's x2 and x1 models (pixel-unshuffled "
            "input, 12 / 48 channels into the first conv) become models that take RGB. Needs "
            "torch (pip install torch)."
        ),
    )
    p.add_argument("input", help="the PyTorch checkpoint (.pth / .pt)")
    p.add_argument(
        "-o",
        "--output",
        help="output path (.keras, or .weights.h5 with --weights-only); "
        "default: the input's name with that suffix, beside it",
    )
    p.add_argument(
        "--arch",
        choices=("rrdbnet", "extractor"),
        help="network: rrdbnet (generator) or extractor (Fs-SRGAN's E); default: inferred",
    )
    p.add_argument("--num-blocks", type=int, help="number of RRDBs (default: inferred)")
    p.add_argument(
        "--scale", type=int, choices=(1, 2, 3, 4, 8), help="upscaling factor (default: inferred)"
    )
    p.add_argument("--in-channels", type=int, help="input channels (default: inferred)")
    p.add_argument(
        "--pixel-unshuffle", type=int, choices=(1, 2, 4),
        help="pixel-unshuffle factor of the input, as Real-ESRGAN x2 (2) and x1 (4) "
        "(default: inferred)",
    )
    p.add_argument(
        "--weights-only",
        action="store_true",
        help="write only the weights (.weights.h5) instead of a whole .keras model",
    )
    p.set_defaults(func=run)


def _output_path(args):
    """The output path and whether it is weights only; CLIError for a bad or unsafe one."""
    weights_only = args.weights_only or (args.output or "").endswith(WEIGHTS_SUFFIX)
    suffix = WEIGHTS_SUFFIX if weights_only else MODEL_SUFFIX
    output = args.output
    if output is None:
        output = os.path.splitext(args.input)[0] + suffix
    elif not output.endswith(suffix):
        raise CLIError(
            f"output {output!r} must end with {suffix}"
            + (" (--weights-only writes .weights.h5)" if weights_only else
               " (or .weights.h5 with --weights-only)")
        )
    if os.path.abspath(output) == os.path.abspath(args.input) or (
        os.path.exists(output) and os.path.samefile(output, args.input)
    ):
        raise CLIError(f"output {output!r} is the input checkpoint: refusing to overwrite it")
    if os.path.isdir(output):
        raise CLIError(f"output {output!r} is a directory")
    from keras_fasrgan.cli.paths import check_writable

    check_writable(output)
    return output, weights_only


def _describe(config):
    fields = ["num_blocks", "filters", "growth_channels", "in_channels"]
    if config["arch"] == "RRDBNet":
        fields = ["scale", *fields]
        if (config.get("pixel_unshuffle") or 1) > 1:
            fields.append("pixel_unshuffle")
    return f"{config['arch']}(" + ", ".join(f"{k}={config[k]}" for k in fields) + ")"


def _check_checkpoint_file(path):
    """`torch.save` writes a zip archive (torch >= 1.6) or a protocol-2 pickle (legacy)."""
    if not os.path.isfile(path):
        raise CLIError(f"checkpoint {path!r} does not exist or is not a file")
    with open(path, "rb") as f:
        head = f.read(2)
    if not head:
        raise CLIError(f"checkpoint {path!r} is empty")
    if head != b"PK" and head[:1] != b"\x80":
        raise CLIError(
            f"{path}: not a PyTorch checkpoint (neither the zip nor the legacy pickle format "
            "of torch.save)"
        )


def run(args):
    _check_checkpoint_file(args.input)
    output, weights_only = _output_path(args)

    from keras_fasrgan.cli import import_keras

    import_keras()
    from keras_fasrgan.convert.checkpoint import read_checkpoint
    from keras_fasrgan.convert.layouts import LAYOUT_TITLES
    from keras_fasrgan.convert.layouts import detect_layout
    from keras_fasrgan.convert.torch_weights import build_model
    from keras_fasrgan.convert.torch_weights import infer_architecture
    from keras_fasrgan.convert.torch_weights import load_torch_weights
    from keras_fasrgan.convert.torch_weights import resolve_architecture
    from keras_fasrgan.utils import atomic_write

    try:
        state_dict = read_checkpoint(args.input)
        inferred = infer_architecture(state_dict)
        config = resolve_architecture(
            inferred,
            arch=args.arch,
            num_blocks=args.num_blocks,
            scale=args.scale,
            in_channels=args.in_channels,
            pixel_unshuffle=args.pixel_unshuffle,
        )
    except ImportError as e:
        raise CLIError(str(e)) from None
    except (ValueError, OSError) as e:
        raise CLIError(f"{args.input}: {e}") from None
    layout = detect_layout(state_dict)
    title = LAYOUT_TITLES[layout]
    print(f"checkpoint:   {args.input} ({title} layout, {len(state_dict)} tensors)")
    print(f"inferred:     {_describe(inferred)}")
    if config != inferred:
        print(f"building:     {_describe(config)}")
    if inferred["scale"] == 2 and inferred["pixel_unshuffle"] == 1 and args.scale is None:
        print("note:         x2 and x3 checkpoints have the same keys; pass --scale 3 for x3")
    if (config["pixel_unshuffle"] or 1) > 1:
        print(f"note:         the model pixel-unshuffles its RGB input by "
              f"{config['pixel_unshuffle']} (Real-ESRGAN x{config['scale']})")

    try:
        model = build_model(**config)
        load_torch_weights(model, state_dict, strict=True)
    except ValueError as e:
        raise CLIError(f"{args.input}: {e}") from None
    print(f"parameters:   {model.count_params():,}")

    with atomic_write(output, suffix=WEIGHTS_SUFFIX if weights_only else MODEL_SUFFIX) as tmp:
        if weights_only:
            model.save_weights(tmp)
        else:
            model.save(tmp)
    print(f"wrote:        {output}" + (" (weights only)" if weights_only else ""))
    return 0
