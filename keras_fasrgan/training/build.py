"""From a `TrainingConfig` to networks, optimizers and a compiled trainer.

Examples:
    >>> from keras_fasrgan.training import build_trainer, load_config
    >>> trainer = build_trainer(load_config("psnr_x4", {"generator.num_blocks": 2}))
"""


def build_networks(config):
    """`(generator, extractor or None, discriminator or None)` for `config`.

    Examples:
        >>> g, e, d = build_networks(load_config("fs_srgan_x4"))
    """
    from keras_fasrgan import models
    from keras_fasrgan.training.config import load_config

    config = load_config(config)
    extractor = None
    g_kwargs = dict(config.generator, scale=config.scale)
    if config.extractor is not None:
        extractor = models.FeatureExtractor(**config.extractor)
        g_kwargs["in_channels"] = extractor.filters
    generator = models.RRDBNet(**g_kwargs)
    discriminator = None
    if config.recipe.discriminator is not None:
        cls = getattr(models, config.recipe.discriminator)
        d_kwargs = dict(config.discriminator or {})
        d_kwargs.update(input_size=config.patch_size, in_channels=g_kwargs.get("in_channels", 3))
        discriminator = cls(**d_kwargs)
    return generator, extractor, discriminator


def make_optimizer(config):
    """Adam (0.9, 0.999, eps 1e-8) with the config's halving schedule.

    Examples:
        >>> opt = make_optimizer(load_config("fasrgan_x4"))
    """
    from keras_fasrgan.optimizers import MultiStepDecay
    from keras_fasrgan.optimizers import official_optimizer

    schedule = MultiStepDecay(config.learning_rate, config.milestones, gamma=config.gamma)
    return official_optimizer(config.recipe, learning_rate=schedule)


def build_trainer(config, compile=True, jit_compile="auto", pretrained=True):
    """Networks + trainer (+ compiled optimizers) for `config`, initialised from its seed.

    The global Keras random state is seeded with `config.seed` first
    (`keras.utils.set_random_seed`), so the same config always starts from the same
    weights. With `pretrained=True` the config's `pretrained_generator` /
    `pretrained_extractor` are loaded when set (a missing file raises FileNotFoundError).
    Call inside `strategy.scope()` to train with `tf.distribute`.

    Examples:
        >>> trainer = build_trainer(load_config("psnr_x4", {"generator.num_blocks": 2}))
    """
    import keras

    from keras_fasrgan import trainers
    from keras_fasrgan.training.config import load_config

    config = load_config(config)
    keras.utils.set_random_seed(int(config.seed))
    generator, extractor, discriminator = build_networks(config)
    cls = getattr(trainers, config.recipe.trainer)
    common = dict(loss_weights=config.loss_weights, ema_decay=config.ema_decay)
    if discriminator is None:
        trainer = cls(generator, extractor=extractor, **common)
    elif extractor is None:
        trainer = cls(generator, discriminator, perceptual_loss=config.vgg_weights, **common)
    else:
        trainer = cls(extractor, generator, discriminator, perceptual_loss=config.vgg_weights, **common)
    if pretrained and config.pretrained_generator:
        trainer.load_pretrained_generator(
            config.pretrained_generator, extractor_path=config.pretrained_extractor
        )
    elif pretrained and config.pretrained_extractor:
        raise ValueError(
            "pretrained_extractor (--pretrained-extractor) needs pretrained_generator "
            "(--pretrained) as well"
        )
    if compile:
        if discriminator is None:
            trainer.compile(optimizer=make_optimizer(config), jit_compile=jit_compile)
        else:
            trainer.compile(
                g_optimizer=make_optimizer(config),
                d_optimizer=make_optimizer(config),
                jit_compile=jit_compile,
            )
    return trainer
