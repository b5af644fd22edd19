"""Loading a generator from a "model spec": a file or a preset name.

A spec is one of:

- a `.keras` file holding a generator (e.g. `RRDBNet`), or a whole trainer saved after
  `fit()` (`trainer.save("gan.keras")`), which gives what `trainer.export_sr_model()` gives:
  the EMA weights when EMA is on, and E then G as one RGB -> RGB model for the Fs-SRGAN
  trainers;
- a `.weights.h5` file plus its architecture in a JSON file beside it: `NAME.json` or
  `NAME.config.json` for `NAME.weights.h5`, or `config.json` in the same folder. The JSON is
  either a Keras serialisation (`{"class_name": "RRDBNet", "config": {...}}`, as
  `keras.saving.serialize_keras_object(model)` writes) or plain `RRDBNet` arguments
  (`{"scale": 4, "num_blocks": 23, ...}`);
- an official PyTorch checkpoint `.pth` / `.pt`, converted on the fly by
  `keras_fasrgan.convert.load_checkpoint_as_model`;
- a `.tflite` file (e.g. from `fasrgan export --format tflite`): a
  `keras_fasrgan.inference.TFLiteModel`, which `upscale` and the engines run with LiteRT
  (inference only: no Keras graph inside);
- a preset name from `keras_fasrgan.presets`.
"""

import json
import os


MODEL_EXTENSIONS = (".keras", ".weights.h5", ".h5", ".pth", ".pt", ".tflite")


class ModelLoadError(ValueError):
    """A model spec that cannot be loaded; the message says why and what would work."""


def _looks_like_path(spec):
    return os.sep in spec or spec.startswith(".") or spec.lower().endswith(MODEL_EXTENSIONS)


def _extract_generator(model, path):
    import keras

    if getattr(model, "scale", None) is not None and isinstance(model, keras.Model):
        return model
    if callable(getattr(model, "export_sr_model", None)):
        return model.export_sr_model()  # a trainer: EMA weights, E + G end to end
    for attr in ("generator", "netG", "g"):
        candidate = getattr(model, attr, None)
        if isinstance(candidate, keras.Model):
            return candidate
    inputs = getattr(model, "inputs", None)
    outputs = getattr(model, "outputs", None)
    if inputs and outputs and len(inputs) == 1 and len(outputs) == 1:
        if len(inputs[0].shape) == 4 and len(outputs[0].shape) == 4:
            return model  # some image-to-image functional model
    raise ModelLoadError(
        f"{path}: holds a {type(model).__name__}, which is neither a generator nor a trainer "
        "with a `generator` attribute"
    )


def _load_keras_file(path):
    import keras

    import keras_fasrgan

    keras_fasrgan.register_serializables()
    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as e:  # noqa: BLE001 - Keras raises many types for bad files
        raise ModelLoadError(f"{path}: cannot load the .keras file ({type(e).__name__}: {e})") from None
    return _extract_generator(model, path)


def _config_candidates(path):
    directory = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    for ext in (".weights.h5", ".h5"):
        if base.endswith(ext):
            stem = base[: -len(ext)]
            break
    else:
        stem = os.path.splitext(base)[0]
    return [
        os.path.join(directory, f"{stem}.json"),
        os.path.join(directory, f"{stem}.config.json"),
        os.path.join(directory, "config.json"),
    ]


def model_from_config_file(config_path):
    """Builds an (untrained) model from a JSON architecture file (see the module docstring).

    Examples:
        >>> model = model_from_config_file("rrdbnet_x4.json")  # doctest: +SKIP
    """
    import keras

    import keras_fasrgan
    from keras_fasrgan.models import RRDBNet

    keras_fasrgan.register_serializables()
    try:
        with open(config_path) as f:
            config = json.load(f)
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{config_path}: cannot read the architecture JSON ({e})") from None
    if not isinstance(config, dict):
        raise ModelLoadError(f"{config_path}: expected a JSON object, got {type(config).__name__}")
    try:
        if "class_name" in config:
            return keras.saving.deserialize_keras_object(config)
        return RRDBNet(**config)
    except Exception as e:  # noqa: BLE001
        raise ModelLoadError(
            f"{config_path}: cannot build a model from this architecture ({type(e).__name__}: {e})"
        ) from None


