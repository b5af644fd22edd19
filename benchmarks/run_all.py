"""Runs every benchmark on this machine and writes docs/benchmarks.md and docs/img/*.png.

    python benchmarks/run_all.py            # moderate sizes, about 30 minutes on 2 cores
    python benchmarks/run_all.py --quick    # small sizes, a smoke run
    python benchmarks/run_all.py --only bench_inference profile_rrdbnet   # rerun some

The tiled benchmark defaults to the paper's RRDBNet (nb=23) at 255x170, 510x339 and
1020x678 with both engines (`--tiled-num-blocks`, `--tiled-fractions`, `--tiled-engines`,
`--tiled-tile`).

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
BENCHES = ("bench_inference", "profile_rrdbnet", "bench_train_step", "bench_tflite")


def _now():
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M")


def _run_json(name, work, extra=()):
    """Runs `benchmarks/<name>.py --json OUT *extra` in its own process; its results, or
    `{"error": stderr}`, with its wall time and the date."""
    out = os.path.join(work, f"{name}.json")
    cmd = [sys.executable, os.path.join(HERE, f"{name}.py"), "--json", out, *extra]
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    print(f"{name}: {seconds:.0f} s", file=sys.stderr, flush=True)
    if proc.returncode or not os.path.exists(out):
        return {"error": proc.stderr[-3000:]}
    with open(out) as f:
        result = json.load(f)
    result.update(wall_seconds=seconds, date=_now())
    return result


def _tiled_args(args):
    fractions = ["0.0625", "0.125", "0.25"] if args.quick else args.tiled_fractions
    num_blocks = "2" if args.quick else str(args.tiled_num_blocks)
    return ["--num-blocks", num_blocks, "--fractions", *fractions,
            "--engines", *args.tiled_engines, "--tile", str(args.tiled_tile)]


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


def _section(add, title, result):
    """Adds a `## title` heading; when `result` holds an error, adds it and returns False."""
    add(f"## {title}")
    add("")
    if "error" in result:
        add(f"Failed:\n\n```\n{result['error']}\n```\n")
        return False
    return True


def _figure(add, name, labels, values, title):
    """Draws `docs/img/<name>.png` (`_bar_plot`) and adds it to the page."""
    _bar_plot(os.path.join(IMG, f"{name}.png"), labels, values, title)
    add(f"![{title}](img/{name}.png)")
    add("")


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
    add(f"- Last run: {results['date']}{' (`--quick` sizes)' if quick else ''}, "
        f"{results['wall_seconds']:.0f} s (each section says when it was measured); Python "
        f"{platform.python_version()}, {results['versions']}.")
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
    if _section(add, "Inference: `upscale()` against PyTorch eager", inf):
        tpeak = inf["theoretical_peak_gflops"]
        engines = sorted({c["auto_engine"] for c in inf["configs"]})
        add(f"Measured {inf.get('date', results['date'])}. RRDBNet x4 (nf=64, gc=32), one LR "
            "image, same weights on both sides. PyTorch: the official network in `torch.nn`, "
            "eager, `inference_mode`, best of its 2-thread and 1-thread runs (`pytorch_best`). "
            "`upscale(engine=\"auto\")` is what a user gets; on this CPU it resolved to "
            f"**{' / '.join(engines)}** (`resolve_engine`: the Keras model on AVX-512 CPUs, "
            "TFLite/XNNPACK on AVX2 ones). `keras` is the Keras model in a `tf.function` "
            "(TensorFlow's oneDNN kernels, no XLA); `tflite` the float32 TFLite conversion "
            "run by LiteRT/XNNPACK.")
        add("")
        add("| network | LR input | GFLOP | PyTorch eager (s) | upscale auto (s) | engine | "
            "ratio auto / PyTorch | upscale keras (s) | ratio keras / PyTorch | tflite (s) | "
            "ratio tflite / keras | auto GFLOP/s | % measured peak | % theoretical peak | "
            "max abs diff auto vs Keras |")
        add("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        labels, values = [], []
        for c in inf["configs"]:
            t = c["seconds"]
            ref = t["pytorch_best"]
            auto = t["upscale_auto"]
            tfl = t.get("tflite", auto if c["auto_engine"] == "tflite" else None)
            gf = c["gflop"] / auto
            add(f"| nb={c['num_blocks']} | {c['height']}x{c['width']} | {c['gflop']:.1f} | "
                f"{ref:.3f} | {auto:.3f} | {c['auto_engine']} | {auto / ref:.2f} | "
                f"{t['upscale_keras']:.3f} | {t['upscale_keras'] / ref:.2f} | {_f(tfl, 3)} | "
                f"{_f(tfl / t['upscale_keras'] if tfl else None)} | {gf:.0f} | "
                f"{100 * gf / peak:.0f}% | {_f(100 * gf / tpeak if tpeak else None, 0)}% | "
                f"{c['max_diff_auto_vs_keras']:.1e} |")
            labels += [f"nb={c['num_blocks']} auto ({c['auto_engine']})",
                       f"nb={c['num_blocks']} keras"]
            values += [auto / ref, t["upscale_keras"] / ref]
            if tfl:
                labels.append(f"nb={c['num_blocks']} tflite")
                values.append(tfl / ref)
            targets.append((f"nb={c['num_blocks']}: upscale() <= 0.67x PyTorch eager",
                            auto / ref <= 0.67, f"{auto / ref:.2f}x"))
            targets.append((f"nb={c['num_blocks']}: upscale() >= 85% of the measured peak",
                            gf / peak >= 0.85, f"{100 * gf / peak:.0f}%"))
            if tpeak:
                targets.append((f"nb={c['num_blocks']}: upscale() >= 85% of the theoretical "
                                "peak (see [Profile](#profile))", gf / tpeak >= 0.85,
                                f"{100 * gf / tpeak:.0f}%"))
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
            tfl = t.get("tflite", t["upscale_auto"] if c["auto_engine"] == "tflite" else None)
            add(f"| nb={c['num_blocks']} {c['height']}x{c['width']} | {t['pytorch_eager']:.3f} | "
                f"{t['pytorch_eager_1_thread']:.3f} | {_f(tfl, 3)} | "
                f"{t['tflite_1_thread']:.3f} |")
        add("")
        _figure(add, "bench_inference", labels, values,
                "RRDBNet inference time / PyTorch eager (lower is faster)")
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
            _figure(add, "bench_backends", labels, values,
                    "Keras backend time / PyTorch eager (lower is faster)")
        for b in inf["backends"]:
            if "error" in b:
                add(f"{b['backend']} failed:\n\n```\n{b['error']}\n```\n")

    # ---- profile
    pr = results.get("profile_rrdbnet", {"error": "not run yet"})
    if _section(add, "Profile", pr):
        _profile(add, pr, inf)

    # ---- training step
    tr = results["bench_train_step"]
    if _section(add, "One FASRGAN training step against PyTorch", tr):
        c = tr["config"]
        t = tr["seconds"]
        ratio = t["keras_tf_xla"] / t["pytorch_best"]
        add(f"Measured {tr.get('date', results['date'])}. G = RRDBNet nb={c['num_blocks']} "
            f"nf=64, D = UNet at {c['hr']}x{c['hr']}, VGG19 to "
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
        _figure(add, "bench_train_step", ["Keras TF+XLA"], [ratio],
                "FASRGAN training step time / PyTorch eager")
        targets.append(("one FASRGAN training step <= 1.0x PyTorch", ratio <= 1.0,
                        f"{ratio:.2f}x"))

    # ---- TFLite
    tf = results["bench_tflite"]
    if _section(add, "TFLite / LiteRT against Keras", tf):
        c = tf["config"]
        t = tf["seconds"]
        ref = t.get("keras_tf", t.get("keras_tf_xla"))
        add(f"Measured {tf.get('date', results['date'])}. RRDBNet nb={c['num_blocks']} nf=64, "
            f"one {c['size']}x{c['size']} LR input; reference: the `keras` engine (a TensorFlow "
            "`tf.function`, oneDNN, no XLA). LiteRT with XNNPACK, all CPU threads.")
        add("")
        add("| model | time (s) | ratio / Keras | ratio / TFLite float32 | max abs diff vs Keras "
            "| file (MB) | conversion (s) |")
        add("|---|---:|---:|---:|---:|---:|---:|")
        add(f"| Keras (TF) | {ref:.3f} | 1.00 | | | | |")
        labels, values = [], []
        for m in ("float32", "float16", "dynamic"):
            tm = t[f"tflite_{m}"]
            add(f"| TFLite {m} | {tm:.3f} | {tm / ref:.2f} | {tm / t['tflite_float32']:.2f} | "
                f"{tf['max_diff_vs_keras'][m]:.1e} | {tf['size_mb'][m]:.1f} | "
                f"{tf['convert_seconds'][m]:.0f} |")
            labels.append(f"TFLite {m}")
            values.append(tm / ref)
        add("")
        _figure(add, "bench_tflite", labels, values, "TFLite time / Keras TF (lower is faster)")
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
    if _section(add, "Tiled upscaling: time and memory per megapixel", tl):
        add(f"Measured {tl.get('date', results['date'])}. From "
            "`benchmarks/bench_tiled_upscale.py` (each run in its own process; peak RSS "
            "after the warm-up, so it is the memory of the tiled inference itself):")
        add("")
        add(tl["markdown"])
        add("")
        _tiled_targets(tl, targets)

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


def _tiled_targets(tl, targets):
    """Peak RSS on the largest image <= 3 GB; seconds per input MP flat within 15%."""
    rows = tl.get("rows") or []
    for engine in sorted({r["engine"] for r in rows}):
        mine = [r for r in rows if r["engine"] == engine]
        largest = max(mine, key=lambda r: r["size"][0] * r["size"][1])
        h, w = largest["size"]
        mb = largest["peak_mib"] * 1.048576
        targets.append((f"tiled upscale nb={tl['num_blocks']}, {engine}: peak RSS on {w}x{h} "
                        "<= 3 GB", mb <= 3000, f"{mb:.0f} MB"))
        if len(mine) > 1:
            per_mp = [r["seconds"] / (r["size"][0] * r["size"][1] / 1e6) for r in mine]
            spread = max(per_mp) / min(per_mp) - 1
            targets.append((f"tiled upscale nb={tl['num_blocks']}, {engine}: s/MP flat within "
                            f"15% over {len(mine)} sizes", spread <= 0.15,
                            f"{min(per_mp):.0f}-{max(per_mp):.0f} s/MP (+{100 * spread:.0f}%)"))


def _profile(add, pr, inference=None):
    """The per-op profile table and what it shows, from `profile_rrdbnet.py`'s results."""
    sys.path.insert(0, HERE)
    from profile_rrdbnet import markdown_table

    c = pr["config"]
    t = pr["seconds"]
    peak = pr["theoretical_peak_gflops"]
    add(f"Measured {pr.get('date', '')}. Where `upscale()`'s time goes, from "
        f"`benchmarks/profile_rrdbnet.py`: RRDBNet x4 nb={c['num_blocks']}, nf=64, gc=32, one "
        f"{c['size']}x{c['size']} LR input, on the Keras/TensorFlow path (the model's "
        "`tf.function` graph, frozen and run with a full trace, so every kernel TensorFlow "
        "executes after its oneDNN rewrites is timed; median of the traced runs). Two "
        "reference kernels are timed in the same run: a single wide conv and TensorFlow's "
        "matmul.")
    add("")
    for line in markdown_table(pr):
        add(line)
    add("")
    rows = pr["rows"]
    total = pr["sum_of_kernels"]
    convs = [r for r in rows if "gflops" in r]
    conv_time = sum(r["seconds"] for r in convs)
    other = {r["part"]: r["seconds"] for r in rows if "gflops" not in r}

    def rate(name):
        r = next((r for r in rows if r["part"] == name), None)
        return r["gflops"] if r else float("nan")

    narrow = [rate(f"dense-block conv{i}") for i in range(1, 5)]
    ceil_conv = pr["ceilings"]["big_conv"]["flop"] / t["big_conv"] / 1e9
    ceil_mm = pr["ceilings"]["matmul_2048"]["flop"] / t["matmul_2048"] / 1e9
    whole = pr["model_flop"] / t["keras_tf_function"] / 1e9
    pct = (lambda g: f"{100 * g / peak:.0f}%") if peak else (lambda g: "n/a")
    glue = sum(other.values())
    add("What the numbers show:")
    add("")
    add(f"- Convolutions take {100 * conv_time / total:.0f}% of the kernel time; the rest "
        f"({100 * glue / total:.0f}%) is memory-bound glue: "
        + ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in
                    sorted(other.items(), key=lambda kv: -kv[1])) + ".")
    add(f"- The dense-block convs with 32 output channels (conv1-conv4) run at "
        f"{min(narrow):.0f}-{max(narrow):.0f} GFLOP/s ({pct(min(narrow))}-{pct(max(narrow))} of "
        f"the theoretical peak); conv5 (192->64) at {rate('dense-block conv5'):.0f}, the "
        f"64->64 convs at 4x resolution at {rate('conv_up2'):.0f} (conv_up2) and "
        f"{rate('conv_hr'):.0f} (conv_hr) GFLOP/s. conv_last (64->3) and conv_first (3->64) "
        f"reach only {rate('conv_last'):.0f} and {rate('conv_first'):.0f} GFLOP/s, but hold "
        f"{100 * (_seconds_of(rows, 'conv_last') + _seconds_of(rows, 'conv_first')) / total:.0f}"
        "% of the time.")
    add(f"- Reference kernels measured in the same run: one 256->256 conv reaches "
        f"{ceil_conv:.0f} GFLOP/s ({pct(ceil_conv)} of the theoretical peak), TensorFlow's "
        f"2048x2048 matmul {ceil_mm:.0f} GFLOP/s ({pct(ceil_mm)}). The whole model runs at "
        f"{whole:.0f} GFLOP/s ({pct(whole)}): {100 * whole / ceil_conv:.0f}% of the wide conv's "
        f"rate and {100 * whole / ceil_mm:.0f}% of the matmul's.")
    best = max(ceil_mm, ceil_conv)
    thin = _seconds_of(rows, "conv_last") + _seconds_of(rows, "conv_first")
    add(f"- So within this run RRDBNet's convs run at about the rate of TensorFlow's wide "
        f"kernels, and the model reaches {100 * whole / best:.0f}% of the better reference "
        f"kernel. What keeps it below the theoretical peak: the reference kernels reach only "
        f"{pct(best)} of the theoretical peak in the same run, and "
        f"{100 * (glue + thin) / total:.0f}% of the time goes to the glue and the two "
        "thin convs (conv_last, conv_first), which do little or no arithmetic per byte moved.")
    inf_rate = next((cfg["gflop"] / cfg["seconds"]["upscale_keras"]
                     for cfg in (inference or {}).get("configs", [])
                     if (cfg["num_blocks"], cfg["height"]) == (c["num_blocks"], c["size"])), None)
    if inf_rate:
        add(f"- Absolute rates depend on the load on the shared CPU: the inference section "
            f"measured the same network and input at {inf_rate:.0f} GFLOP/s "
            f"({pct(inf_rate)}) in its own run, against {whole:.0f} here. Compare the "
            "figures of one run with each other (the shares and the ratios to the reference "
            "kernels), not across runs.")
    add("")


