"""`train()`: the training driver behind `fasrgan train` (and usable from Python).

One call builds the trainer of a config (`keras_fasrgan.training.config`), streams DIV2K or a
folder of photos (or any `(lr, hr)` dataset), and runs `fit` with: a progress bar,
TensorBoard logs, PSNR/SSIM and a sample figure at every validation, safe checkpoints that a
killed run resumes from exactly, a stop on NaN that keeps the last good checkpoint, and the
final generator saved atomically. `train()` reads as its steps: `resolve_config`,
`plan_run` (output folder, resume state, devices and machines), `build_run_trainer`, the
datasets, `run_callbacks`, `fit_loop` and `save_results`.

Several devices or machines (`keras_fasrgan.training.distribute`): `batch_size` is always
the global batch; `MirroredStrategy` and JAX's `DataParallel` run `fit`,
`MultiWorkerMirroredStrategy` runs the trainers' own `train_step` in
`keras_fasrgan.training.loop` with the same callbacks. Only the chief writes files; every
process restores from its checkpoint.

Output folder layout:

    output/config.json          the resolved config
    output/backup/              latest.weights.h5 + training_metadata.json (resume state)
    output/logs/                metrics.csv (per epoch) and TensorBoard (if installed)
    output/samples/step_*.png   LR | bicubic | SR | HR at each validation
    output/generator.keras      the final LR -> SR model (E + G end to end for the Fs
                                variants; EMA weights when EMA is on)
    output/summary.json         iterations done, last logs, status

Resume: the run is cut into Keras "epochs" of `checkpoint_every` iterations, with a
checkpoint at the end of each. A restarted run (`resume=True`) reloads the weights, both
optimizers' slots, EMA weights and the iteration counter, and restarts the data stream at
the checkpoint's iteration: exactly for a DIV2K or photo folder (its stream starts at that
iteration's batch without decoding the ones before) and for a dataset (or a
`data(start_step)` function) that is a deterministic function of the step.

Examples:
    >>> from keras_fasrgan.training import train
    >>> result = train("fasrgan_x4", "~/data/DIV2K", "runs/fasrgan", steps=500_000,
    ...                pretrained="RRDB_PSNR_x4.pth", vgg_weights="vgg19-dcbb9e9d.pth")
"""

import dataclasses
import json
import math
import os
import sys

_UNSET = object()


def _log(message, verbose):
    if verbose:
        print(message, file=sys.stderr, flush=True)


@dataclasses.dataclass
class RunPlan:
    """How a run is cut into checkpointed epochs, where it writes, where it resumes, and on
    which devices and machines it runs (`cluster`: `keras_fasrgan.training.distribute`)."""

    output: str
    total: int
    steps_per_epoch: int
    epochs: int
    validation_freq: int
    start_step: int
    cluster: object

    @property
    def chief(self):
        """Whether this process writes the run's files."""
        return self.cluster.chief

    @property
    def strategy(self):
        """The `tf.distribute` strategy, or None."""
        return self.cluster.strategy

    def path(self, *parts):
        return os.path.join(self.output, *parts)


def resolve_config(config, overrides=None, networks=True, **options):
    """Step 1: the `TrainingConfig` with `overrides` and `train()`'s options applied
    (`networks=False`: without the checks of the network arguments, which import Keras)."""
    from keras_fasrgan.training.config import load_config

    changes = dict(overrides or {})
    for key in ("batch_size", "patch_size", "checkpoint_every", "validate_every"):
        if options.get(key) is not None:
            changes[key] = int(options[key])
    for key, field in (("pretrained", "pretrained_generator"),
                       ("pretrained_extractor", "pretrained_extractor")):
        if options.get(key) is not None:
            changes[field] = os.fspath(options[key])
    vgg = options.get("vgg_weights", _UNSET)
    if vgg is not _UNSET:
        changes["vgg_weights"] = None if vgg in (None, "none") else os.fspath(vgg)
    return load_config(config, changes, networks)


