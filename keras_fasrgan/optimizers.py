"""Official optimiser settings: Adam and a MultiStepLR-like halving schedule.

The numbers (learning rate, milestones, iterations) come from `keras_fasrgan.recipes`.

Examples:
    >>> from keras_fasrgan.optimizers import official_optimizer, official_schedule
    >>> g_opt = official_optimizer("fasrgan")        # Adam(1e-4, 0.9, 0.999), halved at 50k/100k/200k/300k
    >>> schedule = official_schedule("psnr")         # 2e-4 halved at 50k/100k/200k/600k/800k/1M
"""

import keras
from keras import ops

from keras_fasrgan.recipes import get_recipe


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class MultiStepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Piecewise-constant decay like PyTorch's `MultiStepLR`, per optimiser step.

    `lr(step) = initial_learning_rate * gamma ** (number of milestones <= step)`, where `step`
    is the optimiser's `iterations` (steps already taken).

    Examples:
        >>> s = MultiStepDecay(1e-4, [50_000, 100_000])
        >>> float(s(49_999)), float(s(50_000))  # (1e-4, 5e-5)
    """

    def __init__(self, initial_learning_rate, milestones, gamma=0.5, name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.milestones = [int(m) for m in milestones]
        if self.milestones != sorted(self.milestones):
            raise ValueError(f"milestones must be increasing, got {self.milestones}")
        self.gamma = float(gamma)
        self.name = name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        passed = ops.zeros((), "float32")
        for m in self.milestones:
            passed = passed + ops.cast(ops.greater_equal(step, float(m)), "float32")
        return self.initial_learning_rate * ops.power(self.gamma, passed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "milestones": list(self.milestones),
            "gamma": self.gamma,
            "name": self.name,
        }


def official_schedule(kind="fasrgan"):
    """The official learning-rate schedule of a training stage as a `MultiStepDecay`.

    `kind` is a recipe name (`keras_fasrgan.recipes.RECIPES`): "fasrgan", "esrgan",
    "fs_srgan" (1e-4), "fa_fs_srgan" (2.5e-5), all halved at 50k/100k/200k/300k of 500k
    iterations; "psnr", "fs_srgan_psnr", "fa_fs_srgan_psnr" (2e-4 halved at
    50k/100k/200k/600k/800k/1M).

    Examples:
        >>> official_schedule("fa_fs_srgan").initial_learning_rate  # 2.5e-05
    """
    recipe = get_recipe(kind)
    return MultiStepDecay(recipe.learning_rate, recipe.milestones, gamma=recipe.gamma)


def official_iterations(kind="fasrgan"):
    """Total iterations of the official recipe.

    Examples:
        >>> official_iterations("fasrgan")  # 500000
    """
    return get_recipe(kind).total_steps


def official_optimizer(kind="fasrgan", learning_rate=None):
    """Adam with the official betas (0.9, 0.999), epsilon 1e-8 (PyTorch's) and schedule.

    `learning_rate` overrides the schedule (a float or any Keras schedule).

    Examples:
        >>> g_opt = official_optimizer("fasrgan")
        >>> d_opt = official_optimizer("fasrgan")
    """
    recipe = get_recipe(kind)
    if learning_rate is None:
        learning_rate = official_schedule(recipe)
    return keras.optimizers.Adam(
        learning_rate=learning_rate,
        beta_1=recipe.beta_1,
        beta_2=recipe.beta_2,
        epsilon=recipe.epsilon,
    )
