"""keras.distribution.DataParallel on JAX, with two host CPU devices in a subprocess."""

import json
import math
import pathlib

from _run_python import run_python

SCRIPT = pathlib.Path(__file__).with_name("jax_data_parallel_script.py")


def test_data_parallel_equals_single_device():
    proc = run_python([SCRIPT], env={"KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["devices"] == 2
    # SGD moved the weights, and the data-parallel run moved them the same way.
    assert result["moved"] > 1e-4
    assert result["max_diff"] < 1e-5
    # JAX shards one global program, so BatchNorm statistics and the relativistic batch means
    # stay global: the GAN matches one device too, up to float reduction order.
    assert result["gan_moved"] > 1e-3
    assert result["gan_max_diff"] < 2e-3 * result["gan_moved"]
    for key in ("g_loss", "d_loss", "adversarial", "map", "attention", "pixel"):
        assert math.isfinite(result["gan"][key]), key
