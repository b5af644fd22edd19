"""`fasrgan demo`: the main job on the built-in photos (see `keras_fasrgan.demo`)."""


def add_parser(subparsers):
    p = subparsers.add_parser(
        "demo",
        help="train a small FASRGAN on built-in photos, evaluate against bicubic, upscale",
        description="Starts from the shipped demo_x4 preset, runs a short FASRGAN stage on "
        "built-in photos, evaluates both models against bicubic on held-out photos, and "
        "writes the model, metrics, a comparison figure and an upscaled photo.",
    )
    p.add_argument("-o", "--output", default="fasrgan-demo", help="output folder (default: %(default)s)")
    p.add_argument("--gan-steps", type=int, default=100, help="FASRGAN iterations (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--patch-size", type=int, default=48, help="HR patch size, a multiple of 8 (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.demo import run_demo

    if args.gan_steps < 1:
        raise CLIError("--gan-steps must be at least 1")
    if args.patch_size % 8 or args.patch_size < 16:
        raise CLIError("--patch-size must be a multiple of 8, at least 16")
    run_demo(
        args.output,
        gan_steps=args.gan_steps,
        batch_size=args.batch_size,
        patch_size=args.patch_size,
        seed=args.seed,
        verbose=0 if args.quiet else 1,
    )
    return 0
