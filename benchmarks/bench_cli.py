"""`fasrgan upscale` on one photo, run twice in fresh processes: what the on-disk cache saves.

Not a test. A random-weight RRDBNet x4 (default nb=23, the paper's size; saved as `.keras`)
upscales a 128x128 crop of a built-in photo with `python -m keras_fasrgan.cli upscale`, twice per
engine, each engine with its own empty cache folder (`KERAS_FASRGAN_CACHE_DIR`). The first
run of `--engine tflite` converts the model and stores the conversion; the first run of the
default `--engine auto` probes both engines on the photo's shape (converting the model when
the Keras call is long enough to matter) and stores its choice; the second runs read both
back. The wall times include Python, TensorFlow and model loading, as a user sees them.

    python benchmarks/bench_cli.py [--quick] [--json results.json]
"""

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"num_blocks": 23, "size": 128}
QUICK = {"num_blocks": 2, "size": 64}


def _cli_seconds(args, env):
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "keras_fasrgan.cli", *args], env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(f"fasrgan {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def run(quick=False):
    from bench_inference import _model_and_input
    from keras_fasrgan.data import sample_images
    from keras_fasrgan.inference import auto
    from keras_fasrgan.utils import write_image

    s = QUICK if quick else FULL
    size = s["size"]
    results = {"config": s, "engines": {}}
    with tempfile.TemporaryDirectory(prefix="fasrgan-bench-cli-") as work:
        model, _ = _model_and_input(s["num_blocks"], 16, 16)
        model_path = os.path.join(work, "model.keras")
        model.save(model_path)
        photo = os.path.join(work, "photo.png")
        write_image(photo, sample_images(["astronaut"])["astronaut"][:size, :size])
        for engine in ("auto", "tflite", "keras"):
            cache = os.path.join(work, f"cache-{engine}")
            env = dict(os.environ, KERAS_FASRGAN_CACHE_DIR=cache, TF_CPP_MIN_LOG_LEVEL="3")
            runs = []
            for i in (1, 2):
                out = os.path.join(work, f"{engine}-{i}.png")
                print(f"# cli --engine {engine}, run {i}", file=sys.stderr, flush=True)
                runs.append(_cli_seconds(["upscale", photo, "-o", out, "--model", model_path,
                                          "--engine", engine, "--quiet"], env))
            row = {"first": runs[0], "second": runs[1]}
            if engine == "auto":  # what the first run chose, from its record on disk
                try:
                    with open(os.path.join(cache, f"{auto.RECORD}.json")) as f:
                        row["choices"] = list(json.load(f).values())
                except (OSError, ValueError):
                    row["choices"] = []
            results["engines"][engine] = row
    return results


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
