"""The training presets: one `TrainingConfig` per recipe of `keras_fasrgan.recipes`.

`<recipe>_x4` holds the recipe's numbers (networks, batch, HR patch, Adam schedule, loss
weights, iterations); `recipe_table()` prints them. `tiny_overrides(config)` shrinks a
config to a CPU smoke test (`fasrgan train --tiny`).

Examples:
    >>> from keras_fasrgan.training import PRESETS, tiny_overrides, load_config
    >>> config = load_config("fs_srgan_psnr_x4")
    >>> tiny = load_config("fs_srgan_psnr_x4", tiny_overrides(config))
"""

from keras_fasrgan.recipes import RECIPES
from keras_fasrgan.training.config import TrainingConfig
from keras_fasrgan.training.config import network_arguments

# `--tiny`: networks small enough for a CPU smoke test (seconds per step).
TINY_NETWORK = {"num_blocks": 1, "filters": 8, "growth_channels": 4}
TINY_RUN = {
    "batch_size": 2,
    "patch_size": 32,
    "vgg_weights": None,
    "subimages": False,
    "checkpoint_every": 1,
    "validate_every": 1,
}


def preset_from_recipe(recipe):
    """The `TrainingConfig` of a `keras_fasrgan.recipes.Recipe` (what `PRESETS` holds).

    Examples:
        >>> preset_from_recipe(get_recipe("fasrgan")).name  # 'fasrgan_x4'
    """
    if recipe.discriminator is None:
        discriminator = None
    elif recipe.discriminator == "UNetDiscriminator":
        discriminator = {"faithful_bn_epsilon": True}
    else:
        discriminator = {}
    return TrainingConfig(
        name=f"{recipe.name}_x{recipe.scale}",
        method=recipe.name,
        scale=recipe.scale,
        generator=network_arguments(recipe.generator_blocks),
        extractor=network_arguments(recipe.extractor_blocks) if recipe.has_extractor else None,
        discriminator=discriminator,
        batch_size=recipe.batch_size,
        patch_size=recipe.patch_size,
        learning_rate=recipe.learning_rate,
        milestones=list(recipe.milestones),
        gamma=recipe.gamma,
        total_steps=recipe.total_steps,
        loss_weights=dict(recipe.loss_weights),
        vgg_weights="imagenet" if "perceptual" in recipe.loss_weights else None,
    )


PRESETS = {p.name: p for p in map(preset_from_recipe, RECIPES.values())}


def available_configs():
    """Names of the training presets.

    Examples:
        >>> available_configs()[:2]  # ['esrgan_x4', 'fa_fs_srgan_psnr_x4']
    """
    return sorted(PRESETS)


def tiny_overrides(config):
    """Overrides that make `config` tiny (1-block 8-filter networks, batch 2, patch 32, no
    VGG, a checkpoint and validation every iteration); only keys that apply to its method.

    Examples:
        >>> config = load_config("fasrgan_x4")
        >>> tiny = load_config(config, tiny_overrides(config))
    """
    out = {f"generator.{k}": v for k, v in TINY_NETWORK.items()}
    if config.extractor is not None:
        out.update({f"extractor.{k}": v for k, v in TINY_NETWORK.items()})
    out.update(TINY_RUN)
    return out
