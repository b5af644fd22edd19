"""The `fasrgan` command line.

Each subcommand lives in its own module of this package with two functions:
`add_parser(subparsers)` (adds its argparse parser and sets `func`) and the `func` it sets,
which receives the parsed arguments and returns the exit code. `func` first checks every input
and output (files, folders, options), then calls `import_keras()` and does the slow part, so
`fasrgan --help` is instant and a mistyped path is reported at once, before the seconds of
importing TensorFlow and loading a model (the console script starts in `keras_fasrgan_cli`,
which keeps `import keras_fasrgan` from importing Keras first).

Unless `--verbose` is given, the native log lines of TensorFlow, XLA and LiteRT (written by
C++ code straight to the process's stderr) are hidden while a command runs; Python's own
`sys.stderr` (errors, progress bars, warnings) still reaches the terminal.
"""

import argparse
import contextlib
import importlib
import logging
import os
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
VERBOSE_HELP = "show the log lines of TensorFlow / XLA / LiteRT (hidden by default)"


class CLIError(Exception):
    """An error to report to the user as one line, with exit code 2 (no traceback)."""


def import_keras():
    """Imports Keras and registers keras_fasrgan's serialisable classes; returns `keras`.

    The slow step of every command (seconds with TensorFlow): call it once the command's
    arguments, input files and output folders have been checked.

    Examples:
        >>> keras = import_keras()  # doctest: +SKIP
    """
    import keras

    import keras_fasrgan

    keras_fasrgan.register_serializables()
    return keras


def quiet_logs():
    """Lowers the log levels of TensorFlow / absl; effective before TensorFlow is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    for name in ("tensorflow", "absl", "jax._src.xla_bridge"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextlib.contextmanager
def native_stderr_hidden():
    """Sends what native code writes to file descriptor 2 to the null device, while Python's
    `sys.stderr` keeps writing to the real stderr (through a duplicate of the descriptor).

    TensorFlow 2.21 logs through absl before `absl::InitializeLog()`, which ignores
    `TF_CPP_MIN_LOG_LEVEL`, so only the descriptor itself can silence it. Does nothing when
    `sys.stderr` is not the process's stderr (e.g. captured by a test runner).
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd != 2:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    python_stderr = sys.stderr
    sys.stderr = os.fdopen(
        saved, "w", buffering=1, encoding=python_stderr.encoding, errors="backslashreplace"
    )
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        # The duplicate stays open: a logging handler made meanwhile may still write to it.
        sys.stderr = python_stderr


def _add_verbose(parser, default):
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help=VERBOSE_HELP)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fasrgan",
        description="FASRGAN / Fs-SRGAN super-resolution with Keras 3.",
        allow_abbrev=False,
    )
    from keras_fasrgan import __version__

    parser.add_argument("--version", action="version", version=f"keras_fasrgan {__version__}")
    _add_verbose(parser, default=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"keras_fasrgan.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"keras_fasrgan.cli.{name}":
                continue  # subcommand not built yet
            raise
        module.add_parser(subparsers)
    for sub in subparsers.choices.values():
        # `--scale 2` must never be taken for `--scale-out 2`: no prefix matching anywhere.
        sub.allow_abbrev = False
        if "--verbose" not in sub._option_string_actions:
            # Also after the subcommand; SUPPRESS keeps a global --verbose when absent here.
            _add_verbose(sub, default=argparse.SUPPRESS)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    verbose = bool(getattr(args, "verbose", False))
    if not verbose:
        quiet_logs()
    hidden = contextlib.nullcontext() if verbose else native_stderr_hidden()
    try:
        with hidden:
            return int(args.func(args) or 0)
    except CLIError as e:
        print(f"fasrgan {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:
        if not verbose:
            print(f"fasrgan {args.command}: unexpected error; rerun with --verbose to see the "
                  "log of TensorFlow as well", file=sys.stderr)
        raise


if __name__ == "__main__":
    sys.exit(main())
