"""Atomic writes of export artifacts (files and directories) with overwrite protection."""

import contextlib
import os
import shutil
import tempfile


class ExportError(ValueError):
    """An export that cannot be done (existing target, unsupported backend, failed check)."""


def check_keras_model(model):
    """Raises `ExportError` unless `model` is a Keras model (a `.tflite` file loaded as a
    `TFLiteModel` holds no Keras graph to export)."""
    import keras

    if not isinstance(model, keras.Model):
        name = getattr(model, "name", type(model).__name__)
        raise ExportError(f"{name} is not a Keras model ({type(model).__name__}); exports start "
                          "from the Keras model (.keras, .weights.h5, .pth or a preset)")


def check_target(path, overwrite):
    """Raises `ExportError` if `path` exists and `overwrite` is false."""
    path = os.fspath(path)
    if os.path.lexists(path) and not overwrite:
        raise ExportError(f"{path} already exists; pass overwrite=True to replace it")
    return path


@contextlib.contextmanager
def atomic_path(path, overwrite=False):
    """Yields a temporary path beside `path`, moved onto `path` only when the block succeeds.

    Args:
        path: the final file or directory.
        overwrite: replace an existing `path` (it is removed only after the new one is
            complete); otherwise an existing `path` raises `ExportError` before any work.

    Examples:
        >>> with atomic_path("model.tflite") as tmp:  # doctest: +SKIP
        ...     open(tmp, "wb").write(b"...")
    """
    path = check_target(path, overwrite)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    name = os.path.basename(os.path.normpath(path))
    work = tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=parent)
    tmp = os.path.join(work, name)
    try:
        yield tmp
        if not os.path.exists(tmp):
            raise ExportError(f"export to {path} produced nothing")
        check_target(path, overwrite)  # something may have appeared meanwhile
        if os.path.lexists(path):
            old = os.path.join(work, name + ".old")
            os.replace(path, old)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
