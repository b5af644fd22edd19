"""Backend-specific gradient steps: a trainer's `train_step` is written once on a step context.

A trainer's step body is a sequence of phases on a *step context*:

- `ctx.grad_step(loss_fn, variables, optimizer)`: differentiate `loss_fn() -> (loss, aux)`
  with respect to `variables` only, apply the gradients with `optimizer`, return `aux`;
- `ctx.run(fn)`: run stateful Keras code (metric updates, EMA, counters);
- `ctx.cond(pred, phase)`: run `phase(ctx)` only where the scalar `pred` is true.

The context does the backend-specific part: a `tf.GradientTape` (TensorFlow, also inside
`tf.distribute` replicas and XLA), `torch.autograd.grad` (PyTorch), or stateless
`jax.value_and_grad` threading every variable, both optimizers' slots included (JAX).
Every context asks the optimizer to scale the loss (`optimizer.scale_loss`, which a
`LossScaleOptimizer` uses under `mixed_float16`); the optimizer unscales the gradients.

A variable that receives no gradient is an error naming it (TensorFlow, PyTorch): it would
otherwise silently never train. JAX's `value_and_grad` returns zeros for unused inputs, so
there it cannot be told apart from a zero gradient.

Examples:
    >>> ctx = eager_context()  # doctest: +SKIP
    >>> sr = ctx.grad_step(lambda: trainer.l1(lr, hr), trainer.g_variables, opt)  # doctest: +SKIP
"""

import keras
from keras import ops


def num_replicas_in_sync():
    """Number of replicas of the current `tf.distribute` strategy (1 off TensorFlow).

    Examples:
        >>> num_replicas_in_sync()
        1
    """
    if keras.backend.backend() != "tensorflow":
        return 1
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


def check_gradients(grads, variables):
    """Raises ValueError naming every variable whose gradient is None.

    Examples:
        >>> check_gradients([None], [keras.Variable(1.0, name="w")])
        Traceback (most recent call last):
        ...
        ValueError: no gradient for 1 variable(s) in this step: w ...
    """
    missing = [v.path for g, v in zip(grads, variables) if g is None]
    if missing:
        shown = ", ".join(missing[:10]) + (f", ... ({len(missing) - 10} more)" if len(missing) > 10 else "")
        raise ValueError(
            f"no gradient for {len(missing)} variable(s) in this step: {shown}. The loss does "
            "not depend on them, so they would never train: use them in the loss or make them "
            "non-trainable"
        )


class TensorFlowStep:
    """Step context on TensorFlow (eager, `tf.function`, XLA, `tf.distribute` replicas)."""

    def grad_step(self, loss_fn, variables, optimizer):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
            # Per-replica mean losses; the optimizer all-reduces (sums) the gradients, so
            # scaling by 1/num_replicas gives the gradient of the global-batch mean.
            replicas = tf.distribute.get_strategy().num_replicas_in_sync
            if replicas > 1:
                loss = loss * (1.0 / replicas)
            loss = optimizer.scale_loss(loss)
        grads = tape.gradient(loss, variables)
        check_gradients(grads, variables)
        optimizer.apply(grads, variables)
        return aux

    def run(self, fn):
        return fn()

    def cond(self, pred, phase):
        import tensorflow as tf

        def true_fn():
            phase(self)
            return tf.constant(True)

        tf.cond(ops.convert_to_tensor(pred), true_fn, lambda: tf.constant(False))


class TorchStep:
    """Step context on PyTorch (eager)."""

    def grad_step(self, loss_fn, variables, optimizer):
        import torch

        loss, aux = loss_fn()
        params = [v.value for v in variables]
        grads = torch.autograd.grad(optimizer.scale_loss(loss), params, allow_unused=True)
        check_gradients(grads, variables)
        with torch.no_grad():
            optimizer.apply(list(grads), variables)
        return aux

    def run(self, fn):
        return fn()

    def cond(self, pred, phase):
        if bool(ops.convert_to_numpy(pred)):
            phase(self)


class JaxStep:
    """Threads the values of `var_lists` (the JAX trainer's state) through stateless phases."""

    def __init__(self, var_lists, value_lists):
        self.var_lists = [list(v) for v in var_lists]
        self.all_vars = [v for vs in self.var_lists for v in vs]
        self.index = {id(v): i for i, v in enumerate(self.all_vars)}
        self.values = [x for xs in value_lists for x in xs]
        if len(self.values) != len(self.all_vars):
            raise ValueError(
                f"JAX state has {len(self.values)} values for {len(self.all_vars)} variables"
            )

    def state(self):
        out, start = [], 0
        for vs in self.var_lists:
            out.append(self.values[start : start + len(vs)])
            start += len(vs)
        return tuple(out)

    def _scope(self, values):
        return keras.StatelessScope(state_mapping=list(zip(self.all_vars, values)))

    def _collect(self, scope, values):
        new = []
        for v, old in zip(self.all_vars, values):
            cur = scope.get_current_value(v)
            new.append(old if cur is None else cur)
        return new

    def run(self, fn):
        with self._scope(self.values) as scope:
            out = fn()
        self.values = self._collect(scope, self.values)
        return out

    def grad_step(self, loss_fn, variables, optimizer):
        import jax

        idx = [self.index[id(v)] for v in variables]
        opt_idx = [self.index[id(v)] for v in optimizer.variables]
        base = list(self.values)

        def f(group_values):
            values = list(base)
            for i, gv in zip(idx, group_values):
                values[i] = gv
            with self._scope(values) as scope:
                loss, aux = loss_fn()
                loss = optimizer.scale_loss(loss)
            return loss, (aux, self._collect(scope, values))

        group = [base[i] for i in idx]
        (_, (aux, new_values)), grads = jax.value_and_grad(f, has_aux=True)(group)
        # Only non-differentiated state (BatchNorm statistics, ...) comes from the loss pass.
        new_group, new_slots = optimizer.stateless_apply(
            [new_values[i] for i in opt_idx], grads, group
        )
        for i, v in zip(idx, new_group):
            new_values[i] = v
        for i, v in zip(opt_idx, new_slots):
            new_values[i] = v
        self.values = new_values
        return aux

    def cond(self, pred, phase):
        import jax
        import jax.numpy as jnp

        def true_fn(values):
            sub = JaxStep(self.var_lists, [values])
            phase(sub)
            return [jnp.asarray(n, dtype=jnp.asarray(o).dtype) for n, o in zip(sub.values, values)]

        def false_fn(values):
            return [jnp.asarray(v) for v in values]

        self.values = jax.lax.cond(jnp.asarray(pred), true_fn, false_fn, list(self.values))


def eager_context():
    """The step context of the current (non-JAX) backend.

    Examples:
        >>> type(eager_context()).__name__  # doctest: +SKIP
        'TensorFlowStep'
    """
    if keras.backend.backend() == "tensorflow":
        return TensorFlowStep()
    if keras.backend.backend() == "torch":
        return TorchStep()
    raise NotImplementedError(f"backend {keras.backend.backend()!r} is not supported")


def resolve_jit_compile(jit_compile):
    """`"auto"`: XLA on TensorFlow (one device) and JAX, eager on PyTorch."""
    if jit_compile != "auto":
        return bool(jit_compile)
    backend = keras.backend.backend()
    if backend == "torch":
        return False
    if backend == "tensorflow":
        # XLA is much faster on CPU too; Keras disables it under tf.distribute.
        return num_replicas_in_sync() == 1
    return True