def _load_weights_file(path):
    for config_path in _config_candidates(path):
        if os.path.isfile(config_path):
            break
    else:
        names = ", ".join(os.path.basename(p) for p in _config_candidates(path))
        raise ModelLoadError(
            f"{path}: a weights file has no architecture; put a JSON config beside it ({names}) "
            "or use a whole-model .keras file instead"
        )
    model = model_from_config_file(config_path)
    try:
        model.load_weights(path)
    except Exception as e:  # noqa: BLE001
        raise ModelLoadError(
            f"{path}: weights do not fit the architecture in {config_path} ({type(e).__name__}: {e})"
        ) from None
    return model


def _load_checkpoint(path):
    try:
        from keras_fasrgan.convert import load_checkpoint_as_model
    except ImportError as e:
        raise ModelLoadError(f"{path}: converting PyTorch checkpoints is unavailable ({e})") from None
    try:
        return load_checkpoint_as_model(path)
    except (ValueError, KeyError, OSError) as e:
        raise ModelLoadError(f"{path}: cannot convert the checkpoint ({e})") from None


def _load_tflite(path):
    from keras_fasrgan.export import ExportError
    from keras_fasrgan.inference.tflite_model import TFLiteModel

    try:
        return TFLiteModel(path)
    except (ExportError, OSError) as e:
        message = str(e)
        raise ModelLoadError(message if message.startswith(path) else f"{path}: {message}") from None


def _check_preset(name):
    from keras_fasrgan import presets

    names = presets.available_presets()
    if name not in names:
        listed = ", ".join(names) if names else "none"
        raise ModelLoadError(
            f"{name!r} is neither an existing model file nor a preset (available presets: "
            f"{listed}); model files end with {', '.join(MODEL_EXTENSIONS)}"
        )


def _load_preset(name):
    from keras_fasrgan import presets

    _check_preset(name)
    try:
        return presets.load_preset(name)
    except (ValueError, OSError) as e:
        raise ModelLoadError(f"preset {name!r}: {e}") from None


def check_model_spec(spec):
    """Checks a model spec without loading it (no Keras import): the file exists, is not empty
    and has a known type, or the name is a known preset.

    Raises:
        ModelLoadError: as `load_generator` would, for these reasons.

    Examples:
        >>> check_model_spec("demo_x4")
        >>> try:
        ...     check_model_spec("photo.keras")
        ... except ModelLoadError as e:
        ...     print(e)
        photo.keras: no such model file
    """
    if not isinstance(spec, (str, os.PathLike)):
        raise ModelLoadError(f"a model spec must be a path or a preset name, got {spec!r}")
    spec = os.fspath(spec)
    if os.path.isdir(spec):
        raise ModelLoadError(f"{spec}: is a directory; give a .keras, .weights.h5 or .pth file")
    if not os.path.exists(spec):
        if _looks_like_path(spec):
            raise ModelLoadError(f"{spec}: no such model file")
        _check_preset(spec)
        return
    if os.path.getsize(spec) == 0:
        raise ModelLoadError(f"{spec}: the file is empty")
    if not spec.lower().endswith(MODEL_EXTENSIONS):
        raise ModelLoadError(
            f"{spec}: unknown model file type; expected one of {', '.join(MODEL_EXTENSIONS)} "
            "or a preset name"
        )


