"""keras.distribution.DataParallel on JAX, with two host CPU devices in a subprocess.

JAX shards one global program over the devices, so BatchNorm statistics and the
relativistic means cover the global batch: a data-parallel SRModel and FASRGAN step equal
one device's on the same batch (see jax_data_parallel_script.py).
"""

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
    assert result["sr_moved"] > 1e-4
    assert result["sr_max_diff"] < 1e-5
    # Relativistic means per device would change the GAN's updates by ~9%; the data-parallel
    # ones equal one device's up to float reduction order (~1e-4).
    assert result["per_device_means_update_error"] > 1e-2
    assert result["gan_update_error"] < 2e-3
    assert result["iteration"] == 1
    for key in ("g_loss", "d_loss", "adversarial", "map", "attention", "pixel"):
        assert math.isfinite(result["gan"][key]), key
