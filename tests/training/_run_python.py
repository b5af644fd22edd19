"""Running Python in subprocesses for the training tests, with room for a busy CI machine.

A loaded 2-core machine took over 300 s for some of these runs; the timeout only guards
against a hang, it is not a speed check.
"""

import os
import pathlib
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT = 1200


def run_python(args, env=None, cwd=ROOT):
    """`python ARGS` in `cwd`; returns the `CompletedProcess` (text stdout/stderr)."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=cwd, env=full_env, capture_output=True,
        text=True, timeout=TIMEOUT,
    )


def free_ports(n):
    """`n` TCP ports of 127.0.0.1 that were free a moment ago."""
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def start_python(args, env, log_path, cwd=ROOT):
    """`python ARGS` started in the background, stdout and stderr to `log_path`."""
    log = open(log_path, "w")
    return subprocess.Popen(
        [sys.executable, *map(str, args)], cwd=cwd, env=dict(os.environ, **env), stdout=log,
        stderr=subprocess.STDOUT, text=True,
    )


def wait_all(procs, logs, timeout=TIMEOUT):
    """Waits for every process (one deadline for all) and returns their exit codes; on
    timeout kills them all and fails with the end of each log."""
    deadline = time.monotonic() + timeout
    try:
        for p in procs:
            p.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise AssertionError(f"processes still running after {timeout} s:\n" + tails(logs)) from None
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return [p.returncode for p in procs]


def tails(logs, chars=3000):
    """The end of each log file, for an assertion message."""
    return "\n---\n".join(f"{log}:\n{pathlib.Path(log).read_text()[-chars:]}" for log in logs)


def write_photos(folder, count=4, size=48, seed=0):
    """`count` smooth random RGB photos of `size` x `size` pixels, as PNG files in `folder`."""
    import numpy as np
    from PIL import Image

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        image = np.kron(rng.random((size // 4, size // 4, 3)), np.ones((4, 4, 1)))
        Image.fromarray((image * 255).astype("uint8")).save(folder / f"photo{i}.png")
    return folder
