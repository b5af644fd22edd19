"""Training presets with the official hyperparameters, and `build_trainer(config)`.

A `TrainingConfig` says which trainer to build (`method`), its networks, the data settings
(HR patch, batch size), the optimiser recipe (Adam learning rate, halving milestones, total
iterations), the loss weights and where the pretrained generator comes from. The presets
hold the numbers of the paper and the authors' code (DESIGN 1.3-1.5):

| preset           | trainer   | G (nb) | E (nb) | D                    | batch | HR  | lr     |
|------------------|-----------|--------|--------|----------------------|-------|-----|--------|
| `psnr_x4`        | SRModel   | 23     | -      | -                    | 16    | 128 | 2e-4   |
| `esrgan_x4`      | ESRGAN    | 23     | -      | VGG, 128             | 16    | 128 | 1e-4   |
| `fasrgan_x4`     | FASRGAN   | 23     | -      | UNet, 128            | 16    | 128 | 1e-4   |
| `fs_srgan_x4`    | FsSRGAN   | 16     | 1      | VGG on E, 192        | 32    | 192 | 1e-4   |
| `fa_fs_srgan_x4` | FAFsSRGAN | 15     | 2      | UNet on E, 128       | 12    | 128 | 2.5e-5 |

GAN presets halve the learning rate at 50k, 100k, 200k and 300k of 500k iterations; the PSNR
stage halves 2e-4 at 50k, 100k, 200k, 600k, 800k and 1M (its length is not stated by the paper;
the preset runs 1M iterations, ESRGAN's PSNR stage).

Example:

```python
from keras_fasrgan.training import build_trainer, load_config
config = load_config("fasrgan_x4", overrides={"generator.num_blocks": 1, "vgg_weights": None})
trainer = build_trainer(config)      # compiled FASRGAN with the official Adam schedules
```
"""

import copy
import dataclasses
import json
import os

_GAN_MILESTONES = [50_000, 100_000, 200_000, 300_000]
_PSNR_MILESTONES = [50_000, 100_000, 200_000, 600_000, 800_000, 1_000_000]
_GAN_WEIGHTS = {"pixel": 1e-2, "perceptual": 1.0, "adversarial": 5e-3}
_FA_WEIGHTS = dict(_GAN_WEIGHTS, map=5e-3, attention=5e-2)

METHODS = ("psnr", "esrgan", "fasrgan", "fs_srgan", "fa_fs_srgan")
_DISCRIMINATORS = {
    "esrgan": "VGGDiscriminator",
    "fasrgan": "UNetDiscriminator",
    "fs_srgan": "VGGDiscriminator",
    "fa_fs_srgan": "UNetDiscriminator",
}


@dataclasses.dataclass
class TrainingConfig:
    """Everything `train()` and `build_trainer()` need to reproduce one training stage.

    Fields:
        name: preset name (informative).
        method: "psnr", "esrgan", "fasrgan", "fs_srgan" or "fa_fs_srgan".
        scale: super-resolution factor.
        generator: `RRDBNet` keyword arguments (`scale` and `in_channels` are filled in).
        extractor: `FeatureExtractor` keyword arguments (Fs variants; None otherwise).
        discriminator: discriminator keyword arguments; its `input_size` is always the HR
            patch size and `in_channels` E's filters for the Fs variants.
        batch_size: global batch size (split over replicas under `tf.distribute`).
        patch_size: HR patch size (LR patch = patch_size // scale).
        learning_rate: initial Adam learning rate of G (and D).
        milestones: iterations at which the learning rate is multiplied by `gamma`.
        gamma: learning-rate factor at each milestone.
        total_steps: iterations of the official run.
        loss_weights: weights of the loss terms (GAN methods).
        vgg_weights: perceptual-loss VGG19 weights: "imagenet" (Keras', Caffe preprocessing),
            a torchvision `vgg19-dcbb9e9d.pth` path (the faithful loss), or None (no
            perceptual term).
        pretrained_generator: PSNR-stage generator to start from (`.weights.h5`, `.keras`
            or official `.pth`, e.g. ESRGAN's `RRDB_PSNR_x4.pth`); the paper's GANs start
            from one. None in the presets: set it (or `--pretrained`) for a faithful run.
        pretrained_extractor: the same for E (Fs variants).
        ema_decay: None or e.g. 0.999 (EMA weights for evaluation and export).
        augment: random hflip / vflip / transpose.
        subimages: cut DIV2K into 480x480 sub-images (stride 240) first, as the authors did.
        seed: seed of the data stream.
        checkpoint_every: iterations between checkpoints (one Keras "epoch" each).
        validate_every: iterations between validations and sample images (a multiple of
            `checkpoint_every`).

    Example:

    ```python
    config = TrainingConfig(method="psnr", generator={"num_blocks": 4})
    ```
    """

    name: str = "custom"
    method: str = "fasrgan"
    scale: int = 4
    generator: dict = dataclasses.field(
        default_factory=lambda: {"num_blocks": 23, "filters": 64, "growth_channels": 32}
    )
    extractor: dict = None
    discriminator: dict = dataclasses.field(default_factory=dict)
    batch_size: int = 16
    patch_size: int = 128
    learning_rate: float = 1e-4
    milestones: list = dataclasses.field(default_factory=lambda: list(_GAN_MILESTONES))
    gamma: float = 0.5
    total_steps: int = 500_000
    loss_weights: dict = dataclasses.field(default_factory=lambda: dict(_FA_WEIGHTS))
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


