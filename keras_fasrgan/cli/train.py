"""`fasrgan train`: train a preset (or a JSON config) on DIV2K or a folder of your photos."""

import argparse
import os

from keras_fasrgan.training.distribute import KINDS as DISTRIBUTE_KINDS

MACHINES_EPILOG = """
Several machines (the same command on each; OUTPUT a folder they all see):
  TensorFlow: TF_CONFIG='{"cluster": {"worker": ["hostA:2222", "hostB:2222"]},
              "task": {"type": "worker", "index": I}}' fasrgan train --config ... --resume
  JAX:        KERAS_BACKEND=jax fasrgan train --config ... --coordinator hostA:1234 \\
              --num-processes 2 --process-id I --resume
"""


def add_parser(subparsers):
    from keras_fasrgan.recipes import recipe_table

    p = subparsers.add_parser(
        "train",
        help="train a PSNR / ESRGAN / FASRGAN / Fs-SRGAN / FA+Fs-SRGAN model",
        description=(
            "Train with an official preset (see the table below) or a JSON config, on DIV2K\n"
            "or a folder of your own HR photos. Writes OUTPUT/backup (checkpoints; --resume\n"
            "continues from them), OUTPUT/logs (CSV, TensorBoard), OUTPUT/samples and\n"
            "OUTPUT/generator.keras (the next stage's --pretrained). Exit code 1 when\n"
            "training stopped on a NaN/inf loss."
        ),
        epilog="The official recipes (batch = global batch of one iteration):\n\n"
        + recipe_table()
        + "\n"
        + MACHINES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--config", required=True, metavar="NAME|FILE", help="preset name or .json file")
    p.add_argument("--data", required=True, metavar="DIR",
                   help="DIV2K root (DIV2K_train_HR/ inside) or a folder of HR photos "
                        "(PNG/JPEG, any names, subfolders one level deep)")
    p.add_argument("--val-data", metavar="DIR",
                   help="DIV2K root with DIV2K_valid_HR/, or a folder of HR photos")
    p.add_argument("--val-patch-size", type=int, metavar="N",
                   help="centre-crop validation images to N HR pixels (default: whole images)")
    p.add_argument("--val-images", type=int, metavar="N", help="use the first N validation images")
    p.add_argument("--steps", type=int, metavar="N", help="total iterations (default: the preset's)")
    p.add_argument("--batch-size", type=int, metavar="N", help="global batch size")
    p.add_argument("--patch-size", type=int, metavar="N", help="HR patch size")
    p.add_argument("--output", "-o", default="fasrgan-run", metavar="DIR",
                   help="output folder (default fasrgan-run)")
    p.add_argument("--resume", action="store_true", help="continue from OUTPUT/backup")
    p.add_argument("--pretrained", metavar="PATH",
                   help="the previous stage's model (.keras/.weights.h5/.pth); for Fs-SRGAN and "
                        "FA+Fs-SRGAN the PSNR stage's generator.keras starts both E and G")
    p.add_argument("--pretrained-extractor", metavar="PATH",
                   help="E's weights from another file (e.g. FsSRGAN_E.pth)")
    p.add_argument("--vgg-weights", metavar="imagenet|PATH|none",
                   help="perceptual-loss VGG19 weights (default: the config's)")
    p.add_argument("--checkpoint-every", type=int, metavar="N", help="iterations between checkpoints")
    p.add_argument("--validate-every", type=int, metavar="N", help="iterations between validations")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="where LR images are cached (default: beside DIV2K; "
                        "~/.cache/keras_fasrgan for photo folders)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                   help="config override, e.g. --set generator.num_blocks=4 (repeatable)")
    p.add_argument("--tiny", action="store_true",
                   help="tiny networks, batch 2, patch 32, no VGG: a smoke test")
    dist = p.add_argument_group(
        "several devices or machines",
        "--batch-size stays the global batch of one iteration, split over all devices.\n"
        "Only the chief (TF_CONFIG's chief or worker 0; JAX process 0) writes OUTPUT;\n"
        "every worker restores from its checkpoints: OUTPUT must be a folder they all see.",
    )
    dist.add_argument("--distribute", default="auto", choices=("auto", *DISTRIBUTE_KINDS),
                      help="none: one device; mirrored: TensorFlow MirroredStrategy over this "
                           "machine's GPUs; multi-worker: TensorFlow "
                           "MultiWorkerMirroredStrategy over the workers that TF_CONFIG "
                           "lists (run the same command on each); data-parallel: JAX "
                           "keras.distribution.DataParallel over every device (of every "
                           "process with --coordinator). auto (default): multi-worker when "
                           "TF_CONFIG is set (TensorFlow), data-parallel with --coordinator "
                           "(JAX), else none")
    dist.add_argument("--multi-gpu", action="store_true",
                      help="same as --distribute mirrored (kept for compatibility)")
    dist.add_argument("--coordinator", metavar="HOST:PORT",
                      help="JAX multi-process: address of process 0 (with --num-processes, "
                           "--process-id)")
    dist.add_argument("--num-processes", type=int, metavar="N", help="JAX: processes in all")
    dist.add_argument("--process-id", type=int, metavar="I", help="JAX: this process, 0..N-1")
    p.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto",
                   help="XLA (auto: on for one device)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _overrides(args):
    """`--tiny` (the keys that apply to the config) then the `--set` overrides."""
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.training.config import load_config
    from keras_fasrgan.training.config import parse_value
    from keras_fasrgan.training.presets import tiny_overrides

    out = tiny_overrides(load_config(args.config, networks=False)) if args.tiny else {}
    for item in args.overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CLIError(f"--set expects KEY=VALUE, got {item!r}")
        out[key.strip()] = parse_value(value.strip())
    return out


def _distribute_kind(args):
    from keras_fasrgan.cli import CLIError

    if not args.multi_gpu:
        return args.distribute
    if args.distribute not in ("auto", "mirrored"):
        raise CLIError(f"--multi-gpu is --distribute mirrored; it contradicts --distribute {args.distribute}")
    return "mirrored"


def _check_file(option, path):
    from keras_fasrgan.cli import CLIError

    if path and not os.path.isfile(os.path.expanduser(path)):
        raise CLIError(f"{option} {path}: no such file")


def _check_inputs(args):
    """Every check that needs no Keras: options, config, folders, files, output, resume."""
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli.paths import check_writable
    from keras_fasrgan.training.distribute import check_distribute_options
    from keras_fasrgan.training.resume import resume_point
    from keras_fasrgan.training.run import resolve_config

    try:
        check_distribute_options(
            _distribute_kind(args), args.coordinator, args.num_processes, args.process_id
        )
    except ValueError as e:
        raise CLIError(str(e)) from None
    for option, folder in (("--data", args.data), ("--val-data", args.val_data)):
        if folder and not os.path.isdir(os.path.expanduser(folder)):
            raise CLIError(f"{option} {folder}: not a folder")
    if args.steps is not None and args.steps < 1:
        raise CLIError(f"--steps must be >= 1, got {args.steps}")
    check_writable(args.output, folder=True)
    try:
        config = resolve_config(
            args.config, _overrides(args), networks=False, batch_size=args.batch_size,
            patch_size=args.patch_size, pretrained=args.pretrained,
            pretrained_extractor=args.pretrained_extractor,
            checkpoint_every=args.checkpoint_every, validate_every=args.validate_every,
        )
        _check_file("--pretrained", config.pretrained_generator)
        _check_file("--pretrained-extractor", config.pretrained_extractor)
        total = args.steps if args.steps is not None else config.total_steps
        resume_point(args.output, config, args.resume, min(int(config.checkpoint_every), total))
    except (ValueError, FileNotFoundError, FileExistsError) as e:
        raise CLIError(str(e)) from None


def run(args):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli import import_keras

    _check_inputs(args)
    import_keras()
    from keras_fasrgan.data import DatasetError
    from keras_fasrgan.training.distribute import make_cluster
    from keras_fasrgan.training.run import _UNSET
    from keras_fasrgan.training.run import train

    jit = {"auto": "auto", "on": True, "off": False}[args.jit_compile]
    try:
        # First: MultiWorkerMirroredStrategy and JAX's initialize must precede any device work.
        cluster = make_cluster(
            _distribute_kind(args), args.coordinator, args.num_processes, args.process_id
        )
        result = train(
            args.config,
            args.data,
            args.output,
            steps=args.steps,
            batch_size=args.batch_size,
            patch_size=args.patch_size,
            val_data=args.val_data,
            val_patch_size=args.val_patch_size,
            val_images=args.val_images,
            resume=args.resume,
            pretrained=args.pretrained,
            pretrained_extractor=args.pretrained_extractor,
            vgg_weights=_UNSET if args.vgg_weights is None else args.vgg_weights,
            overrides=_overrides(args),
            checkpoint_every=args.checkpoint_every,
            validate_every=args.validate_every,
            strategy=cluster.strategy,
            cache_dir=args.cache_dir,
            jit_compile=jit,
            verbose=0 if args.quiet else 1,
        )
    except (ValueError, FileNotFoundError, FileExistsError, DatasetError) as e:
        raise CLIError(str(e)) from None
    if result["status"] == "nan":
        print(f"fasrgan train: {result['message']}")
        return 1
    where = result["generator"] if cluster.chief else "written by the chief"
    print(f"trained {result['iteration']} iterations; generator: {where}")
    return 0
