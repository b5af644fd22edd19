"""`fasrgan train` on two local workers (TF_CONFIG over 127.0.0.1): MultiWorkerMirroredStrategy.

- PSNR stage (`SRModel`: no BatchNorm, so one device computes exactly what the workers do):
  worker 1 is SIGKILLed after the second checkpoint, both workers restart with `--resume`,
  the run continues from iteration 2, and its final weights equal an uninterrupted
  one-process run with the same global batch of 4 photo patches. Both workers end with the
  same weights.
- FASRGAN (BatchNorm per replica): both workers end with identical weights and finite
  losses, with validation and sample images on the way.
"""

import json
import pathlib
import signal
import time

import numpy as np
from _run_python import TIMEOUT
from _run_python import free_ports
from _run_python import start_python
from _run_python import tails
from _run_python import wait_all
from _run_python import write_photos

from keras_fasrgan.training import read_backup_metadata

CLI_WORKER = pathlib.Path(__file__).with_name("cli_worker.py")
STEPS = 4


def _start_workers(tmp_path, name, args, extra_env=None):
    """Two `fasrgan train` workers of one TF_CONFIG cluster; `(procs, logs)`."""
    workers = [f"127.0.0.1:{p}" for p in free_ports(2)]
    procs, logs = [], []
    for i in range(2):
        env = {
            "KERAS_BACKEND": "tensorflow",
            "CUDA_VISIBLE_DEVICES": "",
            "TF_CONFIG": json.dumps({"cluster": {"worker": workers},
                                     "task": {"type": "worker", "index": i}}),
            "FASRGAN_TEST_WEIGHTS": str(tmp_path / f"{name}_worker{i}.npz"),
            **(extra_env or {}).get(i, {}),
        }
        logs.append(tmp_path / f"{name}_worker{i}.log")
        # Each worker its own LR cache, as on separate machines.
        argv = ["train", *args, "--cache-dir", str(tmp_path / f"cache{i}"), "--quiet"]
        procs.append(start_python([CLI_WORKER, *argv], env, logs[-1]))
    return procs, logs


def _weights(path, moving_statistics=True):
    """The weights a worker dumped (`cli_worker.py`), without BatchNorm's moving
    statistics unless `moving_statistics`."""
    with np.load(path) as f:
        keep = [moving_statistics or not p.endswith(("moving_mean", "moving_variance"))
                for p in f["paths"]]
        return [f[f"arr_{i}"] for i, k in enumerate(keep) if k]


def _wait_for(condition, procs, logs, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            for p in procs:
                p.kill()
            raise AssertionError(f"timed out waiting for {what}:\n" + tails(logs))
        time.sleep(0.2)


def test_killed_worker_resumes_to_the_weights_of_one_process(tmp_path):
    photos = write_photos(tmp_path / "photos")
    out = tmp_path / "run"
    args = ["--config", "psnr_x4", "--tiny", "--set", "batch_size=4", "--data", str(photos),
            "--output", str(out), "--steps", str(STEPS)]

    # Worker 1 dies when epoch 2 begins; the chief has written (or is writing) checkpoint 2
    # and then waits for it at the next all-reduce, until it is killed too.
    procs, logs = _start_workers(tmp_path, "first", args, {1: {"FASRGAN_TEST_KILL_AT_EPOCH": "2"}})
    _wait_for(lambda: procs[1].poll() is not None, procs, logs, "worker 1 to kill itself")
    assert procs[1].returncode == -signal.SIGKILL, tails(logs)
    backup = out / "backup"
    _wait_for(lambda: (read_backup_metadata(backup) or {}).get("epoch") == 2, procs, logs,
              "the chief's checkpoint of iteration 2")
    procs[0].send_signal(signal.SIGKILL)
    wait_all(procs, logs)
    assert read_backup_metadata(backup)["iteration"] == 2
    assert not (out / "generator.keras").exists()

    procs, logs = _start_workers(tmp_path, "resumed", args + ["--resume"])
    assert wait_all(procs, logs) == [0, 0], tails(logs)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["iteration"] == STEPS
    assert len(summary["history"]["loss"]) == STEPS - 2  # only epochs 3 and 4 ran again
    chief, worker = _weights(tmp_path / "resumed_worker0.npz"), _weights(tmp_path / "resumed_worker1.npz")
    assert len(chief) == len(worker) > 10
    for a, b in zip(chief, worker):
        np.testing.assert_array_equal(a, b)

    # One process, one device, the same global batches, no interruption.
    from keras_fasrgan.training import build_trainer
    from keras_fasrgan.training import load_config
    from keras_fasrgan.training import tiny_overrides
    from keras_fasrgan.training import train

    config = load_config("psnr_x4")
    config = load_config(config, {**tiny_overrides(config), "batch_size": 4})
    reference = train(config, photos, tmp_path / "reference", steps=STEPS, jit_compile=False,
                      cache_dir=tmp_path / "cache0", tensorboard=False, verbose=0)
    reference = reference["trainer"].get_weights()
    initial = build_trainer(config, compile=False).get_weights()
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(reference, initial)) > 1e-3
    assert len(reference) == len(chief)
    for a, b in zip(chief, reference):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_two_workers_train_a_gan_in_sync(tmp_path):
    photos = write_photos(tmp_path / "photos")
    out = tmp_path / "run"
    args = ["--config", "fasrgan_x4", "--tiny", "--set", "batch_size=4", "--data", str(photos),
            "--val-data", str(photos), "--val-patch-size", "32", "--val-images", "2",
            "--output", str(out), "--steps", "2"]
    procs, logs = _start_workers(tmp_path, "gan", args)
    assert wait_all(procs, logs) == [0, 0], tails(logs)
    # BatchNorm's moving statistics follow each replica's own batches (the chief's are the
    # ones saved, as nn.DataParallel keeps device 0's); every other weight is shared.
    chief, worker = (_weights(tmp_path / f"gan_worker{i}.npz", moving_statistics=False)
                     for i in range(2))
    assert len(chief) == len(worker) > 10
    for a, b in zip(chief, worker):
        np.testing.assert_array_equal(a, b)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "done" and summary["iteration"] == 2
    for key in ("g_loss", "d_loss", "adversarial", "map", "attention", "pixel", "val_psnr"):
        assert all(np.isfinite(summary["history"][key])), key
    # Only the chief writes: its samples, logs and generator, nothing of worker 1's.
    assert sorted(p.name for p in (out / "samples").iterdir()) == [
        "step_0000001.png", "step_0000002.png"]
    assert (out / "generator.keras").is_file() and (out / "logs" / "metrics.csv").is_file()
    assert sorted(p.name for p in out.iterdir()) == [
        "backup", "config.json", "generator.keras", "logs", "samples", "summary.json"]
