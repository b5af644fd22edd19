"""`TrainingConfig`: one training stage, read from a preset or JSON, with checked overrides.

A config names its recipe (`method`, a key of `keras_fasrgan.recipes.RECIPES`) and holds the
numbers a run uses: networks, data sizes, optimiser schedule, loss weights, pretrained
weights, intervals, seed. The presets (`keras_fasrgan.training.presets`) fill them from the
recipes. Every key must apply to the method: an `extractor` setting for a method without E,
a loss weight the method does not have, a network argument the network does not take, or a
VGG19 for a method without perceptual loss is an error, never silently ignored.

Examples:
    >>> from keras_fasrgan.training import load_config
    >>> config = load_config("fasrgan_x4", overrides={"generator.num_blocks": 1, "vgg_weights": None})
    >>> config = load_config("my_run.json")   # {"base": "fasrgan_x4", "patch_size": 96}
"""

import copy
import dataclasses
import inspect
import json
import os

from keras_fasrgan.recipes import RECIPES
from keras_fasrgan.recipes import get_recipe

# Network arguments that the config sets itself (from `scale`, E's filters, the patch size).
_SET_BY_CONFIG = {
    "generator": ("scale", "in_channels"),
    "extractor": ("in_channels",),
    "discriminator": ("input_size", "in_channels"),
}


def network_arguments(blocks):
    """RRDBNet / FeatureExtractor arguments of the paper (nf 64, gc 32) with `blocks` RRDBs."""
    return {"num_blocks": blocks, "filters": 64, "growth_channels": 32}


_FASRGAN = get_recipe("fasrgan")


@dataclasses.dataclass
class TrainingConfig:
    """Everything `train()` and `build_trainer()` need to reproduce one training stage.

    Fields:
        name: preset name (informative).
        method: the recipe (`keras_fasrgan.recipes`): "psnr", "fs_srgan_psnr",
            "fa_fs_srgan_psnr", "esrgan", "fasrgan", "fs_srgan" or "fa_fs_srgan".
        scale: super-resolution factor.
        generator: `RRDBNet` keyword arguments (`scale` and `in_channels` are filled in).
        extractor: `FeatureExtractor` keyword arguments (methods with E; None otherwise).
        discriminator: discriminator keyword arguments (GAN methods; None otherwise); its
            `input_size` is always the HR patch size and `in_channels` E's filters for the
            Fs variants.
        batch_size: global batch size of one iteration (split over replicas under
            `tf.distribute`), as in the official configs.
        patch_size: HR patch size (LR patch = patch_size // scale).
        learning_rate: initial Adam learning rate of G (and D).
        milestones: iterations at which the learning rate is multiplied by `gamma`.
        gamma: learning-rate factor at each milestone.
        total_steps: iterations of the official run.
        loss_weights: weights of the method's loss terms (only those terms).
        vgg_weights: perceptual-loss VGG19 weights: "imagenet" (Keras', Caffe preprocessing),
            a torchvision `vgg19-dcbb9e9d.pth` path (the faithful loss), or None (no
            perceptual term; the only value for the PSNR stages).
        pretrained_generator: the previous stage's model to start from (`.keras`,
            `.weights.h5` or official `.pth`). For methods with E, the end-to-end
            `generator.keras` of their PSNR stage starts both E and G.
        pretrained_extractor: E's weights, when they come from another file (e.g. the
            official `FsSRGAN_E.pth`).
        ema_decay: None or e.g. 0.999 (EMA weights for evaluation and export).
        augment: random hflip / vflip / transpose.
        subimages: cut DIV2K into 480x480 sub-images (stride 240) first, as the authors did.
        seed: seeds everything: weight initialisation and the data stream.
        checkpoint_every: iterations between checkpoints (one Keras "epoch" each).
        validate_every: iterations between validations and sample images (a multiple of
            `checkpoint_every`).

    Examples:
        >>> config = TrainingConfig(method="esrgan", loss_weights={"pixel": 1e-2})
    """

    name: str = "custom"
    method: str = _FASRGAN.name
    scale: int = _FASRGAN.scale
    generator: dict = dataclasses.field(
        default_factory=lambda: network_arguments(_FASRGAN.generator_blocks)
    )
    extractor: dict = None
    discriminator: dict = dataclasses.field(default_factory=lambda: {"faithful_bn_epsilon": True})
    batch_size: int = _FASRGAN.batch_size
    patch_size: int = _FASRGAN.patch_size
    learning_rate: float = _FASRGAN.learning_rate
    milestones: list = dataclasses.field(default_factory=lambda: list(_FASRGAN.milestones))
    gamma: float = _FASRGAN.gamma
    total_steps: int = _FASRGAN.total_steps
    loss_weights: dict = dataclasses.field(default_factory=lambda: dict(_FASRGAN.loss_weights))
    vgg_weights: str = "imagenet"
    pretrained_generator: str = None
    pretrained_extractor: str = None
    ema_decay: float = None
    augment: bool = True
    subimages: bool = True
    seed: int = 0
    checkpoint_every: int = 1000
    validate_every: int = 5000

    def to_dict(self):
        """A JSON-serialisable copy."""
        return copy.deepcopy(dataclasses.asdict(self))

    def replace(self, **changes):
        """A copy with some fields changed (nested dicts are copied)."""
        out = copy.deepcopy(self)
        for key, value in changes.items():
            setattr(out, key, value)
        return out

    @property
    def recipe(self):
        """The `keras_fasrgan.recipes.Recipe` of `method`."""
        return get_recipe(self.method)


