"""`fasrgan demo`: the main job on the built-in photos (see `keras_fasrgan.demo`)."""

import os


def add_parser(subparsers):
    p = subparsers.add_parser(
        "demo",
        help="fine-tune a small FASRGAN on built-in photos, compare it with its PSNR model "
        "(PSNR/SSIM/NIQE, colours) on held-out photos, upscale one",
        description="Starts from the shipped demo_fasrgan_x4 preset (the GAN stage of the "
        "PSNR-oriented demo_x4 preset), fine-tunes it briefly with the FASRGAN trainer on "
        "built-in photos, evaluates bicubic, demo_x4, the preset and the fine-tuned model on "
        "held-out photos of several kinds (PSNR, SSIM, NIQE, colour shift), and writes the "
        "model, the metrics, a comparison figure and an upscaled photo.",
    )
    p.add_argument("-o", "--output", default="fasrgan-demo", help="output folder (default: %(default)s)")
    p.add_argument("--gan-steps", type=int, default=100,
                   help="FASRGAN iterations of the fine-tuning (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=8, help="(default: %(default)s)")
    p.add_argument("--patch-size", type=int, default=64,
                   help="HR patch size, a multiple of 8 (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--vgg-weights", default="auto", metavar="auto|imagenet|PATH|none",
                   help="VGG19 weights of a perceptual loss added to the colour anchor: auto "
                   "(Keras' ImageNet file when it is already in ~/.keras/models; the demo never "
                   "downloads), imagenet, a local .h5/.pth file, or none (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args):
    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli.paths import check_writable

    check_writable(args.output, folder=True, what=f"-o {args.output}")
    if args.gan_steps < 1:
        raise CLIError("--gan-steps must be at least 1")
    if args.batch_size < 1:
        raise CLIError("--batch-size must be at least 1")
    if args.patch_size % 8 or args.patch_size < 16:
        raise CLIError("--patch-size must be a multiple of 8, at least 16")
    vgg_weights = None if args.vgg_weights.lower() == "none" else args.vgg_weights
    if vgg_weights not in (None, "auto", "imagenet") and not os.path.isfile(vgg_weights):
        raise CLIError(f"--vgg-weights {vgg_weights}: no such file (give auto, imagenet, none "
                       "or the path of a VGG19 weights file)")
    from keras_fasrgan.cli import import_keras

    import_keras()
    from keras_fasrgan.demo import run_demo

    run_demo(
        args.output,
        gan_steps=args.gan_steps,
        batch_size=args.batch_size,
        patch_size=args.patch_size,
        seed=args.seed,
        vgg_weights=vgg_weights,
        verbose=0 if args.quiet else 1,
    )
    return 0
