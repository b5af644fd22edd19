"""Runs every benchmark on this machine and writes docs/benchmarks.md and docs/img/*.png.

    python benchmarks/run_all.py            # moderate sizes, about 10 minutes on 2 cores
    python benchmarks/run_all.py --quick    # small sizes, a smoke run

Each benchmark runs in its own process (`--json` results, collected here). Every figure is a
ratio against a reference measured in the same run (interleaved repetitions, best of N), so
the numbers stay comparable when other processes share the CPU. The raw results are kept in
`benchmarks/results.json`.
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
IMG = os.path.join(DOCS, "img")
BENCHES = ("bench_inference", "bench_train_step", "bench_tflite")


def _run_json(name, quick, work):
    out = os.path.join(work, f"{name}.json")
    cmd = [sys.executable, os.path.join(HERE, f"{name}.py"), "--json", out]
    if quick:
        cmd.append("--quick")
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    print(f"{name}: {seconds:.0f} s", file=sys.stderr, flush=True)
    if proc.returncode or not os.path.exists(out):
        return {"error": proc.stderr[-3000:]}
    with open(out) as f:
        result = json.load(f)
    result["wall_seconds"] = seconds
    return result


def _run_tiled(quick):
    script = os.path.join(HERE, "bench_tiled_upscale.py")
    if not os.path.exists(script):
        return {"error": "benchmarks/bench_tiled_upscale.py is missing"}
    fractions = ["0.0625", "0.125", "0.25"] if quick else ["0.125", "0.25", "0.5"]
    cmd = [sys.executable, script, "--num-blocks", "2" if quick else "4", "--fractions",
           *fractions]
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    print(f"bench_tiled_upscale: {seconds:.0f} s", file=sys.stderr, flush=True)
    if proc.returncode:
        return {"error": proc.stderr[-3000:]}
    return {"markdown": proc.stdout.strip(), "wall_seconds": seconds}


# ------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------


def _f(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def _bar_plot(path, labels, values, title, reference_line=1.0, xlabel="ratio"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(labels)))
    ax.barh(labels, values, color=["tab:green" if v <= reference_line else "tab:red"
                                   for v in values])
    ax.axvline(reference_line, color="black", lw=1, ls="--")
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.invert_yaxis()
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)


def render(results, quick):
    os.makedirs(IMG, exist_ok=True)
    lines = []
    add = lines.append
    targets = []  # (description, met: bool | None, detail)
    inf = results["bench_inference"]
    add("# Benchmarks")
    add("")
    add("Written by `python benchmarks/run_all.py` (also `make benchmark`); do not edit by hand. "
        "Every figure is a ratio against a reference measured in the same run, with the "
        "candidates' repetitions interleaved and the best of N kept, because other processes "
        "may share the CPU.")
    add("")
    add(f"- Run: {results['date']}{' (`--quick` sizes)' if quick else ''}, "
        f"{results['wall_seconds']:.0f} s in all; Python {platform.python_version()}, "
        f"{results['versions']}.")
    if "error" not in inf:
        mm = inf["matmul_peak_gflops"]
        peak = max(mm.values())
        each = " / ".join(f"{k} {v:.0f}" for k, v in mm.items())
        add(f"- CPU: {inf['cpus']} threads. Measured float32 matmul peak (2048x2048, best of "
            f"{each}): **{peak:.0f} GFLOP/s**. "
            f"Theoretical: {inf['theoretical_peak_text']}.")
    add("")
    add("Ratios are *candidate time / reference time*: below 1 the candidate is faster.")
    add("")

    # ---- inference
    add("## Inference: `upscale()` against PyTorch eager")
    add("")
    if "error" in inf:
        add(f"Failed:\n\n```\n{inf['error']}\n```\n")
    else:
        tpeak = inf["theoretical_peak_gflops"]
        add("RRDBNet x4 (nf=64, gc=32), one LR image, same weights on both sides. PyTorch: the "
            "official network in `torch.nn`, eager, `inference_mode`, best of its 2-thread and "
            "1-thread runs (`pytorch_best`). `upscale(engine=\"auto\")` is what a user gets; "
            "`keras` is the Keras model in an XLA-compiled `tf.function`.")
        add("")
        add("| network | LR input | GFLOP | PyTorch eager (s) | upscale auto (s) | engine | "
            "ratio auto / PyTorch | upscale keras (s) | ratio keras / PyTorch | auto GFLOP/s | "
            "% measured peak | % theoretical peak | max abs diff auto vs Keras |")
        add("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        labels, values = [], []
        for c in inf["configs"]:
            t = c["seconds"]
            ref = t["pytorch_best"]
            auto = t["upscale_auto"]
            gf = c["gflop"] / auto
            add(f"| nb={c['num_blocks']} | {c['height']}x{c['width']} | {c['gflop']:.1f} | "
                f"{ref:.3f} | {auto:.3f} | {c['auto_engine']} | {auto / ref:.2f} | "
                f"{t['upscale_keras']:.3f} | {t['upscale_keras'] / ref:.2f} | {gf:.0f} | "
                f"{100 * gf / peak:.0f}% | {_f(100 * gf / tpeak if tpeak else None, 0)}% | "
                f"{c['max_diff_auto_vs_keras']:.1e} |")
            labels += [f"nb={c['num_blocks']} auto", f"nb={c['num_blocks']} keras (XLA)"]
            values += [auto / ref, t["upscale_keras"] / ref]
            targets.append((f"nb={c['num_blocks']}: upscale() <= 0.67x PyTorch eager",
                            auto / ref <= 0.67, f"{auto / ref:.2f}x"))
            targets.append((f"nb={c['num_blocks']}: upscale() >= 85% of the measured peak",
                            gf / peak >= 0.85, f"{100 * gf / peak:.0f}%"))
            if tpeak:
                targets.append((f"nb={c['num_blocks']}: upscale() >= 85% of the theoretical "
                                "peak", gf / tpeak >= 0.85, f"{100 * gf / tpeak:.0f}%"))
            targets.append((f"nb={c['num_blocks']}: float32 auto within 1e-4 of Keras",
                            c["max_diff_auto_vs_keras"] <= 1e-4,
                            f"{c['max_diff_auto_vs_keras']:.1e}"))
        add("")
        add("Thread scaling (why PyTorch's reference is its best thread count):")
        add("")
        add("| network | PyTorch 2 threads (s) | PyTorch 1 thread (s) | TFLite 2 threads "
            "(s) | TFLite 1 thread (s) |")
        add("|---|---:|---:|---:|---:|")
        for c in inf["configs"]:
            t = c["seconds"]
            add(f"| nb={c['num_blocks']} {c['height']}x{c['width']} | {t['pytorch_eager']:.3f} | "
                f"{t['pytorch_eager_1_thread']:.3f} | "
                f"{t['upscale_auto']:.3f} | {t['tflite_1_thread']:.3f} |")
        add("")
        _bar_plot(os.path.join(IMG, "bench_inference.png"), labels, values,
                  "RRDBNet inference time / PyTorch eager (lower is faster)")
        add("![inference ratios](img/bench_inference.png)")
        add("")
        add("### Each Keras backend")
        add("")
        add("Each backend in its own process (`KERAS_BACKEND`), `upscale(engine=\"keras\")`, "
            "against PyTorch eager measured in that same process.")
        add("")
        add("| backend | network | LR input | Keras (s) | PyTorch eager (s) | ratio | "
            "Keras GFLOP/s |")
        add("|---|---|---|---:|---:|---:|---:|")
        labels, values = [], []
        for b in inf["backends"]:
            if "error" in b:
                add(f"| {b['backend']} | failed | | | | | |")
                continue
            t = b["seconds"]
            ratio = t["keras"] / t["pytorch_best"]
            add(f"| {b['backend']} | nb={b['num_blocks']} | {b['height']}x{b['width']} | "
                f"{t['keras']:.3f} | {t['pytorch_best']:.3f} | {ratio:.2f} | "
                f"{b['gflops']['keras']:.0f} |")
            labels.append(b["backend"])
            values.append(ratio)
            if b["backend"] == "tensorflow":
                targets.append(("TF path at least as fast as PyTorch eager", ratio <= 1.0,
                                f"{ratio:.2f}x"))
        add("")
        if values:
            _bar_plot(os.path.join(IMG, "bench_backends.png"), labels, values,
                      "Keras backend time / PyTorch eager (lower is faster)")
            add("![backend ratios](img/bench_backends.png)")
            add("")
        errors = [b for b in inf["backends"] if "error" in b]
        for b in errors:
            add(f"{b['backend']} failed:\n\n```\n{b['error']}\n```\n")

    # ---- training step
    tr = results["bench_train_step"]
    add("## One FASRGAN training step against PyTorch")
    add("")
    if "error" in tr:
        add(f"Failed:\n\n```\n{tr['error']}\n```\n")
    else:
        c = tr["config"]
        t = tr["seconds"]
        ratio = t["keras_tf_xla"] / t["pytorch_best"]
        add(f"G = RRDBNet nb={c['num_blocks']} nf=64, D = UNet at {c['hr']}x{c['hr']}, VGG19 to "
            f"conv5_4, batch {c['batch']}, HR {c['hr']}; G step then D step, Adam on both. "
            "Keras: `FASRGAN.train_on_batch`, TensorFlow with XLA (`jit_compile=True`); "
            "PyTorch: the official step written eagerly (best of 2 and 1 threads).")
        add("")
        add("| Keras TF+XLA (s) | PyTorch 2 threads (s) | PyTorch 1 thread (s) | ratio "
            "Keras / PyTorch best | XLA compile, once (s) |")
        add("|---:|---:|---:|---:|---:|")
        add(f"| {t['keras_tf_xla']:.2f} | {t['pytorch_eager']:.2f} | "
            f"{t['pytorch_eager_1_thread']:.2f} | {ratio:.2f} | "
            f"{tr['keras_compile_seconds']:.0f} |")
        add("")
        _bar_plot(os.path.join(IMG, "bench_train_step.png"), ["Keras TF+XLA"], [ratio],
                  "FASRGAN training step time / PyTorch eager")
        add("![training step ratio](img/bench_train_step.png)")
        add("")
        targets.append(("one FASRGAN training step <= 1.0x PyTorch", ratio <= 1.0,
                        f"{ratio:.2f}x"))

    # ---- TFLite
    tf = results["bench_tflite"]
    add("## TFLite / LiteRT against Keras")
    add("")
    if "error" in tf:
        add(f"Failed:\n\n```\n{tf['error']}\n```\n")
    else:
        c = tf["config"]
        t = tf["seconds"]
        ref = t["keras_tf_xla"]
        add(f"RRDBNet nb={c['num_blocks']} nf=64, one {c['size']}x{c['size']} LR input; "
            "reference: Keras (TensorFlow + XLA). LiteRT with XNNPACK, all CPU threads.")
        add("")
        add("| model | time (s) | ratio / Keras | ratio / TFLite float32 | max abs diff vs Keras "
            "| file (MB) | conversion (s) |")
        add("|---|---:|---:|---:|---:|---:|---:|")
        add(f"| Keras TF+XLA | {ref:.3f} | 1.00 | | | | |")
        labels, values = [], []
        for m in ("float32", "float16", "dynamic"):
            tm = t[f"tflite_{m}"]
            add(f"| TFLite {m} | {tm:.3f} | {tm / ref:.2f} | {tm / t['tflite_float32']:.2f} | "
                f"{tf['max_diff_vs_keras'][m]:.1e} | {tf['size_mb'][m]:.1f} | "
                f"{tf['convert_seconds'][m]:.0f} |")
            labels.append(f"TFLite {m}")
            values.append(tm / ref)
        add("")
        _bar_plot(os.path.join(IMG, "bench_tflite.png"), labels, values,
                  "TFLite time / Keras TF+XLA (lower is faster)")
        add("![tflite ratios](img/bench_tflite.png)")
        add("")
        add(f"What quantisation costs on real photos (held-out built-in photos, x4 "
            f"MATLAB-bicubic LR, PSNR on Y, border 4), generator: {tf['photo_model']}.")
        add("")
        add("| photo | PSNR float32 (dB) | float16 (dB) | dynamic (dB) | float16 vs float32 "
            "output (dB) | dynamic vs float32 output (dB) |")
        add("|---|---:|---:|---:|---:|---:|")
        for name, p in tf["photos"].items():
            v = p["psnr_vs_hr"]
            q = p["psnr_vs_float32"]
            add(f"| {name} | {v['float32']:.2f} | {v['float16']:.2f} | {v['dynamic']:.2f} | "
                f"{q['float16']:.1f} | {q['dynamic']:.1f} |")
        add("")

    # ---- tiled
    tl = results["bench_tiled_upscale"]
    add("## Tiled upscaling: time and memory per megapixel")
    add("")
    if "error" in tl:
        add(f"Not run: {tl['error'].splitlines()[-1] if tl['error'] else 'error'}")
    else:
        add("From `benchmarks/bench_tiled_upscale.py` (each run in its own process; peak RSS "
            "after the warm-up, so it is the memory of the tiled inference itself):")
        add("")
        add(tl["markdown"])
    add("")

    # ---- targets
    add("## Targets")
    add("")
    add("| target | result | met |")
    add("|---|---|---|")
    for desc, met, detail in targets:
        add(f"| {desc} | {detail} | {'yes' if met else '**no**'} |")
    add("")
    add(PROFILE_NOTES)
    text = "\n".join(lines) + "\n"
    tmp = os.path.join(DOCS, "benchmarks.md.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(DOCS, "benchmarks.md"))


PROFILE_NOTES = """## Reading the numbers