def load_generator(spec):
    """Loads a generator from a model spec: file path, preset name, or a model (returned as is).

    Args:
        spec: a `keras.Model`, a path to `.keras` / `.weights.h5` (+ JSON architecture) /
            `.pth` / `.tflite`, or a preset name (see the module docstring).

    Returns:
        A Keras generator (e.g. `RRDBNet`) that maps RGB to RGB; for a saved trainer, its
        `export_sr_model()`; for a `.tflite` file, a `TFLiteModel`.

    Raises:
        ModelLoadError: missing file, unknown preset, weights without architecture, or a
            file that does not hold a generator.

    Examples:
        >>> model = load_generator("runs/fasrgan/generator.keras")  # doctest: +SKIP
        >>> model = load_generator("gan.keras")  # a trainer saved after fit()  # doctest: +SKIP
        >>> model = load_generator("demo_x4")  # doctest: +SKIP
    """
    import keras

    from keras_fasrgan.inference.tflite_model import TFLiteModel

    if isinstance(spec, (keras.Model, TFLiteModel)):
        return spec
    check_model_spec(spec)
    spec = os.fspath(spec)
    if not os.path.exists(spec):
        return _load_preset(spec)
    lower = spec.lower()
    if lower.endswith(".keras"):
        return _load_keras_file(spec)
    if lower.endswith((".weights.h5", ".h5")):
        return _load_weights_file(spec)
    if lower.endswith(".tflite"):
        return _load_tflite(spec)
    return _load_checkpoint(spec)


def load_generator_weights(model, path):
    """Fills `model` (an `RRDBNet` or a `FeatureExtractor`) with pretrained weights from a file.

    Accepts:

    - a `.keras` file holding a network of `model`'s class, a model with one inside (the
      end-to-end E+G model that `keras_fasrgan.training.train` saves as `generator.keras`
      for the Fs-SRGAN PSNR stages), or a trainer (its EMA export of G or E is used);
    - a Keras `.weights.h5` file of `model`'s architecture;
    - an official PyTorch `.pth` / `.pt` checkpoint (`keras_fasrgan.convert.load_torch_weights`).

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file holds no such network, or its weights do not fit `model`.

    Examples:
        >>> load_generator_weights(generator, "psnr_stage.weights.h5")  # doctest: +SKIP
        >>> load_generator_weights(extractor, "runs/fs_psnr/generator.keras")  # doctest: +SKIP
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"pretrained weights not found: {path}")
    lower = path.lower()
    if lower.endswith((".pth", ".pt")):
        from keras_fasrgan.convert import load_torch_weights

        load_torch_weights(model, path)
    elif lower.endswith(".keras"):
        import keras

        import keras_fasrgan.models  # noqa: F401 - registers the networks and trainers

        source = _network_like(keras.saving.load_model(path, compile=False), model, path)
        try:
            model.set_weights(source.get_weights())
        except ValueError as e:
            raise ValueError(f"{path}: weights do not fit {model.name}: {e}") from None
    elif lower.endswith(".h5"):
        model.load_weights(path)
    else:
        raise ValueError(f"{path}: expected a .weights.h5, .keras or .pth file")
    return model


def _network_like(loaded, model, path):
    """The network of `model`'s class in `loaded` (itself, a layer of it, or a trainer's)."""
    cls = type(model)
    if hasattr(loaded, "export_sr_model"):  # a trainer
        is_extractor = cls.__name__ == "FeatureExtractor"
        loaded = loaded.export_extractor() if is_extractor else loaded.export_generator()
        if loaded is None:
            raise ValueError(f"{path}: the trainer in this file has no feature extractor E")
    if isinstance(loaded, cls):
        return loaded
    inner = [layer for layer in getattr(loaded, "layers", []) if isinstance(layer, cls)]
    if not inner:
        raise ValueError(f"{path}: no {cls.__name__} in this file (it holds a {type(loaded).__name__})")
    if len(inner) > 1:
        raise ValueError(f"{path}: {len(inner)} {cls.__name__} networks; cannot tell which to load")
    return inner[0]