def _seconds_of(rows, name):
    """Seconds of the part `name` (0 when absent)."""
    return next((r["seconds"] for r in rows if r["part"] == name), 0.0)


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
- **Which engine `upscale()` picks.** See [Engines](inference.md#engines); the tables above
  say which engine `engine="auto"` resolved to in this run.
- **Training step.** The first `train_on_batch` traces and XLA-compiles the whole step (the
  compile time is listed apart); the steady-state step is what is compared.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=BENCHES + ("bench_tiled_upscale",),
                        help="run only these (the others are read from results.json)")
    parser.add_argument("--render-only", action="store_true",
                        help="run nothing: rewrite the page from results.json")
    parser.add_argument("--tiled-num-blocks", type=int, default=23,
                        help="RRDBNet depth of the tiled benchmark (default: the paper's 23)")
    parser.add_argument("--tiled-fractions", nargs="+", default=["0.25", "0.5", "1.0"],
                        help="tiled input sizes as fractions of 1020x678")
    parser.add_argument("--tiled-engines", nargs="+", default=["keras", "tflite"])
    parser.add_argument("--tiled-tile", type=int, default=128)
    args = parser.parse_args()
    results_path = os.path.join(HERE, "results.json")
    previous = {}
    if args.render_only:
        with open(results_path) as f:
            render(json.load(f), args.quick)
        return 0
    if args.only and os.path.exists(results_path):
        with open(results_path) as f:
            previous = json.load(f)
    start = time.perf_counter()
    results = dict(previous)
    with tempfile.TemporaryDirectory(prefix="fasrgan-bench-") as work:
        for name in BENCHES:
            if not args.only or name in args.only:
                results[name] = _run_json(name, work, ["--quick"] if args.quick else [])
        if not args.only or "bench_tiled_upscale" in args.only:
            results["bench_tiled_upscale"] = _run_json("bench_tiled_upscale", work,
                                                       _tiled_args(args))
    import keras
    import tensorflow as tf
    import torch

    results["versions"] = (f"Keras {keras.__version__}, TensorFlow {tf.__version__}, "
                           f"PyTorch {torch.__version__}")
    results["date"] = _now()
    results["wall_seconds"] = time.perf_counter() - start
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1)
    render(results, args.quick)
    print(f"wrote {os.path.join(DOCS, 'benchmarks.md')} and {IMG}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
