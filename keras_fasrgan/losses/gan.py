"""Adversarial losses of FASRGAN / Fs-SRGAN / ESRGAN, written once with `keras.ops`.

They transcribe the authors' `GANLoss` and the loss terms of their `optimize_parameters`.

All functions take raw logits. `bce_with_logits` is the numerically stable binary cross-entropy
`max(x, 0) - x * t + log(1 + exp(-|x|))`, averaged over every element.

Examples:
    >>> from keras import ops
    >>> from keras_fasrgan.losses import relativistic_generator_loss
    >>> real = ops.convert_to_tensor([[1.0], [2.0]])
    >>> fake = ops.convert_to_tensor([[-1.0], [0.5]])
    >>> loss = relativistic_generator_loss(real, fake)  # scalar
"""

from keras import ops

from keras_fasrgan.losses.cross_replica import batch_mean


def bce_with_logits(logits, target):
    """Mean binary cross-entropy with logits against a constant target (0., 1. or a tensor).

    Stable for large |logits| (no `log(sigmoid(x))`).

    Examples:
        >>> bce_with_logits(ops.zeros((2, 1)), 1.0)  # log(2)
    """
    logits = ops.convert_to_tensor(logits)
    target = ops.cast(target, logits.dtype)
    per_element = (
        ops.maximum(logits, 0.0) - logits * target + ops.log1p(ops.exp(-ops.abs(logits)))
    )
    return ops.mean(per_element)


def relativistic_generator_loss(real_logits, fake_logits):
    """Relativistic-average GAN loss of the generator on image scores (unweighted).

    `0.5 * [BCE(C(HR) - mean C(SR), 0) + BCE(C(SR) - mean C(HR), 1)]`, C(HR) stopped. The
    means cover the global batch, across `tf.distribute` replicas too (`batch_mean`).

    Examples:
        >>> relativistic_generator_loss(d_real[0], d_fake[0])
    """
    real_logits = ops.stop_gradient(real_logits)
    return 0.5 * (
        bce_with_logits(real_logits - batch_mean(fake_logits), 0.0)
        + bce_with_logits(fake_logits - batch_mean(real_logits), 1.0)
    )


def relativistic_discriminator_loss(real_logits, fake_logits):
    """Relativistic-average GAN loss of the discriminator on image scores.

    `0.5 * [BCE(C(HR) - mean C(SR), 1) + BCE(C(SR) - mean C(HR), 0)]` (the caller passes
    scores of a detached SR); the means over the global batch (`batch_mean`).

    Examples:
        >>> relativistic_discriminator_loss(d_real[0], d_fake[0])
    """
    return 0.5 * (
        bce_with_logits(real_logits - batch_mean(fake_logits), 1.0)
        + bce_with_logits(fake_logits - batch_mean(real_logits), 0.0)
    )


def score_map_generator_loss(real_map, fake_map):
    """Per-pixel GAN loss of the generator on the UNet score map (unweighted).

    `0.5 * [BCE(M(HR), 0) + BCE(M(SR), 1)]`, M(HR) stopped, each BCE averaged over B x H x W x C.

    Examples:
        >>> score_map_generator_loss(d_real[1], d_fake[1])
    """
    real_map = ops.stop_gradient(real_map)
    return 0.5 * (bce_with_logits(real_map, 0.0) + bce_with_logits(fake_map, 1.0))


def score_map_discriminator_loss(real_map, fake_map):
    """Per-pixel GAN loss of the discriminator on the score map: `0.5 * [BCE(M(HR), 1) + BCE(M(SR), 0)]`.

    Examples:
        >>> score_map_discriminator_loss(d_real[1], d_fake[1])
    """
    return 0.5 * (bce_with_logits(real_map, 1.0) + bce_with_logits(fake_map, 0.0))


def attention_loss(sr, hr, fake_map):
    """Fine-grained attention loss (unweighted): `mean(|SR - HR| * stop_gradient(1 - sigmoid(M(SR))))`.

    Pixels the discriminator finds fake (low score) get the full L1 weight. The mask is
    stop-gradient, so this term sends no gradient into the discriminator's map.

    Examples:
        >>> attention_loss(sr, hr, d_fake[1])
    """
    mask = ops.stop_gradient(1.0 - ops.sigmoid(fake_map))
    return ops.mean(ops.abs(sr - hr) * mask)


def discriminator_loss(real_logits, fake_logits, real_map=None, fake_map=None):
    """Full discriminator loss: relativistic image term, plus the score-map term when maps are given.

    Examples:
        >>> discriminator_loss(d_real[0], d_fake[0], d_real[1], d_fake[1])
    """
    loss = relativistic_discriminator_loss(real_logits, fake_logits)
    if real_map is not None:
        loss = loss + score_map_discriminator_loss(real_map, fake_map)
    return loss