PRESETS = {
    "psnr_x4": TrainingConfig(
        name="psnr_x4",
        method="psnr",
        discriminator=None,
        batch_size=16,
        patch_size=128,
        learning_rate=2e-4,
        milestones=list(_PSNR_MILESTONES),
        total_steps=1_000_000,
        loss_weights={"pixel": 1.0},
        vgg_weights=None,
    ),
    "esrgan_x4": TrainingConfig(
        name="esrgan_x4",
        method="esrgan",
        loss_weights=dict(_GAN_WEIGHTS),
    ),
    "fasrgan_x4": TrainingConfig(
        name="fasrgan_x4",
        method="fasrgan",
        loss_weights=dict(_FA_WEIGHTS),
        discriminator={"faithful_bn_epsilon": True},
    ),
    "fs_srgan_x4": TrainingConfig(
        name="fs_srgan_x4",
        method="fs_srgan",
        generator={"num_blocks": 16, "filters": 64, "growth_channels": 32},
        extractor={"num_blocks": 1, "filters": 64, "growth_channels": 32},
        batch_size=32,
        patch_size=192,
        loss_weights=dict(_GAN_WEIGHTS),
    ),
    "fa_fs_srgan_x4": TrainingConfig(
        name="fa_fs_srgan_x4",
        method="fa_fs_srgan",
        generator={"num_blocks": 15, "filters": 64, "growth_channels": 32},
        extractor={"num_blocks": 2, "filters": 64, "growth_channels": 32},
        discriminator={"faithful_bn_epsilon": True},
        batch_size=12,
        patch_size=128,
        learning_rate=2.5e-5,
        loss_weights=dict(_FA_WEIGHTS, attention=1e-2),
    ),
}

# `--tiny`: networks small enough for a CPU smoke test (seconds per step).
TINY_OVERRIDES = {
    "generator.num_blocks": 1,
    "generator.filters": 8,
    "generator.growth_channels": 4,
    "extractor.num_blocks": 1,
    "extractor.filters": 8,
    "extractor.growth_channels": 4,
    "batch_size": 2,
    "patch_size": 32,
    "vgg_weights": None,
    "subimages": False,
    "checkpoint_every": 1,
    "validate_every": 1,
}


def available_configs():
    """Names of the training presets.

    Example:

    ```python
    available_configs()  # ['esrgan_x4', 'fa_fs_srgan_x4', 'fasrgan_x4', 'fs_srgan_x4', 'psnr_x4']
    ```
    """
    return sorted(PRESETS)


