"""Weight initialisation of the official code (BasicSR `init_weights(init_type="kaiming")`)."""

import math

import keras


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class KaimingNormal(keras.initializers.Initializer):
    """PyTorch's `kaiming_normal_(a=0, mode="fan_in")` times `scale`.

    A plain (not truncated) normal with standard deviation `scale * sqrt(2 / fan_in)`. The
    official code initialises every generator conv with `scale=0.1` (ESRGAN's trick that keeps
    a deep residual network near the identity at the start) and the discriminators with
    `scale=1`. Keras' own `HeNormal` is truncated, hence this class.

    Examples:
        >>> init = KaimingNormal(scale=0.1)
        >>> kernel = init((3, 3, 64, 32))
    """

    def __init__(self, scale=1.0, seed=None):
        self.scale = scale
        self.seed = seed
        self._seed_generator = keras.random.SeedGenerator(seed) if seed is not None else None

    def __call__(self, shape, dtype=None):
        receptive_field = math.prod(shape[:-2]) if len(shape) > 2 else 1
        fan_in = shape[-2] * receptive_field
        std = self.scale * math.sqrt(2.0 / fan_in)
        seed = self._seed_generator if self._seed_generator is not None else None
        return keras.random.normal(shape, stddev=std, dtype=dtype, seed=seed)

    def get_config(self):
        return {"scale": self.scale, "seed": self.seed}
