"""Shared machinery of the trainers: backend-neutral gradient steps, EMA, metrics, loading.

A trainer's `train_step` is written once as a sequence of phases on a *step context*:

- `ctx.grad_step(loss_fn, variables, optimizer)`: differentiate `loss_fn() -> (loss, aux)`
  with respect to `variables` only, apply the gradients with `optimizer`, return `aux`;
- `ctx.run(fn)`: run stateful Keras code (metric updates, EMA, counters);
- `ctx.cond(pred, phase)`: run `phase(ctx)` only where the scalar `pred` is true.

The context does the backend-specific part: a `tf.GradientTape` (TensorFlow, also inside
`tf.distribute` replicas and XLA), `torch.autograd.grad` (PyTorch), or stateless
`jax.value_and_grad` threading every variable, both optimizers' slots included (JAX).

Example (what a subclass does):

```python
def _train_step_body(self, ctx, lr, hr):
    sr = ctx.grad_step(lambda: self._loss(lr, hr), self.generator.trainable_variables, opt)
    ctx.run(lambda: self.pixel_tracker.update_state(...))
```
"""

import os

import keras
from keras import ops

from keras_fasrgan.losses import PerceptualLoss

# ----------------------------------------------------------------------------------------
# Step contexts
# ----------------------------------------------------------------------------------------


def num_replicas_in_sync():
    """Number of replicas of the current `tf.distribute` strategy (1 off TensorFlow).

    Example:

    ```python
    num_replicas_in_sync()  # 1 without a strategy
    ```
    """
    if keras.backend.backend() != "tensorflow":
        return 1
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


class _TensorFlowContext:
    def grad_step(self, loss_fn, variables, optimizer):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
            # Per-replica mean losses; the optimizer all-reduces (sums) the gradients, so
            # scaling by 1/num_replicas gives the gradient of the global-batch mean.
            replicas = tf.distribute.get_strategy().num_replicas_in_sync
            if replicas > 1:
                loss = loss * (1.0 / replicas)
        grads = tape.gradient(loss, variables)
        grads = [tf.zeros_like(v) if g is None else g for g, v in zip(grads, variables)]
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


class _TorchContext:
    def grad_step(self, loss_fn, variables, optimizer):
        import torch

        loss, aux = loss_fn()
        params = [v.value for v in variables]
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        grads = [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params)]
        with torch.no_grad():
            optimizer.apply(grads, variables)
        return aux

    def run(self, fn):
        return fn()

    def cond(self, pred, phase):
        if bool(ops.convert_to_numpy(pred)):
            phase(self)


class _JaxContext:
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
        base = list(self.values)

        def f(group_values):
            values = list(base)
            for i, gv in zip(idx, group_values):
                values[i] = gv
            with self._scope(values) as scope:
                loss, aux = loss_fn()
            return loss, (aux, self._collect(scope, values))

        group = [base[i] for i in idx]
        (_, (aux, new_values)), grads = jax.value_and_grad(f, has_aux=True)(group)
        # Only non-differentiated state (BatchNorm statistics, ...) comes from the loss pass.
        for i, g in zip(idx, group):
            new_values[i] = g
        self.values = new_values
        self.run(lambda: optimizer.apply(grads, variables))
        return aux

    def cond(self, pred, phase):
        import jax
        import jax.numpy as jnp

        def true_fn(values):
            sub = _JaxContext(self.var_lists, [values])
            phase(sub)
            return [jnp.asarray(n, dtype=jnp.asarray(o).dtype) for n, o in zip(sub.values, values)]

        def false_fn(values):
            return [jnp.asarray(v) for v in values]

        self.values = jax.lax.cond(jnp.asarray(pred), true_fn, false_fn, list(self.values))


def _eager_context():
    if keras.backend.backend() == "tensorflow":
        return _TensorFlowContext()
    if keras.backend.backend() == "torch":
        return _TorchContext()
    raise NotImplementedError(f"backend {keras.backend.backend()!r} is not supported")


