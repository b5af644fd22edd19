"""TensorFlow SavedModel export with a dynamic batch, height and width."""

import os

from keras_fasrgan.export._paths import ExportError
from keras_fasrgan.export._paths import atomic_path
from keras_fasrgan.export._paths import check_keras_model


def _check_tensorflow():
    try:
        import tensorflow  # noqa: F401
    except ImportError:  # pragma: no cover - tensorflow is a dependency
        raise ExportError("SavedModel/TFLite export needs TensorFlow installed") from None


def export_saved_model_dir(model, path, input_shape=None):
    """Writes a SavedModel into `path` (no atomicity; used by the public functions).

    The serving endpoint `serve` (also the `serving_default` signature) takes
    `(batch, height, width, channels)` float32; `None` dimensions stay dynamic.
    """
    import keras

    check_keras_model(model)
    _check_tensorflow()
    channels = model.inputs[0].shape[-1] if getattr(model, "inputs", None) else 3
    if input_shape is None:
        shape = (None, None, None, channels)
    else:
        shape = tuple(input_shape)
        if len(shape) == 2:
            shape = (1, *shape, channels)
        if len(shape) != 4 or shape[-1] != channels:
            raise ExportError(
                f"input_shape must be (height, width) or (batch, height, width, {channels}), "
                f"got {input_shape!r}"
            )
    spec = keras.InputSpec(shape=shape, dtype="float32")
    model.export(path, format="tf_saved_model", verbose=False, input_signature=[spec])
    return path


def to_saved_model(model, path, overwrite=False):
    """Exports a generator as a TensorFlow SavedModel with dynamic batch, height and width.

    The artifact needs only TensorFlow (no keras_fasrgan) to run: load it with
    `tf.saved_model.load(path)` and call `.serve(x)` (or the `serving_default` signature)
    with a float32 `(B, H, W, 3)` batch in [0, 1]; it returns `(B, sH, sW, 3)`, unclamped.
    The directory is written atomically (built beside `path`, then renamed).

    Args:
        model: a Keras model (e.g. `RRDBNet`).
        path: output directory.
        overwrite: replace an existing `path`; otherwise an existing path is an error.

    Returns:
        `path`.

    Examples:
        >>> model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)  # doctest: +SKIP
        >>> to_saved_model(model, "rrdbnet_savedmodel")  # doctest: +SKIP
        >>> import tensorflow as tf  # doctest: +SKIP
        >>> tf.saved_model.load("rrdbnet_savedmodel").serve(tf.zeros((2, 16, 24, 3))).shape
        TensorShape([2, 64, 96, 3])
    """
    path = os.fspath(path)
    with atomic_path(path, overwrite=overwrite) as tmp:
        export_saved_model_dir(model, tmp)
    return path
