"""`SRTrainerBase`: what every trainer shares (networks, EMA, evaluation, steps, config).

A trainer is a `keras.Model` that holds the networks and overrides `train_step`. Its step
body (`_train_step_body(ctx, lr, hr)`) is written once on a step context
(`keras_fasrgan.trainers.steps`); `train_step` picks the context of the backend.

`call(lr)` returns SR (EMA weights at inference when `ema_decay` is set), so `predict` works;
`evaluate` reports PSNR and SSIM (Y channel, border = scale, SR clipped to [0, 1]).

Under a mixed-precision policy the networks compute in float16/bfloat16, their variables and
every loss stay float32, and under `mixed_float16` each optimizer is wrapped in a
`LossScaleOptimizer`.

Examples:
    >>> model = SRModel(RRDBNet(num_blocks=1, filters=8, growth_channels=4))  # doctest: +SKIP
    >>> model.compile(); model.fit(pairs)                                   # doctest: +SKIP
"""

import os

import keras
from keras import ops

from keras_fasrgan.recipes import get_recipe
from keras_fasrgan.trainers.ema import EMAMixin
from keras_fasrgan.trainers.optimizer_group import with_loss_scaling
from keras_fasrgan.trainers.steps import JaxStep
from keras_fasrgan.trainers.steps import eager_context
from keras_fasrgan.trainers.steps import resolve_jit_compile


class SRTrainerBase(EMAMixin, keras.Model):
    """Base of all trainers: holds the generator (and E), EMA weights, PSNR/SSIM evaluation.

    Subclasses set `recipe` (a name in `keras_fasrgan.recipes.RECIPES`: the source of their
    default optimizers and loss weights), and implement `_train_step_body(ctx, lr, hr)` and
    `compile`.
    """

    recipe = "psnr"

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
        self._make_ema_weights()
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
        """SR = G(LR) (or G(E(LR))) with the live (non-EMA) weights, as float32."""
        x = lr
        if self.extractor is not None:
            x = self.extractor(x, training=training)
        return ops.cast(self.generator(x, training=training), "float32")

    def call(self, lr, training=False):
        if self.ema_decay is None or training:
            return self.generate(lr, training=training)
        return ops.cast(self._ema_forward(lr), "float32")

    # -- exports ---------------------------------------------------------------------------
    def export_generator(self):
        """A standalone copy of the generator, with the EMA weights when EMA is on.

        For Fs-SRGAN trainers this is the G head (input: E features); use `export_sr_model()`
        for an end-to-end LR -> SR model.
        """
        offset = 0 if self.extractor is None else len(self.extractor.trainable_variables)
        return self._ema_copy(self.generator, offset)

    def export_extractor(self):
        """A standalone copy of E (EMA weights when EMA is on); None without E."""
        if self.extractor is None:
            return None
        return self._ema_copy(self.extractor, 0)

    def export_sr_model(self):
        """An end-to-end functional LR -> SR model (E then G for Fs variants), EMA weights."""
        g = self.export_generator()
        if self.extractor is None:
            return g
        e = self.export_extractor()
        inputs = keras.Input((None, None, e.get_config()["in_channels"]), name="lr")
        return keras.Model(inputs, g(e(inputs)), name="fs_srgan_sr")

    def load_pretrained_generator(self, generator_path, extractor_path=None):
        """Start from a PSNR-stage model (`.keras`, `.weights.h5` or an official `.pth`).

        With E (Fs variants), E comes from `extractor_path` when given, else from the same
        file, which must then hold one: the end-to-end E+G model that `train()` saves
        (`generator.keras`) or a trainer's `.keras`. Resets the EMA weights.

        Examples:
            >>> trainer.load_pretrained_generator("RRDB_PSNR_x4.pth")
            >>> fs_gan.load_pretrained_generator("runs/fs_psnr/generator.keras")  # E and G
        """
        from keras_fasrgan.loading import load_generator_weights

        if self.extractor is None and extractor_path is not None:
            raise ValueError(
                f"{type(self).__name__} has no feature extractor to load {extractor_path} into"
            )
        if self.extractor is not None and extractor_path is None:
            if not os.fspath(generator_path).lower().endswith(".keras"):
                raise ValueError(
                    f"{generator_path}: {type(self).__name__} starts E and G from the PSNR "
                    "stage; give its end-to-end generator.keras, or E's weights as well "
                    "(extractor_path=, --pretrained-extractor)"
                )
            extractor_path = generator_path
        load_generator_weights(self.generator, generator_path)
        if self.extractor is not None:
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
        return lr, ops.cast(hr, "float32")

    def train_step(self, *args):
        if keras.backend.backend() == "jax":
            state, data = args
            optimizer_variables = self.optimizer.variables if self.optimizer is not None else []
            ctx = JaxStep(
                [
                    self.trainable_variables,
                    self.non_trainable_variables,
                    optimizer_variables,
                    self.metrics_variables,
                ],
                state,
            )
            lr, hr = self._unpack(data)
            self._train_step_body(ctx, lr, hr)
            logs = ctx.run(self._train_logs)
            return logs, ctx.state()
        (data,) = args
        lr, hr = self._unpack(data)
        self._train_step_body(eager_context(), lr, hr)
        return self._train_logs()

    def _test_body(self, lr, hr):
        sr = ops.clip(self(lr, training=False), 0.0, 1.0)
        self.psnr_metric.update_state(hr, sr)
        self.ssim_metric.update_state(hr, sr)
        return {"psnr": self.psnr_metric.result(), "ssim": self.ssim_metric.result()}

    def test_step(self, *args):
        if keras.backend.backend() == "jax":
            state, data = args
            ctx = JaxStep(
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
    def _prepare_optimizer(self, optimizer, variables, name):
        """`optimizer` (or the recipe's when None), loss-scaled if needed, built for `variables`."""
        if optimizer is None:
            from keras_fasrgan.optimizers import official_optimizer

            optimizer = official_optimizer(get_recipe(self.recipe))
        optimizer = with_loss_scaling(keras.optimizers.get(optimizer), self.dtype_policy, name)
        optimizer.build(variables)
        return optimizer

    def _compile_common(self, optimizer, jit_compile, run_eagerly, steps_per_execution, kwargs):
        if kwargs.get("loss") is not None:
            raise ValueError("trainers compute their own losses; do not pass loss=")
        kwargs.pop("loss", None)
        jit = False if run_eagerly else resolve_jit_compile(jit_compile)
        super().compile(
            optimizer=optimizer,
            jit_compile=jit,
            run_eagerly=run_eagerly,
            steps_per_execution=steps_per_execution,
            # Loss scaling, where needed, is per optimizer (`_prepare_optimizer`).
            auto_scale_loss=False,
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
