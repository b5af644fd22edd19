"""Running Python in a subprocess for the training tests, with room for a busy CI machine.

A loaded 2-core machine took over 300 s for some of these runs; the timeout only guards
against a hang, it is not a speed check.
"""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT = 1200


def run_python(args, env=None, cwd=ROOT):
    """`python ARGS` in `cwd`; returns the `CompletedProcess` (text stdout/stderr)."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=cwd, env=full_env, capture_output=True,
        text=True, timeout=TIMEOUT,
    )
