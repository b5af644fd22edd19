"""Cheap checks of the files and folders a command will write or read, made before the slow
imports and model loading, so that a mistyped path costs nothing.

Examples:
    >>> check_writable("out/photo.png")  # doctest: +SKIP
    >>> check_model_spec("demo_x4")  # doctest: +SKIP
"""

import os

from keras_fasrgan.cli import CLIError


def nearest_existing(path):
    """`path` itself if it exists, else its nearest existing ancestor folder."""
    path = os.path.abspath(path)
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def check_writable(path, folder=False, what=None):
    """Raises `CLIError` unless `path` can be written (a file, or a folder with `folder=True`).

    The folder that will hold it, or the nearest existing ancestor from which it would be
    created, must be a folder this process may write (`os.access`, which also sees read-only
    file systems). Nothing is created. `what` names the argument in the message (default:
    the path), e.g. `"-o out"` or `"--figure fig.png"`.
    """
    name = what or path
    if folder and os.path.exists(path) and not os.path.isdir(path):
        raise CLIError(f"{name}: {os.path.abspath(path)} exists and is not a folder")
    target = path if folder else os.path.dirname(os.path.abspath(path))
    existing = nearest_existing(target)
    if not os.path.isdir(existing):
        raise CLIError(f"{name}: cannot be written, {existing} is a file, not a folder "
                       "(not a writable folder)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CLIError(f"{name}: cannot be written, {existing} is not a writable folder")


def check_model_spec(spec):
    """Raises `CLIError` for a model spec that cannot load (see `loading.check_model_spec`)."""
    from keras_fasrgan.loading import ModelLoadError
    from keras_fasrgan.loading import check_model_spec as check

    try:
        check(spec)
    except ModelLoadError as e:
        raise CLIError(str(e)) from None


def check_engine(engine):
    """Raises `CLIError` for `--engine tflite` without the LiteRT runtime installed."""
    import importlib.util

    if engine == "tflite" and importlib.util.find_spec("ai_edge_litert") is None:
        raise CLIError("--engine tflite needs ai-edge-litert: pip install 'keras-fasrgan[litert]'")
