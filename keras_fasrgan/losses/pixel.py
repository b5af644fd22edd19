"""Pixel (L1) loss.

Examples:
    >>> from keras_fasrgan.losses import pixel_loss
    >>> pixel_loss(hr, sr)  # mean |SR - HR|
"""

from keras import ops


def pixel_loss(y_true, y_pred):
    """Mean absolute error over every element (the official `L1Loss`, unweighted).

    Examples:
        >>> pixel_loss(ops.zeros((1, 4, 4, 3)), ops.ones((1, 4, 4, 3)))  # 1.0
    """
    return ops.mean(ops.abs(ops.convert_to_tensor(y_pred) - ops.convert_to_tensor(y_true)))