def parse_value(text):
    """A `--set key=value` value: JSON when it parses (numbers, true, null, lists), else text.

    Examples:
        >>> parse_value("1e-4"), parse_value("none"), parse_value("imagenet")  # (0.0001, None, 'imagenet')
    """
    if text.lower() in ("none", "null"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def apply_overrides(config, overrides, networks=True):
    """A copy of `config` with `{"field": v, "generator.num_blocks": v, ...}` applied.

    Dotted keys set an entry of a dict field. Every key must apply: an unknown field, a
    dotted key on a field that is None for this method (e.g. `extractor.*` without E), or
    any setting the method does not use raises ValueError (see `check_config`, which
    `networks` is passed to).

    Examples:
        >>> apply_overrides(PRESETS["fasrgan_x4"], {"batch_size": 4, "generator.num_blocks": 2})
    """
    out = copy.deepcopy(config)
    fields = {f.name for f in dataclasses.fields(TrainingConfig)}
    for key, value in (overrides or {}).items():
        head, _, rest = key.partition(".")
        if head not in fields:
            raise ValueError(f"unknown config field {head!r}; fields: {', '.join(sorted(fields))}")
        if rest:
            target = getattr(out, head)
            if target is None:
                raise ValueError(
                    f"{key!r} does not apply to method {out.method!r}: it has no {head}"
                )
            if not isinstance(target, dict):
                raise ValueError(f"config field {head!r} is not a dict; cannot set {key!r}")
            target = dict(target)
            target[rest] = value
            setattr(out, head, target)
        else:
            setattr(out, head, value)
    check_config(out, networks)
    return out


def _check_network(config, field, cls_name):
    from keras_fasrgan import models

    kwargs = getattr(config, field) or {}
    params = inspect.signature(getattr(models, cls_name).__init__).parameters
    allowed = {p for p in params if p not in ("self", "kwargs")} - set(_SET_BY_CONFIG[field])
    for key in kwargs:
        if key in _SET_BY_CONFIG[field]:
            raise ValueError(f"{field}.{key} is set by the config itself; do not set it")
        if key not in allowed:
            raise ValueError(
                f"{field}.{key}: not an argument of {cls_name} (arguments: {sorted(allowed)})"
            )


def check_config(config, networks=True):
    """Raises ValueError when a setting of `config` is invalid or does not apply to its method.

    `networks=False` leaves out the checks of the network arguments, which import Keras
    (`fasrgan train` checks the rest before its slow imports).

    Examples:
        >>> check_config(TrainingConfig(method="esrgan"))  # ValueError: the map/attention weights
    """
    if config.method not in RECIPES:
        raise ValueError(f"unknown method {config.method!r}; expected one of {sorted(RECIPES)}")
    recipe = config.recipe
    where = f"method {config.method!r}"
    if config.patch_size % config.scale:
        raise ValueError(
            f"patch_size {config.patch_size} must be a multiple of scale {config.scale}"
        )
    for key in ("batch_size", "checkpoint_every", "validate_every"):
        if int(getattr(config, key)) < 1:
            raise ValueError(f"{key} must be >= 1, got {getattr(config, key)}")
    if recipe.has_extractor and not config.extractor:
        raise ValueError(f"{where} needs an `extractor` config (its feature extractor E)")
    if not recipe.has_extractor:
        for key in ("extractor", "pretrained_extractor"):
            if getattr(config, key):
                raise ValueError(f"{key!r} does not apply to {where}: it has no feature extractor E")
    if recipe.discriminator is None and config.discriminator:
        raise ValueError(f"'discriminator' does not apply to {where}: it has no discriminator")
    unknown = sorted(set(config.loss_weights or {}) - set(recipe.loss_terms))
    if unknown:
        raise ValueError(
            f"loss weight(s) {unknown} do not apply to {where}: its loss terms are "
            f"{list(recipe.loss_terms)}"
        )
    if config.vgg_weights is not None and "perceptual" not in recipe.loss_terms:
        raise ValueError(f"'vgg_weights' does not apply to {where}: it has no perceptual loss")
    if not networks:
        return
    _check_network(config, "generator", "RRDBNet")
    if config.extractor:
        _check_network(config, "extractor", "FeatureExtractor")
    if recipe.discriminator:
        _check_network(config, "discriminator", recipe.discriminator)


def load_config(name_or_path, overrides=None, networks=True):
    """A `TrainingConfig` from a preset name or a JSON file, with `overrides` applied.

    A JSON file may name a preset to start from (`"base": "fasrgan_x4"`) and then list only
    the fields it changes; dotted keys work there too. Without `base`, it starts from the
    preset of its `method` (default FASRGAN). `networks` as for `check_config`.

    Examples:
        >>> config = load_config("fs_srgan_x4", overrides={"batch_size": 8})
        >>> config = load_config("my_run.json")   # {"base": "fasrgan_x4", "patch_size": 96}
    """
    from keras_fasrgan.training.presets import PRESETS
    from keras_fasrgan.training.presets import available_configs

    if isinstance(name_or_path, TrainingConfig):
        return apply_overrides(name_or_path, overrides, networks)
    name = os.fspath(name_or_path)
    if name in PRESETS:
        config = PRESETS[name]
    elif name.lower().endswith(".json") or os.path.exists(name):
        if not os.path.exists(name):
            raise FileNotFoundError(f"config file not found: {name}")
        try:
            with open(name) as f:
                data = json.load(f)
        except ValueError as e:
            raise ValueError(f"{name}: not a valid JSON config: {e}") from e
        if not isinstance(data, dict):
            raise ValueError(f"{name}: a config file must hold a JSON object")
        base = data.pop("base", None) or f"{data.get('method', _FASRGAN.name)}_x4"
        if base not in PRESETS:
            raise ValueError(f"{name}: unknown base preset {base!r}; presets: {available_configs()}")
        config = apply_overrides(PRESETS[base], data, networks)
    else:
        raise ValueError(
            f"unknown config {name!r}: not a preset ({', '.join(available_configs())}) "
            "nor a .json file"
        )
    return apply_overrides(config, overrides, networks)


def save_config(config, path):
    """Writes `config` as JSON (atomically); `load_config(path)` reads it back.

    Examples:
        >>> save_config(load_config("fasrgan_x4"), "run/config.json")
    """
    from keras_fasrgan.utils import atomic_write

    with atomic_write(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(config.to_dict(), f, indent=1)