# ----------------------------------------------------------------------------------------
# Optimizer container (what `self.optimizer` holds, so every backend saves/threads all slots)
# ----------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class OptimizerGroup(keras.optimizers.Optimizer):
    """Holds several optimizers (G and D) so that `model.optimizer.variables` lists all slots.

    Keras' JAX `fit()` threads `model.optimizer.variables` through its stateless train step;
    with this container both optimizers' states (and E's two separate slot sets in Fs-SRGAN)
    travel with it. The sub-optimizers are built and applied by the trainer; this container
    never applies gradients itself.

    Example:

    ```python
    group = OptimizerGroup([keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)])
    ```
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


def default_adam(learning_rate=1e-4):
    """The official Adam: betas (0.9, 0.999), epsilon 1e-8, no weight decay.

    Example:

    ```python
    opt = default_adam(1e-4)
    ```
    """
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8)


def _resolve_jit_compile(jit_compile):
    if jit_compile != "auto":
        return bool(jit_compile)
    backend = keras.backend.backend()
    if backend == "torch":
        return False
    if backend == "tensorflow":
        # XLA is much faster on CPU too (DESIGN 3); Keras disables it under tf.distribute.
        return num_replicas_in_sync() == 1
    return True


# ----------------------------------------------------------------------------------------
# Loading a pretrained generator
# ----------------------------------------------------------------------------------------


def load_generator_weights(model, path):
    """Fill `model` (an RRDBNet or FeatureExtractor) from a file.

    Accepts a Keras `.weights.h5` file, a `.keras` file (a network, or a trainer whose
    `export_generator()` / `export_extractor()` gives the weights), or an official PyTorch
    `.pth` checkpoint (through `keras_fasrgan.convert.load_torch_weights`).

    Example:

    ```python
    load_generator_weights(generator, "psnr_stage.weights.h5")
    ```
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"pretrained weights not found: {path}")
    lower = path.lower()
    if lower.endswith((".pth", ".pt")):
        from keras_fasrgan.convert import load_torch_weights

        load_torch_weights(model, path)
    elif lower.endswith(".keras"):
        loaded = keras.saving.load_model(path, compile=False)
        if isinstance(loaded, SRTrainerBase):
            is_extractor = type(model).__name__ == "FeatureExtractor"
            loaded = loaded.export_extractor() if is_extractor else loaded.export_generator()
        try:
            model.set_weights(loaded.get_weights())
        except ValueError as e:
            raise ValueError(f"{path}: weights do not fit {model.name}: {e}") from e
    elif lower.endswith(".h5"):
        model.load_weights(path)
    else:
        raise ValueError(f"{path}: expected a .weights.h5, .keras or .pth file")
    return model


def _clone(network):
    return network.__class__.from_config(network.get_config())


# ----------------------------------------------------------------------------------------
# Base trainer
# ----------------------------------------------------------------------------------------


