"""PSNR-oriented training stage: the generator (optionally E + G) with the L1 loss only.

Examples:
    >>> from keras_fasrgan.models import RRDBNet
    >>> from keras_fasrgan.trainers import SRModel
    >>> model = SRModel(RRDBNet(num_blocks=2, filters=16, growth_channels=8))
    >>> model.compile()                      # official Adam, lr 2e-4 halved at 50k/100k/200k/600k/...
    >>> model.fit(dataset_of_lr_hr_pairs, epochs=1)
    >>> model.evaluate(val_pairs)            # {"psnr": ..., "ssim": ...}
"""

import keras

from keras_fasrgan.trainers.base import SRTrainerBase
from keras_fasrgan.trainers.loss_terms import LossSpec
from keras_fasrgan.trainers.loss_terms import StepTensors


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class SRModel(SRTrainerBase):
    """PSNR stage trainer: minimises mean |G(LR) - HR| (or |G(E(LR)) - HR| with `extractor`).

    Its recipe is "psnr" (`keras_fasrgan.recipes`); the Fs-SRGAN and FA+Fs-SRGAN PSNR stages
    ("fs_srgan_psnr", "fa_fs_srgan_psnr") are this trainer with an extractor E and the same
    optimiser.

    Args:
        generator: an `RRDBNet` (any Keras model LR -> SR; with E, its input is E's output).
        extractor: optional Fs-SRGAN feature extractor E, trained jointly with G.
        loss_weights: `{"pixel": w}` (default 1: the plain L1).
        ema_decay: None, or e.g. 0.999 to keep an exponential moving average of the weights
            (used by `call`/`predict`/`evaluate`/`export_generator`).
        crop_border: border for PSNR/SSIM in `evaluate` (default: the generator's scale).

    `fit` logs `loss` (the L1); `evaluate` logs `psnr` and `ssim`.

    Examples:
        >>> model = SRModel(generator, ema_decay=0.999)
        >>> model.compile(optimizer=keras.optimizers.Adam(2e-4))
    """

    recipe = "psnr"

    def __init__(
        self, generator, extractor=None, loss_weights=None, ema_decay=None, crop_border=None, **kwargs
    ):
        super().__init__(generator, extractor=extractor, ema_decay=ema_decay, crop_border=crop_border, **kwargs)
        self._loss_weights_arg = None if loss_weights is None else dict(loss_weights)
        self.loss_spec = LossSpec.for_recipe(self.recipe, self._loss_weights_arg)
        self._make_trackers(["loss"])

    def compile(
        self,
        optimizer=None,
        jit_compile="auto",
        run_eagerly=False,
        steps_per_execution=1,
        **kwargs,
    ):
        """Default optimizer: the recipe's Adam (2e-4 halved at 50k/100k/200k/600k/800k/1M)."""
        optimizer = self._prepare_optimizer(optimizer, self.g_variables, "g")
        self._compile_common(optimizer, jit_compile, run_eagerly, steps_per_execution, kwargs)

    def _train_step_body(self, ctx, lr, hr):
        def loss_fn():
            sr = self.generate(lr, training=True)
            loss, _ = self.loss_spec.generator_loss(StepTensors(sr, hr, *[None] * 5))
            return loss, loss

        loss = ctx.grad_step(loss_fn, self.g_variables, self.optimizer)
        ctx.run(lambda: self._update_trackers({"loss": loss}))
        if self.ema_decay is not None:
            ctx.run(self._update_ema)
        self._finish_step(ctx)

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        return {
            "optimizer": keras.saving.serialize_keras_object(self.optimizer),
            "jit_compile": self.jit_compile,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["optimizer"] = keras.saving.deserialize_keras_object(config["optimizer"])
        self.compile(**config)

    def get_config(self):
        config = self._base_config()
        config["loss_weights"] = self._loss_weights_arg
        return config
