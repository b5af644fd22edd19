"""`train()`: the training driver behind `fasrgan train` (and usable from Python).

One call builds the trainer of a config (`keras_fasrgan.training.configs`), streams DIV2K (or
any `(lr, hr)` dataset), and runs `fit` with: a progress bar, TensorBoard logs, PSNR/SSIM and
a sample figure at every validation, safe checkpoints that a killed run resumes from exactly,
a stop on NaN that keeps the last good checkpoint, and the final generator saved atomically.

Output folder layout:

    output/config.json          the resolved config
    output/backup/              latest.weights.h5 + training_metadata.json (resume state)
    output/logs/                metrics.csv (per epoch) and TensorBoard (if installed)
    output/samples/step_*.png   LR | bicubic | SR | HR at each validation
    output/generator.keras      the final LR -> SR model (EMA weights when EMA is on)
    output/summary.json         iterations done, last logs, status

Resume: the run is cut into Keras "epochs" of `checkpoint_every` iterations, with a
checkpoint at the end of each. A restarted run (`resume=True`) reloads the weights, both
optimizers' slots, EMA weights and the iteration counter, and restarts the data stream at
the checkpoint's iteration: exactly for a dataset (or a `data(start_step)` function) that is
a deterministic function of the step; for DIV2K folders the stream is reseeded with
`seed + start_step` (a fresh, reproducible patch order: decoding the skipped patches again
would cost as much as the training itself).

Example:

```python
from keras_fasrgan.training import train
result = train("fasrgan_x4", "~/data/DIV2K", "runs/fasrgan", steps=500_000,
               pretrained="RRDB_PSNR_x4.pth", vgg_weights="vgg19-dcbb9e9d.pth")
```
"""

import json
import math
import os
import sys

_UNSET = object()


def _log(message, verbose):
    if verbose:
        print(message, file=sys.stderr, flush=True)


def _is_chief(strategy):
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type == "chief":
        return True
    cluster = resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and "chief" not in cluster


def _training_dataset(data, config, start_step, cache_dir):
    import tensorflow as tf

    if callable(data) and not isinstance(data, tf.data.Dataset):
        return data(start_step)
    if isinstance(data, tf.data.Dataset):
        return data.skip(start_step) if start_step else data
    from keras_fasrgan.data import div2k

    return div2k(
        os.path.expanduser(os.fspath(data)),
        split="train",
        scale=config.scale,
        patch_size=config.patch_size,
        batch_size=config.batch_size,
        augment=config.augment,
        shuffle=True,
        repeat=True,
        cache_dir=cache_dir,
        seed=int(config.seed) + int(start_step),
        subimages=config.subimages,
    )


def _validation_dataset(val_data, config, val_patch_size, val_images, cache_dir):
    import tensorflow as tf

    if val_data is None:
        return None
    if isinstance(val_data, tf.data.Dataset):
        ds = val_data
    else:
        from keras_fasrgan.data import div2k

        ds = div2k(
            os.path.expanduser(os.fspath(val_data)),
            split="valid",
            scale=config.scale,
            patch_size=val_patch_size,
            batch_size=1,
            cache_dir=cache_dir,
        )
    if val_images:
        ds = ds.take(int(val_images))
    return ds


def _first_pair(dataset):
    for batch in dataset.take(1):
        if isinstance(batch, dict):
            lr, hr = batch["lr"], batch["hr"]
        else:
            lr, hr = batch[0], batch[1]
        return lr.numpy()[0], hr.numpy()[0]
    return None


def _tensorboard_available():
    import importlib.util

    return importlib.util.find_spec("tensorboard") is not None


def _save_model_atomically(model, path):
    from keras_fasrgan.utils import atomic_write

    with atomic_write(path, suffix=".keras") as tmp:
        model.save(tmp)


