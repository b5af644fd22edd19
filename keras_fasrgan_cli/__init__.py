"""Entry point of the `fasrgan` console script, kept outside the `keras_fasrgan` package.

Importing any module of `keras_fasrgan` first runs `keras_fasrgan/__init__.py`, which registers
the package's Keras classes and so imports Keras and its backend (seconds with TensorFlow).
`fasrgan --help` and the checks of a command's inputs and outputs must not wait for that, so
the console script starts here: `main` asks the package to defer its registration, and each
subcommand registers (`keras_fasrgan.cli.import_keras()`) once its checks have passed.

Examples:
    >>> import keras_fasrgan_cli
    >>> keras_fasrgan_cli.main(["--version"])  # doctest: +SKIP
"""

# Read by `keras_fasrgan/__init__.py` when it is first imported.
DEFER_REGISTRATION = False


def main(argv=None):
    """Runs the `fasrgan` command (`keras_fasrgan.cli.main`) with the registration deferred."""
    global DEFER_REGISTRATION
    DEFER_REGISTRATION = True
    from keras_fasrgan.cli import main as cli_main

    return cli_main(argv)
