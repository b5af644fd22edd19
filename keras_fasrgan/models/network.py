"""Base class of the paper's networks: keras-hub's functional-subclass pattern."""

import keras


class Network(keras.Model):
    """A `keras.Model` subclass built as a functional graph in `__init__`.

    Subclasses build their graph, call `super().__init__(inputs=..., outputs=..., **kwargs)`
    and then `self._set_config(arg=value, ...)` with every constructor argument. The model is
    built on construction (`count_params()`, `summary()` and `save()` work at once) and
    `get_config()` returns exactly those arguments, so `from_config` calls the constructor.
    """

    def _set_config(self, **config):
        self._network_config = dict(config)
        for key, value in config.items():
            setattr(self, key, value)

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable}
        config.update(self._network_config)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
