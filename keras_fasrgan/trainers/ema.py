"""Exponential moving average (EMA) of the SR networks' weights, mixed into the trainers.

With `ema_decay` set, the trainer keeps one non-trainable copy of every trainable weight of
E (if any) and G, updated after each G step as `ema = d * ema + (1 - d) * w`. Inference
(`call`, `predict`, `evaluate`) and the exports use the averaged weights; training uses the
live ones.

Examples:
    >>> model = SRModel(generator, ema_decay=0.999)  # doctest: +SKIP
    >>> model.export_generator()                      # doctest: +SKIP
"""

from keras import ops


class EMAMixin:
    """EMA weights of `self._sr_networks()` (a list of networks, E first, then G)."""

    def _make_ema_weights(self):
        self._ema_weights = []
        if self.ema_decay is None:
            return
        for v in self._sr_networks_trainable_variables():
            self._ema_weights.append(
                self.add_weight(
                    shape=v.shape,
                    dtype=v.dtype,
                    initializer="zeros",
                    trainable=False,
                    name="ema_" + v.path.replace("/", "_"),
                    aggregation="only_first_replica",
                )
            )
        self.reset_ema()

    def reset_ema(self):
        """Copy the live generator (and E) weights into the EMA weights."""
        for e, v in zip(self._ema_weights, self._sr_networks_trainable_variables()):
            # A copy: on JAX, sharing one buffer between two variables breaks buffer donation.
            e.assign(ops.copy(v.value))

    def _update_ema(self):
        d = self.ema_decay
        for e, v in zip(self._ema_weights, self._sr_networks_trainable_variables()):
            e.assign(d * e + (1.0 - d) * ops.cast(v, e.dtype))

    def _ema_forward(self, x):
        """The SR networks applied to `x` with the EMA weights (inference mode)."""
        values = [w.value for w in self._ema_weights]
        for net in self._sr_networks():
            n = len(net.trainable_variables)
            x, _ = net.stateless_call(
                values[:n], [v.value for v in net.non_trainable_variables], x
            )
            values = values[n:]
        return x

    def _ema_copy(self, network, offset):
        """A standalone copy of `network` with its EMA weights (from `offset` in the list)."""
        clone = network.__class__.from_config(network.get_config())
        clone.set_weights(network.get_weights())
        if self.ema_decay is not None:
            n = len(network.trainable_variables)
            for t, e in zip(clone.trainable_variables, self._ema_weights[offset : offset + n]):
                t.assign(e)
        return clone
