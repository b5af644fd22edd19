"""What a restarted run continues from: the checkpoint in `OUTPUT/backup`, and its checks.

Nothing here imports Keras: `fasrgan train` runs these checks before its slow imports, and
`train()` runs them again when it plans the run.

- without `--resume`, a checkpoint in the output folder is an error (a run is never
  silently mixed with an older one);
- with `--resume`, the checkpoint must have been written at the same `checkpoint_every`
  (one Keras "epoch" per checkpoint), and the run's config must equal the one saved in
  `OUTPUT/config.json` except for the fields in `MAY_CHANGE_ON_RESUME`.

Examples:
    >>> start = resume_point("runs/fasrgan", config, resume=True)   # 3000: continue at iteration 3000
"""

import json
import os

# Fields a resumed run may change: the checkpoint supersedes the pretrained weights, and
# validations do not change the training.
MAY_CHANGE_ON_RESUME = ("name", "validate_every", "pretrained_generator", "pretrained_extractor")


def read_backup_metadata(backup_dir):
    """The metadata of the checkpoint in `backup_dir`, or None when there is none.

    Examples:
        >>> meta = read_backup_metadata("run/backup")  # {"epoch": 3, "iteration": 3000, ...}
    """
    path = os.path.join(os.fspath(backup_dir), "training_metadata.json")
    weights = os.path.join(os.fspath(backup_dir), "latest.weights.h5")
    if not (os.path.exists(path) and os.path.exists(weights)):
        return None
    with open(path) as f:
        return json.load(f)


def _check_same_config(output, config):
    path = os.path.join(output, "config.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        saved = json.load(f)
    current = config.to_dict()
    changed = sorted(
        k for k in set(saved) | set(current)
        if k not in MAY_CHANGE_ON_RESUME and saved.get(k) != current.get(k)
    )
    if changed:
        details = "; ".join(f"{k}: {saved.get(k)!r} -> {current.get(k)!r}" for k in changed)
        raise ValueError(
            f"--resume: the run in {output} was trained with another config ({details}); "
            f"resume with the same --config and --set options (its config is {path})"
        )


def resume_point(output, config, resume=False, steps_per_epoch=None):
    """The iteration a run in `output` starts at: 0, or the checkpoint's with `resume`.

    `steps_per_epoch` is the run's checkpoint interval (default: `config.checkpoint_every`).
    Raises FileExistsError when `output/backup` holds a checkpoint and `resume` is off, and
    ValueError when a checkpoint to resume does not match the run (another checkpoint
    interval, or a field of `output/config.json` outside `MAY_CHANGE_ON_RESUME`).

    Examples:
        >>> resume_point("runs/new", config)  # 0
    """
    output = os.path.expanduser(os.fspath(output))
    backup_dir = os.path.join(output, "backup")
    meta = read_backup_metadata(backup_dir)
    if meta is None:
        return 0
    if not resume:
        raise FileExistsError(
            f"{backup_dir} holds a checkpoint of an earlier run (iteration "
            f"{meta.get('iteration')}); resume it with --resume (resume=True) or choose "
            "another output folder"
        )
    _check_same_config(output, config)
    steps_per_epoch = int(steps_per_epoch or config.checkpoint_every)
    if meta.get("steps_per_epoch") not in (None, steps_per_epoch):
        raise ValueError(
            f"the checkpoint in {backup_dir} was written every {meta['steps_per_epoch']} "
            f"iterations; resume with --checkpoint-every {meta['steps_per_epoch']}"
        )
    return int(meta["epoch"]) * steps_per_epoch