def train(
    config,
    data,
    output,
    steps=None,
    batch_size=None,
    patch_size=None,
    val_data=None,
    val_patch_size=None,
    val_images=None,
    resume=False,
    pretrained=None,
    pretrained_extractor=None,
    vgg_weights=_UNSET,
    overrides=None,
    checkpoint_every=None,
    validate_every=None,
    strategy=None,
    cache_dir=None,
    jit_compile="auto",
    tensorboard=True,
    callbacks=None,
    verbose=1,
):
    """Trains `config` on `data`, writing checkpoints, logs, samples and the generator.

    Args:
        config: a preset name (`psnr_x4`, `esrgan_x4`, `fasrgan_x4`, `fs_srgan_x4`,
            `fa_fs_srgan_x4`), a JSON config file, or a `TrainingConfig`.
        data: a DIV2K root folder (`DIV2K_train_HR/` inside; streamed with
            `keras_fasrgan.data.div2k`), a `tf.data.Dataset` of `(lr, hr)` batches (repeated
            forever or long enough), or a function `start_step -> dataset` (for exact
            resumes of custom streams).
        output: output folder (created; see the module docstring for its layout).
        steps: total iterations (default: the config's `total_steps`), rounded up to a
            multiple of the checkpoint interval.
        batch_size, patch_size: override the config (global batch size).
        val_data: a DIV2K root with `DIV2K_valid_HR/`, or a dataset of `(lr, hr)` batches;
            PSNR/SSIM (`val_psnr`, `val_ssim`) are computed on it at each validation.
        val_patch_size: centre-crop validation images to this HR size (default: whole
            images). val_images: use only the first N validation images.
        resume: continue from `output/backup`. Without it an existing checkpoint there is
            an error (so a run is never silently mixed with an older one).
        pretrained, pretrained_extractor: PSNR-stage weights to start G (and E) from.
        vgg_weights: perceptual-loss VGG19 weights: "imagenet", a `.pth`/`.h5` path, or None.
        overrides: `{"field": value, "generator.num_blocks": 1, ...}` applied to the config.
        checkpoint_every, validate_every: override the config's intervals (iterations).
        strategy: a `tf.distribute` strategy; the trainer is built in its scope. Under
            MultiWorkerMirroredStrategy only the chief writes files.
        cache_dir: where the DIV2K LR cache goes (default: beside the data).
        jit_compile: passed to the trainer's `compile` ("auto": XLA on one device).
        tensorboard: write TensorBoard logs to `output/logs` (needs the `tensorboard`
            package; `logs/metrics.csv` is written in any case).
        callbacks: extra Keras callbacks.
        verbose: 1 for the progress bar, 0 for silence.

    Returns:
        A dict: `status` ("done" or "nan"), `iteration`, `history` (Keras logs per epoch),
        `message` (NaN stop), `generator` (path of the saved model or None), `trainer`.

    Example:

    ```python
    result = train("psnr_x4", "~/data/DIV2K", "runs/psnr", steps=1000,
                   overrides={"generator.num_blocks": 4})
    ```
    """
    import keras
    import tensorflow as tf

    from keras_fasrgan.training.callbacks import SampleImages
    from keras_fasrgan.training.callbacks import StopOnNaN
    from keras_fasrgan.training.callbacks import TrainingBackup
    from keras_fasrgan.training.callbacks import finite_or_none
    from keras_fasrgan.training.callbacks import read_backup_metadata
    from keras_fasrgan.training.configs import build_trainer
    from keras_fasrgan.training.configs import load_config
    from keras_fasrgan.training.configs import save_config

    changes = dict(overrides or {})
    if batch_size is not None:
        changes["batch_size"] = int(batch_size)
    if patch_size is not None:
        changes["patch_size"] = int(patch_size)
    if pretrained is not None:
        changes["pretrained_generator"] = os.fspath(pretrained)
    if pretrained_extractor is not None:
        changes["pretrained_extractor"] = os.fspath(pretrained_extractor)
    if vgg_weights is not _UNSET:
        changes["vgg_weights"] = None if vgg_weights in (None, "none") else os.fspath(vgg_weights)
    if checkpoint_every is not None:
        changes["checkpoint_every"] = int(checkpoint_every)
    if validate_every is not None:
        changes["validate_every"] = int(validate_every)
    config = load_config(config, changes)

    total = int(steps if steps is not None else config.total_steps)
    if total < 1:
        raise ValueError(f"steps must be >= 1, got {total}")
    steps_per_epoch = min(int(config.checkpoint_every), total)
    epochs = math.ceil(total / steps_per_epoch)
    validation_freq = max(1, int(config.validate_every) // steps_per_epoch)

    strategy = strategy or tf.distribute.get_strategy()
    chief = _is_chief(strategy)
    output = os.path.expanduser(os.fspath(output))
    backup_dir = os.path.join(output, "backup")
    meta = read_backup_metadata(backup_dir)
    start_step = 0
    if meta is not None:
        if not resume:
            raise FileExistsError(
                f"{backup_dir} holds a checkpoint of an earlier run (iteration "
                f"{meta.get('iteration')}); resume it with resume=True (--resume) or choose "
                "another output folder"
            )
        if meta.get("steps_per_epoch") not in (None, steps_per_epoch):
            raise ValueError(
                f"the checkpoint in {backup_dir} was written every {meta['steps_per_epoch']} "
                f"iterations; resume with checkpoint_every={meta['steps_per_epoch']}"
            )
        start_step = int(meta["epoch"]) * steps_per_epoch
        _log(f"resuming from iteration {start_step} ({backup_dir})", verbose)
    elif resume:
        _log(f"no checkpoint in {backup_dir}: starting from scratch", verbose)
    if config.method != "psnr" and not config.pretrained_generator:
        _log(
            "note: no pretrained generator; the paper starts the GAN stage from a "
            "PSNR-oriented one (pretrained= / --pretrained)",
            verbose,
        )

    if chief:
        os.makedirs(output, exist_ok=True)
        save_config(config, os.path.join(output, "config.json"))

    with strategy.scope():
        trainer = build_trainer(config, jit_compile=jit_compile)

    train_ds = _training_dataset(data, config, start_step, cache_dir)
    val_ds = _validation_dataset(val_data, config, val_patch_size, val_images, cache_dir)

    stop = StopOnNaN()
    backup = TrainingBackup(backup_dir, steps_per_epoch=steps_per_epoch)
    if not chief:
        backup._save_model = lambda: None  # workers restore from the chief's files only
    cbs = [stop, backup]
    if chief:
        logs_dir = os.path.join(output, "logs")
        os.makedirs(logs_dir, exist_ok=True)
        cbs.append(keras.callbacks.CSVLogger(os.path.join(logs_dir, "metrics.csv"), append=True))
        if tensorboard and _tensorboard_available():
            cbs.append(keras.callbacks.TensorBoard(logs_dir))
        elif tensorboard:
            _log("note: the tensorboard package is not installed; logging to logs/metrics.csv "
                 "only (pip install tensorboard)", verbose)
    sample = _first_pair(val_ds if val_ds is not None else train_ds)
    samples_dir = os.path.join(output, "samples")
    if sample is not None and (val_ds is not None or chief):
        cbs.append(
            SampleImages(samples_dir if chief else os.path.join(output, ".worker_samples"),
                         *sample, every=validation_freq)
        )
    cbs += list(callbacks or [])

    history = trainer.fit(
        train_ds,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        validation_data=val_ds,
        validation_freq=validation_freq,
        callbacks=cbs,
        verbose=verbose,
    )
    iteration = int(keras.ops.convert_to_numpy(trainer.iteration))
    result = {
        "status": "nan" if stop.stopped_step is not None else "done",
        "iteration": iteration,
        "message": stop.message,
        "history": {k: [finite_or_none(v) for v in vals] for k, vals in history.history.items()},
        "generator": None,
        "trainer": trainer,
    }
    if stop.stopped_step is None and chief:
        path = os.path.join(output, "generator.keras")
        _save_model_atomically(trainer.export_sr_model(), path)
        result["generator"] = path
    if chief:
        from keras_fasrgan.utils import atomic_write

        summary = {k: v for k, v in result.items() if k != "trainer"}
        summary["config"] = config.name
        with atomic_write(os.path.join(output, "summary.json")) as tmp:
            with open(tmp, "w") as f:
                json.dump(summary, f, indent=1)
    return result
