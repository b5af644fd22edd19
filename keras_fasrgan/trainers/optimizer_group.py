"""`OptimizerGroup`: the G and D optimizers behind one `model.optimizer`, and loss scaling."""

import keras


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class OptimizerGroup(keras.optimizers.Optimizer):
    """Holds several optimizers (G and D) so that `model.optimizer.variables` lists all slots.

    Keras' JAX `fit()` threads `model.optimizer.variables` through its stateless train step;
    with this container both optimizers' states (and E's two separate slot sets in Fs-SRGAN)
    travel with it. The sub-optimizers are built and applied by the trainer; this container
    never applies gradients itself.

    Examples:
        >>> group = OptimizerGroup([keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)])
        >>> len(group.optimizers)
        2
    """

    def __init__(self, optimizers, name="optimizer_group", **kwargs):
        kwargs.pop("learning_rate", None)
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self.optimizers = [keras.optimizers.get(o) for o in optimizers]

    def build(self, var_list):
        if self.built:
            return
        super().build([])

    @property
    def variables(self):
        out = list(self._variables)
        for opt in self.optimizers:
            out.extend(opt.variables)
        return out

    def apply(self, grads, trainable_variables=None):
        raise NotImplementedError("OptimizerGroup does not apply gradients; use its members")

    def finalize_variable_values(self, var_list):
        pass

    def set_weights(self, weights):
        for v, w in zip(self.variables, weights):
            v.assign(w)

    def get_config(self):
        return {
            "optimizers": [keras.saving.serialize_keras_object(o) for o in self.optimizers],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizers"] = [
            keras.saving.deserialize_keras_object(o, custom_objects=custom_objects)
            for o in config["optimizers"]
        ]
        return cls(**config)


def with_loss_scaling(optimizer, dtype_policy, name):
    """`optimizer` wrapped in a `LossScaleOptimizer` under `mixed_float16` (else unchanged).

    Each of a GAN's optimizers gets its own dynamic loss scale: the G and D losses have
    different magnitudes, and an overflow in one step must not skip the other.

    Examples:
        >>> opt = with_loss_scaling(keras.optimizers.Adam(), keras.DTypePolicy("mixed_float16"), "g")
        >>> type(opt).__name__
        'LossScaleOptimizer'
    """
    scaled = keras.optimizers.LossScaleOptimizer
    policy = dtype_policy if isinstance(dtype_policy, str) else dtype_policy.name
    if policy != "mixed_float16" or isinstance(optimizer, scaled):
        return optimizer
    return scaled(optimizer, name=f"{name}_loss_scale")
