"""MirroredStrategy on two logical CPUs reproduces single-device training (one subprocess).

- SRModel: a global batch of 4 split 2 + 2 ends with the single-device weights (loss scaled
  by 1/replicas, gradients all-reduced: the global-batch mean).
- FASRGAN: BatchNorm statistics and the relativistic batch means are per replica (as in
  PyTorch DDP without SyncBatchNorm), so the reference is what each replica computes: with
  every global batch [a, b, a, b], the mirrored run equals one device on [a, b] (one GAN iteration: see mirrored_script.py).
SGD is used so that a wrong gradient scale would show (Adam is nearly scale-invariant).
"""

import json
import pathlib

from _run_python import run_python

HERE = pathlib.Path(__file__).parent


def test_mirrored_equals_single_device():
    proc = run_python([HERE / "mirrored_script.py"])
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    r = json.loads(lines[-1][len("RESULT "):])
    assert r["replicas"] == 2
    assert r["sr_moved"] > 1e-3  # training changed the weights
    assert r["sr_rel_diff"] < 1e-4
    gan = r["gan_duplicate"]
    assert gan["finite"] and gan["iteration"] == 1
    assert gan["g_moved"] > 1e-6 and gan["d_moved"] > 1e-4
    assert gan["g"] < 1e-4 and gan["d"] < 1e-4
