"""`GANTrainerBase`: the one GAN iteration that ESRGAN, FASRGAN, Fs-SRGAN and FA+Fs-SRGAN share.

The methods differ only in data: their recipe (`keras_fasrgan.recipes`: loss terms and
weights, optimizers) and whether they hold a feature extractor E.
"""

import keras
from keras import ops

from keras_fasrgan.recipes import get_recipe
from keras_fasrgan.trainers.base import SRTrainerBase
from keras_fasrgan.trainers.loss_terms import LossSpec
from keras_fasrgan.trainers.loss_terms import StepTensors
from keras_fasrgan.trainers.optimizer_group import OptimizerGroup


def resolve_perceptual_loss(perceptual_loss):
    """A `PerceptualLoss` from an instance, a weights spec ("imagenet", a path) or None."""
    if perceptual_loss is None or callable(perceptual_loss):
        return perceptual_loss
    from keras_fasrgan.losses import PerceptualLoss

    return PerceptualLoss(weights=perceptual_loss)


class GANTrainerBase(SRTrainerBase):
    """Shared GAN training step; subclasses only name their recipe.

    One iteration, in the official order:

    1. SR = G(LR) (or G(E(LR))), computed once.
    2. G step (every `d_update_ratio`-th iteration after `d_init_iters`): the weighted sum
       of the method's loss terms (`loss_spec`); gradients for E + G only, applied with
       `g_optimizer`. D runs in training mode (BatchNorm uses batch statistics and, following
       Keras semantics, also updates its moving statistics, as PyTorch's train-mode
       BatchNorm does), but its weights get no update from this step.
    3. D step on the detached pre-update SR: D is called on HR and on SR separately;
       gradients for D (and E) applied with `d_optimizer`. E therefore has one slot set in
       each optimizer.

    Under `tf.distribute`, losses are per-replica batch means scaled by 1/num_replicas, so
    the all-reduced gradient is the global-batch mean; the relativistic batch means are
    all-reduced across replicas (`keras_fasrgan.losses.batch_mean`) and BatchNorm
    statistics stay per replica, as under the authors' `nn.DataParallel`. Under JAX
    `keras.distribution.DataParallel` the batch is one global array: both are global.
    """

    recipe = "fasrgan"

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
        super().__init__(generator, extractor=extractor, ema_decay=ema_decay, crop_border=crop_border, **kwargs)
        if (extractor is not None) != get_recipe(self.recipe).has_extractor:
            needs = "needs a" if extractor is None else "has no"
            raise ValueError(f"{type(self).__name__}: the {self.recipe!r} recipe {needs} feature extractor E")
        self.discriminator = discriminator
        self.perceptual_loss = resolve_perceptual_loss(perceptual_loss)
        self._loss_weights_arg = None if loss_weights is None else dict(loss_weights)
        self._set_loss_spec(self._loss_weights_arg)
        self._check_discriminator_outputs()
        if int(d_update_ratio) < 1 or int(d_init_iters) < 0:
            raise ValueError("d_update_ratio must be >= 1 and d_init_iters >= 0")
        self.d_update_ratio = int(d_update_ratio)
        self.d_init_iters = int(d_init_iters)
        terms = list(self.loss_spec.terms)
        self._make_trackers(["g_loss", *terms, "d_loss", "real_score", "fake_score"])

    def _set_loss_spec(self, loss_weights):
        self.loss_spec = LossSpec.for_recipe(
            self.recipe, loss_weights, perceptual=self.perceptual_loss is not None
        )
        self.loss_weights = dict(self.loss_spec.weights)

    def _check_discriminator_outputs(self):
        outputs = getattr(self.discriminator, "outputs", None)
        if outputs is None:
            return
        name = type(self).__name__
        if self.loss_spec.uses_score_map and len(outputs) != 2:
            raise ValueError(
                f"{name} needs a discriminator returning (score, score_map), e.g. "
                f"UNetDiscriminator; {self.discriminator.name} has {len(outputs)} output(s)"
            )
        if not self.loss_spec.uses_score_map and len(outputs) != 1:
            raise ValueError(
                f"{name} uses only the image score, so the score map of "
                f"{self.discriminator.name} would never train; use a one-output discriminator "
                "(VGGDiscriminator) or a method with a score map (FASRGAN, FAFsSRGAN)"
            )

    @property
    def uses_score_map(self):
        return self.loss_spec.uses_score_map

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
        """(score, score_map or None) of D (on E features for the Fs variants), as float32."""
        x = images
        if self.extractor is not None:
            x = self.extractor(x, training=training)
        out = self.discriminator(x, training=training)
        if not isinstance(out, (list, tuple)):
            out = [out]
        score = ops.cast(out[0], "float32")
        return score, (ops.cast(out[1], "float32") if len(out) > 1 else None)

    # -- losses (backend-neutral) ----------------------------------------------------------
    def generator_loss(self, lr, hr, training=True):
        """G-step loss. Returns `(total, sr, terms)`; terms are the unweighted parts."""
        hr = ops.cast(hr, "float32")
        sr = self.generate(lr, training=training)
        # Official order: D(SR) then D(HR) (the latter stopped inside the losses).
        fake_score, fake_map = self.discriminate(sr, training=True)
        real_score, real_map = self.discriminate(hr, training=True)
        tensors = StepTensors(sr, hr, real_score, fake_score, real_map, fake_map, self.perceptual_loss)
        total, terms = self.loss_spec.generator_loss(tensors)
        terms["g_loss"] = total
        return total, sr, terms

    def discriminator_loss(self, hr, sr):
        """D-step loss on HR and the detached SR. Returns `(total, terms)`."""
        hr = ops.cast(hr, "float32")
        sr = ops.stop_gradient(sr)
        real_score, real_map = self.discriminate(hr, training=True)
        fake_score, fake_map = self.discriminate(sr, training=True)
        total = self.loss_spec.discriminator_loss(real_score, fake_score, real_map, fake_map)
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
        terms = ctx.grad_step(lambda: self.discriminator_loss(hr, sr), self.d_variables, self.d_optimizer)
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
        """Set the G and D optimizers; by default the method's recipe (`self.recipe`).

        The default is the official Adam (betas 0.9/0.999, epsilon 1e-8) with the recipe's
        learning rate and halving milestones (`keras_fasrgan.recipes`): 1e-4 halved at 50k,
        100k, 200k, 300k for ESRGAN, FASRGAN and Fs-SRGAN, 2.5e-5 for FA+Fs-SRGAN.
        `loss_weights` updates the weights given to the constructor. `jit_compile="auto"`
        means XLA on TensorFlow (single device) and JAX, eager on PyTorch. Under
        `mixed_float16` each optimizer gets its own `LossScaleOptimizer`. Call under
        `strategy.scope()` when training with `tf.distribute`.
        """
        if loss_weights is not None:
            merged = dict(self._loss_weights_arg or {})
            merged.update(loss_weights)
            self._set_loss_spec(merged)
            self._loss_weights_arg = merged
        if g_optimizer is not None and g_optimizer is d_optimizer:
            raise ValueError("g_optimizer and d_optimizer must be different optimizer objects")
        g_optimizer = self._prepare_optimizer(g_optimizer, self.g_variables, "g")
        d_optimizer = self._prepare_optimizer(d_optimizer, self.d_variables, "d")
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
