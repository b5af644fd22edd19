"""Runs every benchmark on this machine and writes docs/benchmarks.md and docs/img/*.png.

    python benchmarks/run_all.py            # the full run (see docs/benchmarks.md for its length)
    python benchmarks/run_all.py --quick    # small sizes: checks that everything runs
    python benchmarks/run_all.py --only bench_cli profile_tflite   # develop one benchmark
    python benchmarks/run_all.py --render-only   # rewrite the page from results.json

Each benchmark runs in its own process (`--json` results, collected here), dated when it
starts, with one fresh inference cache folder for the whole run (`KERAS_FASRGAN_CACHE_DIR`),
so conversions and engine probes are paid in this run, not inherited from an earlier one.
The page is written only from one complete run: `benchmarks/results.json` keeps its raw
results and `--render-only` re-renders them. `--only` runs some benchmarks into
`benchmarks/results-partial.json` and leaves the page alone.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DOCS = os.path.join(ROOT, "docs")
BENCHES = ("machine", "bench_inference", "profile_tflite", "profile_rrdbnet", "bench_train_step",
           "profile_train_step", "bench_tflite", "bench_cli", "bench_tiled_upscale")


def _now():
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M")


def _run_json(name, work, extra=(), env=None):
    """Runs `benchmarks/<name>.py --json OUT *extra` in its own process; its results, or
    `{"error": stderr}`, with the date it started and its wall time."""
    out = os.path.join(work, f"{name}.json")
    cmd = [sys.executable, os.path.join(HERE, f"{name}.py"), "--json", out, *extra]
    date = _now()
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    print(f"{name}: {seconds:.0f} s", file=sys.stderr, flush=True)
    if proc.returncode or not os.path.exists(out):
        return {"error": proc.stderr[-3000:], "date": date, "wall_seconds": seconds}
    with open(out) as f:
        result = json.load(f)
    result.update(wall_seconds=seconds, date=date)
    return result


def _extra(name, args):
    if name == "bench_tiled_upscale":
        fractions = ["0.0625", "0.125", "0.25"] if args.quick else args.tiled_fractions
        num_blocks = "2" if args.quick else str(args.tiled_num_blocks)
        return ["--num-blocks", num_blocks, "--fractions", *fractions,
                "--engines", *args.tiled_engines, "--tile", str(args.tiled_tile)]
    return ["--quick"] if args.quick else []


def _versions():
    import keras
    import tensorflow as tf
    import torch
    from importlib.metadata import version

    return (f"Keras {keras.__version__}, TensorFlow {tf.__version__}, PyTorch {torch.__version__}, "
            f"JAX {version('jax')}, LiteRT {version('ai-edge-litert')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=BENCHES,
                        help="run only these, into results-partial.json (no page)")
    parser.add_argument("--render-only", action="store_true",
                        help="run nothing: rewrite the page from results.json")
    parser.add_argument("--tiled-num-blocks", type=int, default=23,
                        help="RRDBNet depth of the tiled benchmark (default: the paper's 23)")
    parser.add_argument("--tiled-fractions", nargs="+", default=["0.25", "0.5", "1.0"],
                        help="tiled input sizes as fractions of 1020x678")
    parser.add_argument("--tiled-engines", nargs="+", default=["auto"],
                        help="engines of the tiled benchmark (default: what users get)")
    parser.add_argument("--tiled-tile", type=int, default=128)
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    from page import write_page

    results_path = os.path.join(HERE, "results.json")
    if args.render_only:
        with open(results_path) as f:
            print(write_page(json.load(f), DOCS), file=sys.stderr)
        return 0
    start = time.perf_counter()
    results = {"date": _now(), "quick": args.quick, "python": platform.python_version(),
               "command": "python benchmarks/run_all.py " + " ".join(sys.argv[1:])}
    with tempfile.TemporaryDirectory(prefix="fasrgan-bench-") as work:
        env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3",
                   KERAS_FASRGAN_CACHE_DIR=os.path.join(work, "cache"))
        for name in args.only or BENCHES:
            results[name] = _run_json(name, work, _extra(name, args), env)
    results["versions"] = _versions()
    results["wall_seconds"] = time.perf_counter() - start
    if args.only:
        with open(os.path.join(HERE, "results-partial.json"), "w") as f:
            json.dump(results, f, indent=1)
        return 0
    with open(results_path + ".tmp", "w") as f:
        json.dump(results, f, indent=1)
    os.replace(results_path + ".tmp", results_path)
    print(f"wrote {write_page(results, DOCS)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
