"""PSNR-oriented training stage: the generator (optionally E + G) with the L1 loss only.

Example:

```python
from keras_fasrgan.models import RRDBNet, SRModel
model = SRModel(RRDBNet(num_blocks=2, filters=16, growth_channels=8))
model.compile()                      # official Adam, lr 2e-4 halved at 50k/100k/200k/600k/...
model.fit(dataset_of_lr_hr_pairs, epochs=1)
model.evaluate(val_pairs)            # {"psnr": ..., "ssim": ...}
```
"""

import keras

from keras_fasrgan.models.trainer_base import SRTrainerBase
from keras_fasrgan.models.trainer_base import default_adam


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class SRModel(SRTrainerBase):
    """PSNR stage trainer: minimises mean |G(LR) - HR| (or |G(E(LR)) - HR| with `extractor`).

    Args:
        generator: an `RRDBNet` (any Keras model LR -> SR).
        extractor: optional Fs-SRGAN feature extractor E, trained jointly with G.
        ema_decay: None, or e.g. 0.999 to keep an exponential moving average of the weights
            (used by `call`/`predict`/`evaluate`/`export_generator`).
        crop_border: border for PSNR/SSIM in `evaluate` (default: the generator's scale).

    `fit` logs `loss` (the L1); `evaluate` logs `psnr` and `ssim`.

    Example:

    ```python
    model = SRModel(generator, ema_decay=0.999)
    model.compile(optimizer=keras.optimizers.Adam(2e-4))
    ```
    """

    def __init__(self, generator, extractor=None, ema_decay=None, crop_border=None, **kwargs):
        super().__init__(generator, extractor=extractor, ema_decay=ema_decay, crop_border=crop_border, **kwargs)
        self._make_trackers(["loss"])

    def compile(
        self,
        optimizer=None,
        jit_compile="auto",
        run_eagerly=False,
        steps_per_execution=1,
        **kwargs,
    ):
        """Default optimizer: the official PSNR-stage Adam (2e-4 with the halving schedule)."""
        if optimizer is None:
            from keras_fasrgan.optimizers import official_optimizer

            optimizer = official_optimizer("psnr")
        optimizer = keras.optimizers.get(optimizer)
        optimizer.build(self.g_variables)
        self._compile_common(optimizer, jit_compile, run_eagerly, steps_per_execution, kwargs)

    def _train_step_body(self, ctx, lr, hr):
        from keras_fasrgan.losses import pixel_loss

        def loss_fn():
            loss = pixel_loss(keras.ops.cast(hr, "float32"), self.generate(lr, training=True))
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
        return self._base_config()


__all__ = ["SRModel", "default_adam"]