- **Shared CPU.** Other processes may share the two cores while this runs. OpenMP's spinning
  worker threads (PyTorch, NumPy's BLAS) collapse under such contention, often to a fraction of
  their one-thread speed, which is why the PyTorch reference is the better of its 2-thread and
  1-thread runs; TensorFlow's and XNNPACK's thread pools degrade more gracefully. The same
  contention lowers the measured matmul "peak", so percentages of the measured peak can look
  better than they are; the theoretical peak is the fixed yardstick.
- **Theoretical peak.** Computed from lscpu: cores x FLOP/cycle x clock. On an AVX-512 CPU it
  assumes two 512-bit FMA units; a VM's reported clock hides turbo and the AVX-512 frequency
  licence, so the true peak may differ by +-20%.
- **Which engine `upscale()` picks.** On a CPU-only TensorFlow, `engine="auto"` decides by
  the instruction set, following these measurements: without AVX-512 it runs the TFLite
  float32 conversion with XNNPACK (DESIGN.md section 3: 1.6x faster than Keras-TF on a 2-core
  AVX2 EPYC); with AVX-512 it runs the Keras model, whose oneDNN kernels beat XNNPACK about
  2x on this Xeon. Rows measured before that change show `engine` = tflite.
- **Training step.** The first `train_on_batch` traces and XLA-compiles the whole step (the
  compile time is listed apart); the steady-state step is what is compared.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=BENCHES + ("bench_tiled_upscale",),
                        help="run only these (the others are read from results.json)")
    args = parser.parse_args()
    results_path = os.path.join(HERE, "results.json")
    previous = {}
    if args.only and os.path.exists(results_path):
        with open(results_path) as f:
            previous = json.load(f)
    start = time.perf_counter()
    results = dict(previous)
    with tempfile.TemporaryDirectory(prefix="fasrgan-bench-") as work:
        for name in BENCHES:
            if not args.only or name in args.only:
                results[name] = _run_json(name, args.quick, work)
        if not args.only or "bench_tiled_upscale" in args.only:
            results["bench_tiled_upscale"] = _run_tiled(args.quick)
    import keras
    import tensorflow as tf
    import torch

    results["versions"] = (f"Keras {keras.__version__}, TensorFlow {tf.__version__}, "
                           f"PyTorch {torch.__version__}")
    results["date"] = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    results["wall_seconds"] = time.perf_counter() - start + previous.get("wall_seconds", 0) * 0
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1)
    render(results, args.quick)
    print(f"wrote {os.path.join(DOCS, 'benchmarks.md')} and {IMG}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