def plan_run(config, output, steps=None, resume=False, strategy=None, verbose=1):
    """Step 2: the `RunPlan`: epochs of `checkpoint_every` iterations, the resume point, the
    cluster (of `strategy`, else of JAX's global distribution, else one device).

    Raises FileExistsError when `output/backup` holds a checkpoint and `resume` is off, and
    ValueError when the checkpoint does not match the run or the global batch does not
    split over the replicas.
    """
    from keras_fasrgan.training.distribute import cluster_of
    from keras_fasrgan.training.resume import resume_point

    total = int(steps if steps is not None else config.total_steps)
    if total < 1:
        raise ValueError(f"steps must be >= 1, got {total}")
    steps_per_epoch = min(int(config.checkpoint_every), total)
    cluster = cluster_of(strategy)
    cluster.check_batch(config.batch_size)
    plan = RunPlan(
        output=os.path.expanduser(os.fspath(output)),
        total=total,
        steps_per_epoch=steps_per_epoch,
        epochs=math.ceil(total / steps_per_epoch),
        validation_freq=max(1, int(config.validate_every) // steps_per_epoch),
        start_step=resume_point(output, config, resume, steps_per_epoch),
        cluster=cluster,
    )
    if cluster.kind != "none":
        _log(f"distributed: {cluster.describe()}; global batch {config.batch_size}", verbose)
    if plan.start_step:
        _log(f"resuming from iteration {plan.start_step} ({plan.path('backup')})", verbose)
    elif resume:
        _log(f"no checkpoint in {plan.path('backup')}: starting from scratch", verbose)
    if config.recipe.starts_from and not config.pretrained_generator:
        _log(
            f"note: no pretrained generator; the paper starts {config.method} from the "
            f"{config.recipe.starts_from}_x{config.scale} stage's output (--pretrained)",
            verbose,
        )
    if plan.chief:
        from keras_fasrgan.training.config import save_config

        os.makedirs(plan.output, exist_ok=True)
        save_config(config, plan.path("config.json"))
    return plan


def build_run_trainer(config, plan, jit_compile="auto"):
    """Step 3: the compiled trainer, built in the strategy's scope (seeded by the config)."""
    from keras_fasrgan.training.build import build_trainer

    with plan.cluster.scope():
        return build_trainer(config, jit_compile=jit_compile)


def run_callbacks(plan, sample, tensorboard=True, extra=None, verbose=1):
    """Step 5: `(stop, callbacks)`: NaN stop, checkpoints, CSV/TensorBoard logs, samples.

    `sample` is the `(lr, hr)` pair drawn at each validation (None: no samples). Every
    process restores from the checkpoint; only the chief writes checkpoints, logs and
    samples.
    """
    import importlib.util

    import keras

    from keras_fasrgan.training.callbacks import SampleImages
    from keras_fasrgan.training.callbacks import StopOnNaN
    from keras_fasrgan.training.callbacks import TrainingBackup

    stop = StopOnNaN()
    backup = TrainingBackup(
        plan.path("backup"), steps_per_epoch=plan.steps_per_epoch, write=plan.chief
    )
    cbs = [stop, backup]
    if plan.chief:
        os.makedirs(plan.path("logs"), exist_ok=True)
        cbs.append(keras.callbacks.CSVLogger(plan.path("logs", "metrics.csv"), append=True))
        if tensorboard and importlib.util.find_spec("tensorboard") is not None:
            cbs.append(keras.callbacks.TensorBoard(plan.path("logs")))
        elif tensorboard:
            _log("note: the tensorboard package is not installed; logging to logs/metrics.csv "
                 "only (pip install tensorboard)", verbose)
        if sample is not None:
            cbs.append(SampleImages(plan.path("samples"), *sample, every=plan.validation_freq))
    return stop, cbs + list(extra or [])


def fit_loop(trainer, train_ds, val_ds, plan, callbacks, verbose=1):
    """Step 6: runs the iterations over the plan's epochs; returns the history.

    `trainer.fit` on one device, under `MirroredStrategy` and under JAX's `DataParallel`;
    under `MultiWorkerMirroredStrategy`, where Keras 3.15's `fit` fails, the same
    iterations and callbacks in `keras_fasrgan.training.loop.strategy_loop`.
    """
    if plan.cluster.kind == "multi-worker":
        from keras_fasrgan.training.loop import strategy_loop

        return strategy_loop(trainer, train_ds, val_ds, plan, callbacks, verbose)
    history = trainer.fit(
        train_ds,
        epochs=plan.epochs,
        steps_per_epoch=plan.steps_per_epoch,
        validation_data=val_ds,
        validation_freq=plan.validation_freq,
        callbacks=callbacks,
        verbose=verbose,
    )
    return history.history


def save_results(trainer, history, stop, plan, config):
    """Step 7: `generator.keras` (unless stopped on NaN) and `summary.json`; the result dict."""
    import keras

    from keras_fasrgan.training.callbacks import finite_or_none
    from keras_fasrgan.utils import atomic_write

    result = {
        "status": "nan" if stop.stopped_step is not None else "done",
        "iteration": int(keras.ops.convert_to_numpy(trainer.iteration)),
        "message": stop.message,
        "history": {k: [finite_or_none(v) for v in vals] for k, vals in history.items()},
        "generator": None,
        "trainer": trainer,
    }
    if not plan.chief:
        return result
    if stop.stopped_step is None:
        from keras_fasrgan.training.distribute import process_local

        result["generator"] = plan.path("generator.keras")
        with process_local(), atomic_write(result["generator"], suffix=".keras") as tmp:
            trainer.export_sr_model().save(tmp)
    summary = {k: v for k, v in result.items() if k != "trainer"}
    summary["config"] = config.name
    with atomic_write(plan.path("summary.json")) as tmp:
        with open(tmp, "w") as f:
            json.dump(summary, f, indent=1)
    return result


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
        config: a preset name (`psnr_x4`, `fs_srgan_psnr_x4`, `fa_fs_srgan_psnr_x4`,
            `esrgan_x4`, `fasrgan_x4`, `fs_srgan_x4`, `fa_fs_srgan_x4`), a JSON config file,
            or a `TrainingConfig`.
        data: a DIV2K root (`DIV2K_train_HR/` inside), a folder of your own HR photos
            (PNG/JPEG, any names, subfolders one level deep; photos smaller than the patch
            are skipped with a warning), a `tf.data.Dataset` of `(lr, hr)` batches
            (repeated forever or long enough), or a function `start_step -> dataset` (for
            exact resumes of custom streams).
        output: output folder (created; see the module docstring for its layout).
        steps: total iterations (default: the config's `total_steps`), rounded up to a
            multiple of the checkpoint interval.
        batch_size, patch_size: override the config (the global batch size).
        val_data: a DIV2K root with `DIV2K_valid_HR/`, a folder of photos, or a dataset of
            `(lr, hr)` batches; PSNR/SSIM (`val_psnr`, `val_ssim`) are computed on it at each
            validation.
        val_patch_size: centre-crop validation images to this HR size (default: whole
            images). val_images: use only the first N validation images.
        resume: continue from `output/backup`. Without it an existing checkpoint there is
            an error (so a run is never silently mixed with an older one).
        pretrained: the previous stage's model to start from: G, or E and G end to end for
            the Fs variants (the `generator.keras` of their PSNR stage).
        pretrained_extractor: E's weights from another file (e.g. `FsSRGAN_E.pth`).
        vgg_weights: perceptual-loss VGG19 weights: "imagenet", a `.pth`/`.h5` path, or None.
        overrides: `{"field": value, "generator.num_blocks": 1, ...}` applied to the config.
        checkpoint_every, validate_every: override the config's intervals (iterations).
        strategy: a `tf.distribute` strategy (`MirroredStrategy`,
            `MultiWorkerMirroredStrategy`); the trainer is built in its scope. On JAX, set a
            `keras.distribution.DataParallel` instead (`make_cluster("data-parallel")`).
            `batch_size` stays the global batch; only the chief writes files.
        cache_dir: where LR images are cached (default: beside DIV2K; for photo folders
            `~/.cache/keras_fasrgan`, never inside the photo folder).
        jit_compile: passed to the trainer's `compile` ("auto": XLA on one device).
        tensorboard: write TensorBoard logs to `output/logs` (needs the `tensorboard`
            package; `logs/metrics.csv` is written in any case).
        callbacks: extra Keras callbacks.
        verbose: 1 for the progress bar, 0 for silence.

    Returns:
        A dict: `status` ("done" or "nan"), `iteration`, `history` (Keras logs per epoch),
        `message` (NaN stop), `generator` (path of the saved model or None), `trainer`.

    Examples:
        >>> result = train("psnr_x4", "~/photos", "runs/psnr", steps=1000,
        ...                overrides={"generator.num_blocks": 4})
    """
    from keras_fasrgan.training.datasets import first_pair
    from keras_fasrgan.training.datasets import training_dataset
    from keras_fasrgan.training.datasets import validation_dataset

    config = resolve_config(
        config, overrides, batch_size=batch_size, patch_size=patch_size, pretrained=pretrained,
        pretrained_extractor=pretrained_extractor, vgg_weights=vgg_weights,
        checkpoint_every=checkpoint_every, validate_every=validate_every,
    )
    plan = plan_run(config, output, steps, resume, strategy, verbose)
    trainer = build_run_trainer(config, plan, jit_compile)
    train_ds = training_dataset(data, config, plan.start_step, cache_dir)
    val_ds = validation_dataset(
        val_data, config, val_patch_size, val_images, cache_dir, plan.cluster.validation_copies
    )
    sample = first_pair(val_ds if val_ds is not None else train_ds)
    stop, cbs = run_callbacks(plan, sample, tensorboard, callbacks, verbose)
    history = fit_loop(trainer, train_ds, val_ds, plan, cbs, verbose)
    return save_results(trainer, history, stop, plan, config)
