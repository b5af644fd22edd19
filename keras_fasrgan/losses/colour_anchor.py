"""A colour anchor: L1 between SR's and HR's block means and channel means.

A GAN stage's discriminator cannot see a colour cast: it is called on a real and on a fake
batch separately (as in the authors' code), and its BatchNorm layers remove each batch's mean.
Without VGG19 features to anchor the content (their weights are a separate download), a small
GAN stage drifts in colour and brightness; this loss holds both and leaves the detail inside
each block to the adversarial terms. `fasrgan demo` (`keras_fasrgan.demo_recipe`) puts it in
the trainers' perceptual slot. It is not part of the paper's recipes.

Examples:
    >>> from keras_fasrgan.losses import ColourAnchorLoss
    >>> loss = ColourAnchorLoss(factor=4, weight=5.0, mean_weight=10.0)
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class ColourAnchorLoss(keras.layers.Layer):
    """Holds the colours of SR on HR's: L1 of `factor x factor` block means and of channel
    means (plus an optional loss).

    `weight * mean|B(SR) - B(HR)| + mean_weight * mean|M(SR) - M(HR)|`, where `B` averages
    `factor x factor` blocks (an x`factor` image's colours at the LR scale) and `M` averages
    each image's channels (its colour cast and brightness). Detail inside a block is left
    free. Called as `loss(hr, sr)`, like `PerceptualLoss`, so it fits the trainers'
    `perceptual_loss` slot.

    Args:
        factor: block size (the super-resolution scale).
        weight: factor of the block term.
        mean_weight: factor of the channel-mean term.
        perceptual: optional `(hr, sr) -> loss` added as it is (e.g. `PerceptualLoss`).

    Examples:
        >>> loss = ColourAnchorLoss(factor=4, weight=2.0, mean_weight=10.0)
        >>> hr = keras.ops.zeros((1, 8, 8, 3))
        >>> round(float(loss(hr, hr + 0.1)), 4)  # 2 * 0.1 + 10 * 0.1
        1.2
    """

    def __init__(self, factor=4, weight=1.0, mean_weight=0.0, perceptual=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = int(factor)
        self.weight = float(weight)
        self.mean_weight = float(mean_weight)
        self.perceptual = perceptual
        self.trainable = False

    def _blocks(self, images):
        return ops.average_pool(images, self.factor, self.factor, padding="valid")

    def call(self, y_true, y_pred):
        y_pred = ops.cast(y_pred, "float32")
        y_true = ops.cast(y_true, "float32")
        loss = self.weight * ops.mean(ops.abs(self._blocks(y_pred) - self._blocks(y_true)))
        if self.mean_weight:
            means = [ops.mean(y, axis=(1, 2)) for y in (y_pred, y_true)]
            loss = loss + self.mean_weight * ops.mean(ops.abs(means[0] - means[1]))
        if self.perceptual is not None:
            loss = loss + self.perceptual(y_true, y_pred)
        return loss

    def compute_output_spec(self, y_true, y_pred):
        return keras.KerasTensor((), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update({
            "factor": self.factor,
            "weight": self.weight,
            "mean_weight": self.mean_weight,
            "perceptual": None if self.perceptual is None
            else keras.saving.serialize_keras_object(self.perceptual),
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("perceptual"), dict):
            config["perceptual"] = keras.saving.deserialize_keras_object(config["perceptual"])
        return cls(**config)