def parse_value(text):
    """A `--set key=value` value: JSON when it parses (numbers, true, null, lists), else text.

    Example:

    ```python
    parse_value("1e-4"), parse_value("none"), parse_value("imagenet")  # (0.0001, None, 'imagenet')
    ```
    """
    if text.lower() in ("none", "null"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def apply_overrides(config, overrides):
    """A copy of `config` with `{"field": v, "generator.num_blocks": v, ...}` applied.

    Dotted keys set an entry of a dict field; dotted keys on a field that is None (e.g.
    `extractor.*` for a method without E) are ignored, so one override set fits all presets.
    Unknown fields raise ValueError.

    Example:

    ```python
    apply_overrides(PRESETS["fasrgan_x4"], {"batch_size": 4, "generator.num_blocks": 2})
    ```
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
                continue
            if not isinstance(target, dict):
                raise ValueError(f"config field {head!r} is not a dict; cannot set {key!r}")
            target = dict(target)
            target[rest] = value
            setattr(out, head, target)
        else:
            setattr(out, head, value)
    _check(out)
    return out


def _check(config):
    if config.method not in METHODS:
        raise ValueError(f"unknown method {config.method!r}; expected one of {METHODS}")
    if config.patch_size % config.scale:
        raise ValueError(
            f"patch_size {config.patch_size} must be a multiple of scale {config.scale}"
        )
    if config.method in ("fs_srgan", "fa_fs_srgan") and not config.extractor:
        raise ValueError(f"method {config.method!r} needs an `extractor` config")
    for key in ("batch_size", "checkpoint_every", "validate_every"):
        if int(getattr(config, key)) < 1:
            raise ValueError(f"{key} must be >= 1, got {getattr(config, key)}")


def load_config(name_or_path, overrides=None):
    """A `TrainingConfig` from a preset name or a JSON file, with `overrides` applied.

    A JSON file may name a preset to start from (`"base": "fasrgan_x4"`) and then list only
    the fields it changes; dotted keys work there too.

    Example:

    ```python
    config = load_config("fs_srgan_x4", overrides={"batch_size": 8})
    config = load_config("my_run.json")   # {"base": "fasrgan_x4", "patch_size": 96}
    ```
    """
    if isinstance(name_or_path, TrainingConfig):
        return apply_overrides(name_or_path, overrides)
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
        base = data.pop("base", None)
        if base is not None and base not in PRESETS:
            raise ValueError(f"{name}: unknown base preset {base!r}; presets: {available_configs()}")
        config = PRESETS[base] if base else TrainingConfig()
        config = apply_overrides(config, data)
    else:
        raise ValueError(
            f"unknown config {name!r}: not a preset ({', '.join(available_configs())}) "
            "nor a .json file"
        )
    return apply_overrides(config, overrides)


def save_config(config, path):
    """Writes `config` as JSON (atomically); `load_config(path)` reads it back.

    Example:

    ```python
    save_config(load_config("fasrgan_x4"), "run/config.json")
    ```
    """
    from keras_fasrgan.utils import atomic_write

    with atomic_write(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(config.to_dict(), f, indent=1)


def build_networks(config):
    """`(generator, extractor or None, discriminator or None)` for `config`.

    Example:

    ```python
    g, e, d = build_networks(load_config("fs_srgan_x4"))
    ```
    """
    from keras_fasrgan import models

    extractor = None
    in_channels = 3
    if config.method in ("fs_srgan", "fa_fs_srgan"):
        extractor = models.FeatureExtractor(**config.extractor)
        in_channels = int(config.extractor.get("filters", 64))
    g_kwargs = dict(config.generator, scale=config.scale)
    if extractor is not None:
        g_kwargs["in_channels"] = in_channels
    generator = models.RRDBNet(**g_kwargs)
    discriminator = None
    if config.method != "psnr":
        cls = getattr(models, _DISCRIMINATORS[config.method])
        d_kwargs = dict(config.discriminator or {})
        d_kwargs.update(input_size=config.patch_size, in_channels=in_channels)
        discriminator = cls(**d_kwargs)
    return generator, extractor, discriminator


def make_optimizer(config):
    """Adam (0.9, 0.999, eps 1e-8) with the config's halving schedule.

    Example:

    ```python
    opt = make_optimizer(load_config("fasrgan_x4"))
    ```
    """
    import keras

    from keras_fasrgan.optimizers import MultiStepDecay

    schedule = MultiStepDecay(config.learning_rate, config.milestones, gamma=config.gamma)
    return keras.optimizers.Adam(learning_rate=schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-8)


def build_trainer(config, compile=True, jit_compile="auto", pretrained=True):
    """Networks + trainer (+ compiled optimizers) for `config`.

    Call inside `strategy.scope()` to train with `tf.distribute`. With `pretrained=True`
    the config's `pretrained_generator` / `pretrained_extractor` are loaded when set (a
    missing file raises FileNotFoundError).

    Example:

    ```python
    trainer = build_trainer(load_config("psnr_x4", {"generator.num_blocks": 2}))
    ```
    """
    from keras_fasrgan import models

    config = load_config(config)
    generator, extractor, discriminator = build_networks(config)
    if config.method == "psnr":
        trainer = models.SRModel(generator, extractor=extractor, ema_decay=config.ema_decay)
    else:
        cls = {
            "esrgan": models.ESRGAN,
            "fasrgan": models.FASRGAN,
            "fs_srgan": models.FsSRGAN,
            "fa_fs_srgan": models.FAFsSRGAN,
        }[config.method]
        args = (extractor, generator, discriminator) if extractor is not None else (
            generator,
            discriminator,
        )
        trainer = cls(
            *args,
            perceptual_loss=config.vgg_weights,
            loss_weights=config.loss_weights,
            ema_decay=config.ema_decay,
        )
    if pretrained and config.pretrained_generator:
        trainer.load_pretrained_generator(
            config.pretrained_generator, extractor_path=config.pretrained_extractor
        )
    if compile:
        if config.method == "psnr":
            trainer.compile(optimizer=make_optimizer(config), jit_compile=jit_compile)
        else:
            trainer.compile(
                g_optimizer=make_optimizer(config),
                d_optimizer=make_optimizer(config),
                jit_compile=jit_compile,
            )
    return trainer
