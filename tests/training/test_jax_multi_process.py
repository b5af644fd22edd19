"""`fasrgan train` on two JAX processes over 127.0.0.1 (`--coordinator`; gloo on CPU).

The PSNR stage on two processes of one CPU device each (a global batch of 4 = 2 + 2):
process 1 is SIGKILLed after the second checkpoint, both restart with `--resume`, and the
final weights of both equal those of an uninterrupted one-process run (another JAX process,
one device, `--distribute none`) on the same global batches.
"""

import json

import numpy as np
from _cluster import CLI_WORKER
from _cluster import dumped_weights
from _cluster import jax_cluster
from _cluster import kill_then_resume
from _run_python import run_python
from _run_python import write_photos

STEPS = 4


def test_killed_process_resumes_to_the_weights_of_one_process(tmp_path):
    photos = write_photos(tmp_path / "photos")
    out = tmp_path / "run"
    args = ["--config", "psnr_x4", "--tiny", "--set", "batch_size=4", "--data", str(photos),
            "--steps", str(STEPS)]
    chief, worker = kill_then_resume(tmp_path, jax_cluster, [*args, "--output", str(out)], out)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["iteration"] == STEPS
    assert len(summary["history"]["loss"]) == STEPS - 2  # only iterations 3 and 4 ran again

    dump = tmp_path / "reference.npz"
    proc = run_python(
        [CLI_WORKER, "train", *args, "--output", tmp_path / "reference", "--distribute", "none",
         "--cache-dir", tmp_path / "cache0", "--quiet"],
        env={"KERAS_BACKEND": "jax", "FASRGAN_TEST_WEIGHTS": str(dump)},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    reference = dumped_weights(dump)
    assert len(reference) == len(chief) == len(worker) > 10
    for a, b, c in zip(chief, worker, reference):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