class SRTrainerBase(keras.Model):
    """Base of all trainers: holds the generator (and E), EMA weights, PSNR/SSIM evaluation.

    Subclasses implement `_train_step_body(ctx, lr, hr)` and `_train_trackers`.

    `call(lr)` returns SR (EMA weights at inference when `ema_decay` is set), so `predict`
    works; `evaluate` reports PSNR and SSIM (Y channel, border = scale, SR clipped to [0, 1]).
    """

    def __init__(self, generator, extractor=None, ema_decay=None, crop_border=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.extractor = extractor
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        if crop_border is None:
            crop_border = int(getattr(generator, "scale", 0) or 0)
        self.crop_border = int(crop_border)
        from keras_fasrgan.metrics import PSNRMetric, SSIMMetric

        self.psnr_metric = PSNRMetric(crop_border=self.crop_border, name="psnr")
        self.ssim_metric = SSIMMetric(crop_border=self.crop_border, name="ssim")
        self.iteration = self.add_weight(
            shape=(),
            dtype="int32",
            initializer="zeros",
            trainable=False,
            name="iteration",
            aggregation="only_first_replica",
        )
        self._ema_weights = []
        if self.ema_decay is not None:
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
        # Every network is built on construction: the trainer has no deferred state.
        self.built = True

    # -- networks --------------------------------------------------------------------------
    def _sr_networks(self):
        return [n for n in (self.extractor, self.generator) if n is not None]

    def _sr_networks_trainable_variables(self):
        return [v for n in self._sr_networks() for v in n.trainable_variables]

    @property
    def g_variables(self):
        """Variables of the G step: E (if any) then the generator."""
        return self._sr_networks_trainable_variables()

    def generate(self, lr, training=False):
        """SR = G(LR) (or G(E(LR))) with the live (non-EMA) weights."""
        x = lr
        if self.extractor is not None:
            x = self.extractor(x, training=training)
        return self.generator(x, training=training)

    def call(self, lr, training=False):
        if self.ema_decay is None or training:
            return self.generate(lr, training=training)
        values = [w.value for w in self._ema_weights]
        x = lr
        for net in self._sr_networks():
            n = len(net.trainable_variables)
            x, _ = net.stateless_call(
                values[:n], [v.value for v in net.non_trainable_variables], x
            )
            values = values[n:]
        return x

    # -- EMA -------------------------------------------------------------------------------
    def reset_ema(self):
        """Copy the live generator (and E) weights into the EMA weights."""
        for e, v in zip(self._ema_weights, self._sr_networks_trainable_variables()):
            # A copy: on JAX, sharing one buffer between two variables breaks buffer donation.
            e.assign(ops.copy(v.value))

    def _update_ema(self):
        d = self.ema_decay
        for e, v in zip(self._ema_weights, self._sr_networks_trainable_variables()):
            e.assign(d * e + (1.0 - d) * ops.cast(v, e.dtype))

    def _export(self, network, offset):
        clone = _clone(network)
        clone.set_weights(network.get_weights())
        if self.ema_decay is not None:
            n = len(network.trainable_variables)
            for t, e in zip(clone.trainable_variables, self._ema_weights[offset : offset + n]):
                t.assign(e)
        return clone

    def export_generator(self):
        """A standalone copy of the generator, with the EMA weights when EMA is on.

        For Fs-SRGAN trainers this is the G head (input: E features); use `export_sr_model()`
        for an end-to-end LR -> SR model.
        """
        offset = 0 if self.extractor is None else len(self.extractor.trainable_variables)
        return self._export(self.generator, offset)

    def export_extractor(self):
        """A standalone copy of E (EMA weights when EMA is on); None without E."""
        if self.extractor is None:
            return None
        return self._export(self.extractor, 0)

    def export_sr_model(self):
        """An end-to-end functional LR -> SR model (E then G for Fs variants), EMA weights."""
        g = self.export_generator()
        if self.extractor is None:
            return g
        e = self.export_extractor()
        inputs = keras.Input((None, None, e.get_config()["in_channels"]), name="lr")
        return keras.Model(inputs, g(e(inputs)), name="fs_srgan_sr")

    def load_pretrained_generator(self, generator_path, extractor_path=None):
        """Start from a PSNR-stage generator (`.weights.h5`, `.keras` or official `.pth`).

        For Fs variants, `extractor_path` loads E the same way. Resets the EMA weights.

        Example:

        ```python
        trainer.load_pretrained_generator("RRDB_PSNR_x4.pth")
        ```
        """
        load_generator_weights(self.generator, generator_path)
        if extractor_path is not None:
            if self.extractor is None:
                raise ValueError("this trainer has no feature extractor to load")
            load_generator_weights(self.extractor, extractor_path)
        if self.ema_decay is not None:
            self.reset_ema()
        return self

    # -- metrics ---------------------------------------------------------------------------
    @property
    def metrics(self):
        return list(self._train_trackers) + [self.psnr_metric, self.ssim_metric]

    def _make_trackers(self, names):
        self._tracker_names = list(names)
        self._train_trackers = [keras.metrics.Mean(name=n) for n in names]
        self._trackers = dict(zip(names, self._train_trackers))

    def _update_trackers(self, terms):
        for name, value in terms.items():
            if name in self._trackers:
                self._trackers[name].update_state(value)

    def _train_logs(self):
        return {m.name: m.result() for m in self._train_trackers}

    # -- steps -----------------------------------------------------------------------------
    @staticmethod
    def _unpack(data):
        if isinstance(data, dict):
            return data["lr"], data["hr"]
        lr, hr, _ = keras.utils.unpack_x_y_sample_weight(data)
        if hr is None:
            raise ValueError("training data must be (lr, hr) pairs")
        return lr, hr

    def _jax_optimizer_variables(self):
        return self.optimizer.variables if self.optimizer is not None else []

    def train_step(self, *args):
        if keras.backend.backend() == "jax":
            state, data = args
            ctx = _JaxContext(
                [
                    self.trainable_variables,
                    self.non_trainable_variables,
                    self._jax_optimizer_variables(),
                    self.metrics_variables,
                ],
                state,
            )
            lr, hr = self._unpack(data)
            self._train_step_body(ctx, lr, hr)
            logs = ctx.run(self._train_logs)
            return logs, ctx.state()
        (data,) = args
        ctx = _eager_context()
        lr, hr = self._unpack(data)
        self._train_step_body(ctx, lr, hr)
        return self._train_logs()

    def _test_body(self, lr, hr):
        sr = ops.clip(self(lr, training=False), 0.0, 1.0)
        hr = ops.cast(hr, sr.dtype)
        self.psnr_metric.update_state(hr, sr)
        self.ssim_metric.update_state(hr, sr)
        return {"psnr": self.psnr_metric.result(), "ssim": self.ssim_metric.result()}

    def test_step(self, *args):
        if keras.backend.backend() == "jax":
            state, data = args
            ctx = _JaxContext(
                [self.trainable_variables, self.non_trainable_variables, self.metrics_variables],
                state,
            )
            lr, hr = self._unpack(data)
            logs = ctx.run(lambda: self._test_body(lr, hr))
            return logs, ctx.state()
        (data,) = args
        lr, hr = self._unpack(data)
        return self._test_body(lr, hr)

    def _finish_step(self, ctx):
        ctx.run(lambda: self.iteration.assign_add(1))

    # -- compile ---------------------------------------------------------------------------
    def _compile_common(self, optimizer, jit_compile, run_eagerly, steps_per_execution, kwargs):
        if kwargs.get("loss") is not None:
            raise ValueError("trainers compute their own losses; do not pass loss=")
        kwargs.pop("loss", None)
        jit = False if run_eagerly else _resolve_jit_compile(jit_compile)
        super().compile(
            optimizer=optimizer,
            jit_compile=jit,
            run_eagerly=run_eagerly,
            steps_per_execution=steps_per_execution,
            **kwargs,
        )

    # -- config ----------------------------------------------------------------------------
    def _base_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": keras.saving.serialize_keras_object(self.generator),
                "ema_decay": self.ema_decay,
                "crop_border": self.crop_border,
            }
        )
        if self.extractor is not None:
            config["extractor"] = keras.saving.serialize_keras_object(self.extractor)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "extractor", "discriminator", "perceptual_loss"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(
                    config[key], custom_objects=custom_objects
                )
        return cls(**config)


