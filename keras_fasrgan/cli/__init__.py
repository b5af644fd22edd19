"""The `fasrgan` command line.

Each subcommand lives in its own module of this package with two functions:
`add_parser(subparsers)` (adds its argparse parser and sets `func`) and the `func` it sets,
which receives the parsed arguments and returns the exit code. Heavy imports (Keras,
TensorFlow) happen inside `func`, so `fasrgan --help` is instant.
"""

import argparse
import importlib
import sys

# Subcommand modules, in the order `fasrgan --help` lists them.
COMMANDS = (
    "demo",
    "upscale",
    "train",
    "evaluate",
    "benchmark",
    "recognition",
    "export",
    "convert",
    "info",
)


class CLIError(Exception):
    """An error to report to the user as one line, with exit code 2 (no traceback)."""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fasrgan",
        description="FASRGAN / Fs-SRGAN super-resolution with Keras 3.",
    )
    from keras_fasrgan import __version__

    parser.add_argument("--version", action="version", version=f"keras_fasrgan {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"keras_fasrgan.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"keras_fasrgan.cli.{name}":
                continue  # subcommand not built yet
            raise
        module.add_parser(subparsers)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CLIError as e:
        print(f"fasrgan {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
