"""Local clusters for the multi-process tests: `fasrgan train` workers over 127.0.0.1.

Each process runs `cli_worker.py` (the CLI with test hooks: a self-kill at an epoch, a dump
of the final weights). `tf_cluster` gives each process a `TF_CONFIG`; `jax_cluster` gives
`--coordinator`, `--num-processes` and `--process-id`.
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

from keras_fasrgan.training import read_backup_metadata

CLI_WORKER = pathlib.Path(__file__).with_name("cli_worker.py")


def tf_cluster(n=2):
    """`(env, extra argv)` of each of `n` TensorFlow workers."""
    workers = [f"127.0.0.1:{p}" for p in free_ports(n)]
    return [
        ({"KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": "",
          "TF_CONFIG": json.dumps({"cluster": {"worker": workers},
                                   "task": {"type": "worker", "index": i}})}, [])
        for i in range(n)
    ]


def jax_cluster(n=2):
    """`(env, extra argv)` of each of `n` JAX processes, one CPU device each."""
    (port,) = free_ports(1)
    return [
        ({"KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": ""},
         ["--coordinator", f"127.0.0.1:{port}", "--num-processes", str(n), "--process-id", str(i)])
        for i in range(n)
    ]


def start_cluster(tmp_path, name, cluster, args, extra_env=None):
    """Starts `fasrgan train ARGS` on every process of `cluster`; `(procs, logs)`.

    Process i dumps its final weights to `tmp_path/<name>_worker<i>.npz` and has its own LR
    cache, as on separate machines; `extra_env` maps a process index to more variables.
    """
    procs, logs = [], []
    for i, (env, extra) in enumerate(cluster):
        env = {**env, "FASRGAN_TEST_WEIGHTS": str(tmp_path / f"{name}_worker{i}.npz"),
               **(extra_env or {}).get(i, {})}
        logs.append(tmp_path / f"{name}_worker{i}.log")
        argv = ["train", *args, *extra, "--cache-dir", str(tmp_path / f"cache{i}"), "--quiet"]
        procs.append(start_python([CLI_WORKER, *argv], env, logs[-1]))
    return procs, logs


def dumped_weights(path, moving_statistics=True):
    """The weights a process dumped, without BatchNorm's moving statistics unless asked."""
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


def kill_then_resume(tmp_path, make_cluster, args, output, kill_at=2):
    """Trains on a 2-process cluster; process 1 SIGKILLs itself when epoch `kill_at` begins.
    The chief, which wrote that checkpoint and then waits for process 1, is killed too; a new
    cluster restarts with `--resume`. Returns the final weights of both processes."""
    procs, logs = start_cluster(tmp_path, "first", make_cluster(), args,
                                {1: {"FASRGAN_TEST_KILL_AT_EPOCH": str(kill_at)}})
    _wait_for(lambda: procs[1].poll() is not None, procs, logs, "process 1 to kill itself")
    assert procs[1].returncode == -signal.SIGKILL, tails(logs)
    backup = pathlib.Path(output) / "backup"
    _wait_for(lambda: (read_backup_metadata(backup) or {}).get("epoch") == kill_at, procs, logs,
              f"the chief's checkpoint of epoch {kill_at}")
    if procs[0].poll() is None:
        procs[0].send_signal(signal.SIGKILL)
    wait_all(procs, logs)
    assert not (pathlib.Path(output) / "generator.keras").exists()

    procs, logs = start_cluster(tmp_path, "resumed", make_cluster(), [*args, "--resume"])
    assert wait_all(procs, logs) == [0, 0], tails(logs)
    return [dumped_weights(tmp_path / f"resumed_worker{i}.npz") for i in range(2)]
