"""The demo's GAN recipe: the package's FASRGAN trainer, scaled to a small generator on a CPU.

`fasrgan demo` and `scripts/train_demo_preset.py --stage gan` (which made the
`demo_fasrgan_x4` preset) train with `keras_fasrgan.trainers.FASRGAN`: the UNet discriminator
with an image score and a per-pixel score map, the fine-grained attention loss, the paper's
adversarial, score-map and attention weights. What differs from the paper's recipe, because a
demo runs for minutes on a CPU without downloading anything:

- **discriminator**: the paper's UNet at a quarter of its width (`filters=16`, a 256-unit
  hidden Dense layer, standard BatchNorm epsilon). At full width it costs about 30 times the
  small demo generator per step; at a quarter, about as much.
- **content anchor**: the paper anchors content with VGG19 features (weight 1.0) and a 1e-2
  L1 term. VGG19 weights are not part of the package and the demo never downloads them, so
  the trainer's perceptual slot holds `ColourAnchorLoss`: 5 times the L1 distance between
  SR and HR averaged over `scale x scale` blocks (their colours at the LR scale), plus 10
  times the L1 distance between their per-image channel means. The second term matters
  because the discriminator cannot see a colour cast: it is called on a real and on a fake
  batch separately (as the paper's code), and its BatchNorm layers remove each batch's mean,
  so nothing but the anchor stops the generator from drifting in colour and brightness (a
  GAN stage without it shifts the colours of photos unlike its training set by several
  levels). The anchor leaves
  the detail inside each block to the adversarial terms. With VGG19 weights, the perceptual
  loss is added to the anchor.
- **colour chart**: the GAN stage also trains on scikit-image's `colorwheel`, a synthetic
  chart of every hue from white to full saturation (one patch in seven), so that the colour
  anchor also covers saturated colours, which the six training photos barely have: without
  it, a 2500-step stage darkened the green of the saturated retina photo by 2.5 levels.
- **EMA**: the exported generator is the exponential moving average of the generator's
  weights (`DEMO_EMA_DECAY`), which smooths the GAN's step-to-step noise.

Examples:
    >>> from keras_fasrgan.demo_recipe import build_demo_gan
    >>> from keras_fasrgan.presets import load_preset
    >>> gan = build_demo_gan(load_preset("demo_x4"), patch_size=32)  # doctest: +SKIP
    >>> gan.fit(dataset, steps_per_epoch=100)  # doctest: +SKIP
"""

import keras

from keras_fasrgan.data.samples import SAMPLE_TRAIN
from keras_fasrgan.losses.colour_anchor import ColourAnchorLoss

# The paper's adversarial, score-map and attention weights; pixel L1 as the paper; the
# perceptual slot holds the colour anchor (and VGG19 when its weights are given).
DEMO_LOSS_WEIGHTS = {
    "pixel": 1e-2,
    "perceptual": 1.0,
    "adversarial": 5e-3,
    "map": 5e-3,
    "attention": 5e-2,
}
DEMO_ANCHOR_WEIGHT = 5.0
DEMO_EMA_DECAY = 0.999
DEMO_MEAN_WEIGHT = 10.0
# The GAN stage's training images: the built-in training photos and a synthetic colour chart.
DEMO_GAN_IMAGES = SAMPLE_TRAIN + ("colorwheel",)
DEMO_DISCRIMINATOR = {"filters": 16, "dense_units": 256, "faithful_bn_epsilon": False}


def demo_discriminator(patch_size):
    """The demo's UNet discriminator (a quarter of the paper's width) for `patch_size` HR
    patches.

    Examples:
        >>> disc = demo_discriminator(32)
        >>> disc.get_config()["filters"]
        16
    """
    from keras_fasrgan.models import UNetDiscriminator

    return UNetDiscriminator(input_size=patch_size, **DEMO_DISCRIMINATOR)


def build_demo_gan(generator, patch_size, learning_rate=1e-4, ema_decay=DEMO_EMA_DECAY,
                   perceptual=None, loss_weights=None, jit_compile="auto", scale=4,
                   d_learning_rate=None, d_init_iters=0):
    """A compiled FASRGAN trainer with the demo's recipe (see the module docstring).

    Args:
        generator: the generator to train (its weights are the starting point).
        patch_size: HR patch size, the discriminator's input size (a multiple of 8).
        learning_rate: Adam learning rate of G (and of D unless `d_learning_rate`); betas
            0.9, 0.999 as the paper.
        ema_decay: decay of the generator's EMA weights (`None`: no EMA).
        perceptual: optional perceptual loss added to the colour anchor (e.g.
            `PerceptualLoss("imagenet")`).
        loss_weights: overrides of `DEMO_LOSS_WEIGHTS`.
        jit_compile: passed to `compile` ("auto": XLA on TensorFlow).
        scale: the generator's scale (the anchor's block size).
        d_learning_rate: D's learning rate (default: `learning_rate`).
        d_init_iters: D-only iterations first (a fresh D learns before G follows it).

    Returns:
        A compiled `keras_fasrgan.trainers.FASRGAN`.
    """
    from keras_fasrgan.trainers import FASRGAN

    weights = dict(DEMO_LOSS_WEIGHTS)
    weights.update(loss_weights or {})
    gan = FASRGAN(
        generator,
        demo_discriminator(patch_size),
        perceptual_loss=ColourAnchorLoss(scale, DEMO_ANCHOR_WEIGHT, DEMO_MEAN_WEIGHT,
                                         perceptual=perceptual),
        loss_weights=weights,
        ema_decay=ema_decay,
        d_init_iters=d_init_iters,
    )
    d_learning_rate = learning_rate if d_learning_rate is None else d_learning_rate
    gan.compile(
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.9, beta_2=0.999),
        d_optimizer=keras.optimizers.Adam(d_learning_rate, beta_1=0.9, beta_2=0.999),
        jit_compile=jit_compile,
    )
    return gan
