"""The paper's training recipes: one table that the trainers, presets, CLI and docs all read.

A `Recipe` holds everything that defines one training stage of the paper and the authors'
code (Yan et al., TMM 2022; their BasicSR-based training options): the networks' sizes, the
loss terms and their weights, the Adam learning rate with its halving milestones, the number
of iterations, the batch and HR patch sizes, and which stage's output it starts from.

- the trainers' `compile()` defaults (optimizers) and loss weights come from the recipe of
  their method (`FASRGAN.recipe == "fasrgan"`);
- `keras_fasrgan.training` turns every recipe into a preset `<name>_x4`;
- `keras_fasrgan.optimizers.official_optimizer(name)` builds its Adam;
- `recipe_table()` is the table printed by `fasrgan train --help` and in the docs.

The batch size is the global batch of one iteration, as in the official configs (not a
per-device batch).

Examples:
    >>> get_recipe("FA+Fs-SRGAN").learning_rate
    2.5e-05
    >>> get_recipe("fasrgan").loss_terms
    ('pixel', 'perceptual', 'adversarial', 'map', 'attention')
"""

import dataclasses
import types

GAN_MILESTONES = (50_000, 100_000, 200_000, 300_000)
PSNR_MILESTONES = (50_000, 100_000, 200_000, 600_000, 800_000, 1_000_000)
_GAN_WEIGHTS = {"pixel": 1e-2, "perceptual": 1.0, "adversarial": 5e-3}
_FA_WEIGHTS = dict(_GAN_WEIGHTS, map=5e-3, attention=5e-2)
# Loss terms that need the discriminator's per-pixel score map.
SCORE_MAP_TERMS = ("map", "attention")


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One training stage of the paper (networks, losses, optimiser, data sizes).

    Fields:
        name: key in `RECIPES` (the preset is `<name>_x<scale>`).
        title: the paper's name of the stage.
        trainer: trainer class in `keras_fasrgan.trainers`.
        loss_weights: the generator loss terms the stage uses, with their weights, in the
            order they are logged. Their names are the data that says which losses a
            method has ("map" and "attention" need a discriminator with a score map).
        learning_rate: initial Adam learning rate (G and D).
        milestones: iterations at which the learning rate is multiplied by `gamma`.
        total_steps: iterations of the official run.
        batch_size: global batch size of one iteration.
        patch_size: HR patch size.
        generator_blocks: RRDBs of the generator (its head, for the Fs variants).
        extractor_blocks: RRDBs of the shared feature extractor E, or None without E.
        discriminator: discriminator class, or None for a PSNR stage.
        starts_from: the recipe whose output initialises this stage (None: from scratch).
        gamma, beta_1, beta_2, epsilon: halving factor and Adam's constants (PyTorch's).
        scale: super-resolution factor.

    Examples:
        >>> get_recipe("psnr").milestones[-1]
        1000000
    """

    name: str
    title: str
    trainer: str
    loss_weights: dict
    learning_rate: float
    milestones: tuple
    total_steps: int
    batch_size: int
    patch_size: int
    generator_blocks: int
    extractor_blocks: int = None
    discriminator: str = None
    starts_from: str = None
    gamma: float = 0.5
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    scale: int = 4

    def __post_init__(self):
        # Read-only: the table is the source of truth; copy it (`dict(...)`) to change it.
        object.__setattr__(self, "loss_weights", types.MappingProxyType(dict(self.loss_weights)))
        object.__setattr__(self, "milestones", tuple(int(m) for m in self.milestones))

    @property
    def loss_terms(self):
        """Names of the generator loss terms, in logging order."""
        return tuple(self.loss_weights)

    @property
    def uses_score_map(self):
        """True when a term needs the discriminator's score map (FASRGAN's UNet)."""
        return any(t in self.loss_weights for t in SCORE_MAP_TERMS)

    @property
    def has_extractor(self):
        return self.extractor_blocks is not None


_PSNR = dict(
    trainer="SRModel",
    loss_weights={"pixel": 1.0},
    learning_rate=2e-4,
    milestones=PSNR_MILESTONES,
    # The paper does not state the PSNR stages' length; 1M iterations is ESRGAN's.
    total_steps=1_000_000,
    batch_size=16,
)
_GAN = dict(learning_rate=1e-4, milestones=GAN_MILESTONES, total_steps=500_000)

RECIPES = {
    r.name: r
    for r in (
        Recipe("psnr", "PSNR stage (RRDBNet, L1)", patch_size=128, generator_blocks=23, **_PSNR),
        Recipe("fs_srgan_psnr", "Fs-SRGAN PSNR stage (E + G, L1)", patch_size=192,
               generator_blocks=16, extractor_blocks=1, **_PSNR),
        Recipe("fa_fs_srgan_psnr", "FA+Fs-SRGAN PSNR stage (E + G, L1)", patch_size=192,
               generator_blocks=15, extractor_blocks=2, **_PSNR),
        Recipe("esrgan", "ESRGAN", "ESRGAN", _GAN_WEIGHTS, batch_size=16, patch_size=128,
               generator_blocks=23, discriminator="VGGDiscriminator", starts_from="psnr", **_GAN),
        Recipe("fasrgan", "FASRGAN", "FASRGAN", _FA_WEIGHTS, batch_size=16, patch_size=128,
               generator_blocks=23, discriminator="UNetDiscriminator", starts_from="psnr",
               **_GAN),
        Recipe("fs_srgan", "Fs-SRGAN", "FsSRGAN", _GAN_WEIGHTS, batch_size=32, patch_size=192,
               generator_blocks=16, extractor_blocks=1, discriminator="VGGDiscriminator",
               starts_from="fs_srgan_psnr", **_GAN),
        Recipe("fa_fs_srgan", "FA+Fs-SRGAN", "FAFsSRGAN", dict(_FA_WEIGHTS, attention=1e-2),
               learning_rate=2.5e-5, milestones=GAN_MILESTONES, total_steps=500_000,
               batch_size=12, patch_size=128, generator_blocks=15, extractor_blocks=2,
               discriminator="UNetDiscriminator", starts_from="fa_fs_srgan_psnr"),
    )
}


def get_recipe(name):
    """The `Recipe` called `name` (case, "-" and "+" are ignored: "FA+Fs-SRGAN" works).

    Raises:
        ValueError: an unknown name; the message lists the known ones.

    Examples:
        >>> get_recipe("Fs-SRGAN").batch_size
        32
    """
    if isinstance(name, Recipe):
        return name
    key = str(name).lower().replace("-", "_").replace("+", "_")
    if key not in RECIPES:
        raise ValueError(f"Unknown recipe {name!r}; expected one of {sorted(RECIPES)}")
    return RECIPES[key]


def _number(x):
    """1e-2, 2.5e-5, 1 (the paper's way of writing the numbers)."""
    if x == 0 or 0.1 <= abs(x) < 1000:
        return f"{x:g}"
    mantissa, exponent = f"{x:e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def _steps(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def recipe_table():
    """The recipes as a Markdown table (what the docs and `fasrgan train --help` show).

    Examples:
        >>> print(recipe_table().splitlines()[0])  # doctest: +ELLIPSIS
        | preset | trainer | G nb | E nb | D | batch | HR | Adam lr | halved at | iterations | ...
    """
    rows = [
        "| preset | trainer | G nb | E nb | D | batch | HR | Adam lr | halved at | iterations "
        "| loss weights | starts from |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in RECIPES.values():
        d = {"VGGDiscriminator": "VGG", "UNetDiscriminator": "UNet"}.get(r.discriminator, "-")
        if r.discriminator and r.has_extractor:
            d += " on E"
        weights = ", ".join(f"{k} {_number(v)}" for k, v in r.loss_weights.items())
        start = f"`{r.starts_from}_x{r.scale}`" if r.starts_from else "-"
        rows.append(
            f"| `{r.name}_x{r.scale}` | {r.trainer} | {r.generator_blocks} "
            f"| {r.extractor_blocks or '-'} | {d} | {r.batch_size} | {r.patch_size} "
            f"| {_number(r.learning_rate)} | {', '.join(_steps(m) for m in r.milestones)} "
            f"| {_steps(r.total_steps)} | {weights} | {start} |"
        )
    return "\n".join(rows)
