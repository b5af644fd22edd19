"""Two local workers (TF_CONFIG on 127.0.0.1) train in sync with MultiWorkerMirroredStrategy."""

import json
import math
import os
import pathlib
import socket
import subprocess
import sys
import time

import numpy as np
from _run_python import TIMEOUT

HERE = pathlib.Path(__file__).parent


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def test_two_workers_end_with_identical_weights(tmp_path):
    ports = _free_ports(2)
    workers = [f"127.0.0.1:{p}" for p in ports]
    procs, outs = [], []
    for i in range(2):
        env = dict(os.environ, KERAS_BACKEND="tensorflow", CUDA_VISIBLE_DEVICES="")
        env["TF_CONFIG"] = json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}}
        )
        out = tmp_path / f"worker{i}.json"
        outs.append(out)
        procs.append(subprocess.Popen(
            [sys.executable, str(HERE / "worker_script.py"), str(out)],
            cwd=HERE.parents[1], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        ))
    deadline = time.monotonic() + TIMEOUT
    errors = []
    try:
        for i, p in enumerate(procs):
            try:
                _, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                for q in procs:
                    q.kill()
                logs = [q.communicate()[1][-2000:] for q in procs]
                raise AssertionError(f"workers timed out after {TIMEOUT} s:\n" + "\n---\n".join(logs))
            if p.returncode != 0:
                errors.append(f"worker {i} exited {p.returncode}:\n{err[-3000:]}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert not errors, "\n".join(errors)
    results = [json.loads(o.read_text()) for o in outs]
    for r in results:
        assert r["replicas"] == 2 and r["iteration"] == 3
        assert math.isfinite(r["loss"])
    a, b = results
    assert len(a["weights"]) == len(b["weights"]) > 0
    for wa, wb in zip(a["weights"], b["weights"]):
        np.testing.assert_array_equal(np.asarray(wa), np.asarray(wb))
    assert a["loss"] == b["loss"]
