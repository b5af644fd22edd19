"""Loss weights: the official ones come from `keras_fasrgan.recipes`; this merges overrides.

Examples:
    >>> from keras_fasrgan.losses import resolve_loss_weights
    >>> resolve_loss_weights({"attention": 1e-2})["attention"]  # 0.01
"""

from keras_fasrgan.recipes import get_recipe

# Every generator loss term with its FASRGAN weight (the method that has them all).
DEFAULT_LOSS_WEIGHTS = dict(get_recipe("fasrgan").loss_weights)


def resolve_loss_weights(loss_weights=None, defaults=None):
    """`defaults` (all FASRGAN terms when None) updated with `loss_weights`.

    The keys of `defaults` are the terms a method has: a weight for any other term raises
    ValueError (it would be silently unused).

    Examples:
        >>> resolve_loss_weights({"pixel": 0.0})
        >>> resolve_loss_weights({"map": 1.0}, get_recipe("esrgan").loss_weights)  # ValueError
    """
    merged = dict(DEFAULT_LOSS_WEIGHTS if defaults is None else defaults)
    for key, value in (loss_weights or {}).items():
        if key not in merged:
            raise ValueError(
                f"Unknown loss weight {key!r}: this method's loss terms are {sorted(merged)}"
            )
        merged[key] = float(value)
    return merged