def resolve_perceptual_loss(perceptual_loss):
    """A `PerceptualLoss` from an instance, a weights spec ("imagenet", a path) or None."""
    if perceptual_loss is None or isinstance(perceptual_loss, keras.layers.Layer):
        return perceptual_loss
    if callable(perceptual_loss):
        return perceptual_loss
    return PerceptualLoss(weights=perceptual_loss)


# ----------------------------------------------------------------------------------------
# GAN trainer base
# ----------------------------------------------------------------------------------------


class GANTrainerBase(SRTrainerBase):
    """Shared GAN training step (DESIGN 1.3 / 1.4); subclasses only set flags and defaults.

    One iteration, in the official order:

    1. SR = G(LR) (or G(E(LR))), computed once.
    2. G step (every `d_update_ratio`-th iteration after `d_init_iters`): loss = pixel +
       perceptual + relativistic adversarial (+ score map + attention for UNet
       discriminators); gradients for E + G only, applied with `g_optimizer`. D runs in
       training mode (BatchNorm uses batch statistics and, following Keras semantics, also
       updates its moving statistics, as PyTorch's train-mode BatchNorm does), but its
       weights get no update from this step.
    3. D step on the detached pre-update SR: D is called on HR and on SR separately;
       gradients for D (and E) applied with `d_optimizer`. E therefore has one slot set in
       each optimizer.

    Under `tf.distribute`, losses are per-replica batch means scaled by 1/num_replicas, so
    the all-reduced gradient is the global-batch mean (the relativistic batch means and
    BatchNorm statistics stay per replica, as in PyTorch DDP without SyncBatchNorm).
    """

    uses_score_map = False
    uses_attention = False
    default_loss_weights = None  # None -> keras_fasrgan.losses.DEFAULT_LOSS_WEIGHTS

    def __init__(
        self,
        generator,
        discriminator,
        perceptual_loss="imagenet",
        extractor=None,
        loss_weights=None,
        d_update_ratio=1,
        d_init_iters=0,
        ema_decay=None,
        crop_border=None,
        **kwargs,
    ):
        from keras_fasrgan.losses import resolve_loss_weights

        super().__init__(generator, extractor=extractor, ema_decay=ema_decay, crop_border=crop_border, **kwargs)
        self.discriminator = discriminator
        outputs = getattr(discriminator, "outputs", None)
        if self.uses_score_map and outputs is not None and len(outputs) != 2:
            raise ValueError(
                f"{type(self).__name__} needs a discriminator returning (score, score_map), "
                f"e.g. UNetDiscriminator; {discriminator.name} has {len(outputs)} output(s)"
            )
        self.perceptual_loss = resolve_perceptual_loss(perceptual_loss)
        self._loss_weights_arg = None if loss_weights is None else dict(loss_weights)
        self.loss_weights = resolve_loss_weights(loss_weights, self.default_loss_weights)
        if int(d_update_ratio) < 1 or int(d_init_iters) < 0:
            raise ValueError("d_update_ratio must be >= 1 and d_init_iters >= 0")
        self.d_update_ratio = int(d_update_ratio)
        self.d_init_iters = int(d_init_iters)
        names = ["g_loss", "pixel"]
        if self.perceptual_loss is not None:
            names.append("perceptual")
        names.append("adversarial")
        if self.uses_score_map:
            names.append("map")
        if self.uses_attention:
            names.append("attention")
        names += ["d_loss", "real_score", "fake_score"]
        self._make_trackers(names)

    @property
    def d_variables(self):
        """Variables of the D step: the discriminator then E (if any)."""
        out = list(self.discriminator.trainable_variables)
        if self.extractor is not None:
            out += list(self.extractor.trainable_variables)
        return out

    @property
    def g_optimizer(self):
        return self.optimizer.optimizers[0]

    @property
    def d_optimizer(self):
        return self.optimizer.optimizers[1]

    def discriminate(self, images, training=True):
        """(score, score_map or None) of D (on E features for the Fs variants)."""
        x = images
        if self.extractor is not None:
            x = self.extractor(x, training=training)
        out = self.discriminator(x, training=training)
        if isinstance(out, (list, tuple)):
            return out[0], (out[1] if len(out) > 1 else None)
        return out, None

    # -- losses (backend-neutral) ----------------------------------------------------------
    def generator_loss(self, lr, hr, training=True):
        """G-step loss. Returns `(total, sr, terms)`; terms are the unweighted parts."""
        from keras_fasrgan import losses as L

        w = self.loss_weights
        hr = ops.cast(hr, "float32")
        sr = self.generate(lr, training=training)
        terms = {"pixel": L.pixel_loss(hr, sr)}
        total = w["pixel"] * terms["pixel"]
        if self.perceptual_loss is not None:
            terms["perceptual"] = self.perceptual_loss(hr, sr)
            total = total + w["perceptual"] * terms["perceptual"]
        # Official order: D(SR) then D(HR) (the latter stopped inside the losses).
        fake_score, fake_map = self.discriminate(sr, training=True)
        real_score, real_map = self.discriminate(hr, training=True)
        terms["adversarial"] = L.relativistic_generator_loss(real_score, fake_score)
        total = total + w["adversarial"] * terms["adversarial"]
        if self.uses_score_map:
            terms["map"] = L.score_map_generator_loss(real_map, fake_map)
            total = total + w["map"] * terms["map"]
        if self.uses_attention:
            terms["attention"] = L.attention_loss(sr, hr, fake_map)
            total = total + w["attention"] * terms["attention"]
        terms["g_loss"] = total
        return total, sr, terms

    def discriminator_loss(self, hr, sr):
        """D-step loss on HR and the detached SR. Returns `(total, terms)`."""
        from keras_fasrgan import losses as L

        hr = ops.cast(hr, "float32")
        sr = ops.stop_gradient(sr)
        real_score, real_map = self.discriminate(hr, training=True)
        fake_score, fake_map = self.discriminate(sr, training=True)
        if self.uses_score_map:
            total = L.discriminator_loss(real_score, fake_score, real_map, fake_map)
        else:
            total = L.discriminator_loss(real_score, fake_score)
        terms = {
            "d_loss": total,
            "real_score": ops.mean(real_score),
            "fake_score": ops.mean(fake_score),
        }
        return total, terms

    # -- step ------------------------------------------------------------------------------
    def _g_phase(self, ctx, lr, hr):
        def loss_fn():
            total, sr, terms = self.generator_loss(lr, hr)
            return total, (sr, terms)

        sr, terms = ctx.grad_step(loss_fn, self.g_variables, self.g_optimizer)
        ctx.run(lambda: self._update_trackers(terms))
        if self.ema_decay is not None:
            ctx.run(self._update_ema)
        return sr

    def _d_phase(self, ctx, hr, sr):
        def loss_fn():
            total, terms = self.discriminator_loss(hr, sr)
            return total, terms

        terms = ctx.grad_step(loss_fn, self.d_variables, self.d_optimizer)
        ctx.run(lambda: self._update_trackers(terms))

    def _train_step_body(self, ctx, lr, hr):
        if self.d_update_ratio == 1 and self.d_init_iters == 0:
            sr = self._g_phase(ctx, lr, hr)
        else:
            # The D step uses the pre-update SR whether or not G is updated this iteration.
            sr = ctx.run(lambda: ops.stop_gradient(self.generate(lr, training=True)))

            def pred_fn():
                step = ops.cast(self.iteration.value, "int32") + 1  # official 1-based step
                return ops.logical_and(
                    ops.equal(step % self.d_update_ratio, 0), step > self.d_init_iters
                )

            pred = ctx.run(pred_fn)
            ctx.cond(pred, lambda c: self._g_phase(c, lr, hr))
        self._d_phase(ctx, hr, ops.stop_gradient(sr))
        self._finish_step(ctx)

    # -- compile / config ------------------------------------------------------------------
    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss_weights=None,
        jit_compile="auto",
        run_eagerly=False,
        steps_per_execution=1,
        **kwargs,
    ):
        """Set the G and D optimizers (default: the official Adam 1e-4, betas 0.9/0.999).

        `loss_weights` updates the weights given to the constructor. `jit_compile="auto"`
        means XLA on TensorFlow (single device) and JAX, eager on PyTorch. Call under
        `strategy.scope()` when training with `tf.distribute`.
        """
        from keras_fasrgan.losses import resolve_loss_weights

        if loss_weights is not None:
            merged = dict(self._loss_weights_arg or {})
            merged.update(loss_weights)
            self._loss_weights_arg = merged
            self.loss_weights = resolve_loss_weights(merged, self.default_loss_weights)
        g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_adam()
        d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_adam()
        if g_optimizer is d_optimizer:
            raise ValueError("g_optimizer and d_optimizer must be different optimizer objects")
        g_optimizer.build(self.g_variables)
        d_optimizer.build(self.d_variables)
        group = OptimizerGroup([g_optimizer, d_optimizer])
        group.build([])
        self._compile_common(group, jit_compile, run_eagerly, steps_per_execution, kwargs)

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        return {
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "jit_compile": self.jit_compile,
        }

    def compile_from_config(self, config):
        config = dict(config)
        for k in ("g_optimizer", "d_optimizer"):
            config[k] = keras.saving.deserialize_keras_object(config[k])
        self.compile(**config)

    def get_config(self):
        config = self._base_config()
        pl = self.perceptual_loss
        config.update(
            {
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "perceptual_loss": None if pl is None else keras.saving.serialize_keras_object(pl),
                "loss_weights": self._loss_weights_arg,
                "d_update_ratio": self.d_update_ratio,
                "d_init_iters": self.d_init_iters,
            }
        )
        return config
