"""`fasrgan train` on two local workers (TF_CONFIG over 127.0.0.1): MultiWorkerMirroredStrategy.

- PSNR stage (`SRModel`: no BatchNorm, so one device computes exactly what the workers do):
  worker 1 is SIGKILLed after the second checkpoint, both workers restart with `--resume`,
  the run continues from iteration 2, and its final weights equal an uninterrupted
  one-process run with the same global batch of 4 photo patches. Both workers end with the
  same weights.
- FASRGAN (BatchNorm per replica): both workers end with identical weights and finite
  losses, with validation and sample images on the way; only the chief writes.
"""

import json

import numpy as np
from _cluster import dumped_weights
from _cluster import kill_then_resume
from _cluster import start_cluster
from _cluster import tf_cluster
from _run_python import tails
from _run_python import wait_all
from _run_python import write_photos

STEPS = 4


def test_killed_worker_resumes_to_the_weights_of_one_process(tmp_path):
    photos = write_photos(tmp_path / "photos")
    out = tmp_path / "run"
    args = ["--config", "psnr_x4", "--tiny", "--set", "batch_size=4", "--data", str(photos),
            "--output", str(out), "--steps", str(STEPS)]
    chief, worker = kill_then_resume(tmp_path, tf_cluster, args, out)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["iteration"] == STEPS
    assert len(summary["history"]["loss"]) == STEPS - 2  # only iterations 3 and 4 ran again
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
    procs, logs = start_cluster(tmp_path, "gan", tf_cluster(), args)
    assert wait_all(procs, logs) == [0, 0], tails(logs)
    # BatchNorm's moving statistics follow each replica's own batches (the chief's are the
    # ones saved, as nn.DataParallel keeps device 0's); every other weight is shared.
    chief, worker = (dumped_weights(tmp_path / f"gan_worker{i}.npz", moving_statistics=False)
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
    assert sorted(p.name for p in out.iterdir()) == [
        "backup", "config.json", "generator.keras", "logs", "samples", "summary.json"]
