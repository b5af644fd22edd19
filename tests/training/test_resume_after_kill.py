"""A run SIGKILLed mid-training and resumed ends exactly where an uninterrupted run ends."""

import importlib.util
import pathlib
import signal

import numpy as np
from _run_python import run_python

HERE = pathlib.Path(__file__).parent


def _script():
    spec = importlib.util.spec_from_file_location("resume_script", HERE / "resume_script.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _state(trainer):
    weights = [np.asarray(w) for w in trainer.get_weights()]
    slots = [np.asarray(v) for v in trainer.optimizer.variables]
    return weights, slots


def test_killed_run_resumes_to_the_same_weights(tmp_path):
    script = _script()
    killed = tmp_path / "killed"
    proc = run_python([HERE / "resume_script.py", killed, "2"])
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-3000:]
    from keras_fasrgan.training import read_backup_metadata

    meta = read_backup_metadata(killed / "backup")
    assert meta["iteration"] == 2 and meta["epoch"] == 2
    assert not (killed / "generator.keras").exists()

    resumed = script.run(killed, resume=True)
    reference = script.run(tmp_path / "reference")
    assert resumed["iteration"] == reference["iteration"] == script.STEPS
    # Only the remaining epochs ran after the restart.
    assert len(resumed["history"]["g_loss"]) == script.STEPS - 2

    (w1, s1), (w2, s2) = _state(resumed["trainer"]), _state(reference["trainer"])
    assert len(w1) == len(w2) and len(s1) == len(s2) > 4
    for a, b in zip(w1 + s1, w2 + s2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    # Both optimizers (G and D) took every step.
    g_opt, d_opt = resumed["trainer"].optimizer.optimizers
    assert int(g_opt.iterations) == int(d_opt.iterations) == script.STEPS
    assert (killed / "generator.keras").is_file()
