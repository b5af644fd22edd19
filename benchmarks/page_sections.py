"""The placeholders of each section of the benchmark page, computed from one run's results.

Each builder takes `(results, targets, img_dir)` and returns `{placeholder: text}` for its
section of `page_template.md`; builders add the targets they measure to `targets`.
"""

import os

WRAPPER_MAX, AUTO_VS_TORCH_MAX, PEAK_MIN, KERAS_VS_TORCH_MAX = 1.05, 0.67, 0.85, 1.0
TRAIN_MAX, CLI_MAX, RSS_MAX_MB, FLAT_MAX = 0.85, 0.6, 3000, 0.15
# Anchors of the page's headings that explain a target (checked by `page.render`).
INFERENCE = "inference-upscale-against-pytorch-eager"
WRAPPER = "the-wrapper-upscale-against-its-engine"
TILED = "tiled-upscaling-time-and-memory-per-megapixel"
PROFILE = {"keras": "profile-keras-tensorflow-per-operator",
           "tflite": "profile-tflite-xnnpack-per-operator"}


class Targets:
    """The targets table: `(what, measured, met, see)`, met being True, False or None
    (reported), `see` the anchor of the page's heading whose table or profile shows why."""

    def __init__(self):
        self.rows = []

    def add(self, what, measured, met, see):
        self.rows.append((what, measured, met, see))

    def markdown(self, headings):
        """The table; `headings` maps each heading's anchor to its title (`page.headings`)."""
        lines = ["| target | measured | met | why: measured in |", "|---|---|---|---|"]
        for what, measured, met, see in self.rows:
            mark = "reported" if met is None else ("yes" if met else "**no**")
            lines.append(f"| {what} | {measured} | {mark} | [{headings[see]}](#{see}) |")
        return "\n".join(lines)


def f(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def pct(x):
    return "n/a" if x is None else f"{100 * x:.0f}%"


def table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def figure(img_dir, name, labels, values, title, reference=1.0):
    """Draws `img_dir/NAME.png` (horizontal bars, a dashed line at `reference`); its link."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.42 * len(labels)))
    ax.barh(labels, values, color=["tab:green" if v <= reference else "tab:red" for v in values])
    ax.axvline(reference, color="black", lw=1, ls="--")
    ax.set_xlabel("ratio")
    ax.set_title(title, fontsize=10)
    ax.invert_yaxis()
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
    fig.tight_layout()
    path = os.path.join(img_dir, f"{name}.png")
    fig.savefig(path + ".tmp.png", dpi=100)
    plt.close(fig)
    os.replace(path + ".tmp.png", path)
    return f"![{title}](img/{name}.png)"


def peak_of(results):
    return results["machine"].get("peak_gflops")


def machine(results, targets, img_dir):
    m = results["machine"]
    c = m["clock_ghz"]
    parts = [f"{k.replace('_', ' ')} {v:.2f} GHz" for k, v in c.items() if v]
    return {
        "date": m["date"], "cpu": m["cpu"], "vendor": m["vendor"], "family": m["family"],
        "model": m["model"], "hypervisor": ", in a virtual machine" if m["hypervisor"] else "",
        "flags": ", ".join(m["flags"]) or "none of AVX2/AVX-512", "cores": m["cores"],
        "clock_text": f"{m['ghz']:.2f} GHz used ({'; '.join(parts)}; the highest is taken)",
        "flop_per_cycle": m["flop_per_cycle"], "flop_per_cycle_why": m["flop_per_cycle_why"],
        "ghz": f(m["ghz"]), "peak": f(m["peak_gflops"], 0),
        "matmul": ", ".join(f"{k} {v:.0f} GFLOP/s ({pct(v / m['peak_gflops'])})"
                            for k, v in m["matmul_gflops"].items()),
    }


def _label(c):
    return f"nb={c['num_blocks']} {c['height']}x{c['width']}"


def inference(results, targets, img_dir):
    inf, peak = results["bench_inference"], peak_of(results)
    rows, auto_rows, thread_rows, xla_rows, wrapper_rows, labels, values = ([] for _ in range(7))
    for c in inf["configs"]:
        t, g, ref = c["seconds"], c["gflops"], c["seconds"]["pytorch_best"]
        chosen = c["auto"]["engine"]
        for key, name in (("keras", "keras"), ("keras_xla", "keras XLA"), ("tflite", "tflite"),
                          ("upscale_auto", f"upscale auto ({chosen})"),
                          ("upscale_keras", "upscale keras"), ("upscale_tflite", "upscale tflite")):
            rows.append([_label(c), name, f(t[key], 3), f(t[key] / ref), f(g[key], 0),
                         pct(g[key] / peak if peak else None)])
            if key.startswith("upscale") or key == "keras_xla":
                labels.append(f"{_label(c)} {name}")
                values.append(t[key] / ref)
        rows.append([_label(c), "PyTorch eager (reference)", f(ref, 3), "1.00",
                     f(g["pytorch_best"], 0), pct(g["pytorch_best"] / peak if peak else None)])
        faster = "keras" if t["keras"] <= t["tflite"] else "tflite"
        auto_rows.append([_label(c), f"**{chosen}**", c["auto"]["reason"],
                          f(c["probe_seconds"], 1), f(t["keras"], 3), f(t["tflite"], 3), faster])
        thread_rows.append([_label(c), f(t["pytorch_eager"], 3), f(t["pytorch_eager_1_thread"], 3),
                            f(t["tflite"], 3), f(t["tflite_1_thread"], 3)])
        saved = t["keras"] - t["keras_xla"]
        xla_rows.append([_label(c), f(c["xla_compile_seconds"], 1), f(t["keras"], 3),
                         f(t["keras_xla"], 3), f(t["keras_xla"] / t["keras"]),
                         f"{c['xla_compile_seconds'] / saved:.0f}" if saved > 0 else "never"])
        for name in ("auto", "keras", "tflite"):
            bare = t[chosen if name == "auto" else name]
            ins = c["inside_upscale"][name]
            wrapper_rows.append([_label(c), name, f(t[f"upscale_{name}"], 3), f(bare, 3),
                                 f(t[f"upscale_{name}"] / bare, 3),
                                 f(ins["wall"] / ins["engine"], 3)])
        worst = max(v["wall"] / v["engine"] for v in c["inside_upscale"].values())
        targets.add(f"{_label(c)}: `upscale()` <= {WRAPPER_MAX}x its bare engine (in-call, "
                    "worst engine)", f"{worst:.3f}x", worst <= WRAPPER_MAX, WRAPPER)
        auto = t["upscale_auto"] / ref
        targets.add(f"{_label(c)}: `upscale(engine=\"auto\")` <= {AUTO_VS_TORCH_MAX}x PyTorch "
                    "eager", f"{auto:.2f}x", auto <= AUTO_VS_TORCH_MAX, PROFILE[chosen])
        if peak:
            share = g["upscale_auto"] / peak
            targets.add(f"{_label(c)}: `upscale(engine=\"auto\")` >= {pct(PEAK_MIN)} of the "
                        "theoretical peak", pct(share), share >= PEAK_MIN, PROFILE[chosen])
        k = t["upscale_keras"] / ref
        targets.add(f"{_label(c)}: Keras/TF path (`engine=\"keras\"`) <= {KERAS_VS_TORCH_MAX}x "
                    f"PyTorch eager (XLA: {t['keras_xla'] / ref:.2f}x)", f"{k:.2f}x",
                    k <= KERAS_VS_TORCH_MAX, PROFILE["keras"])
        targets.add(f"{_label(c)}: `engine=\"auto\"` chose the faster engine by measurement",
                    f"{chosen} ({c['auto'].get('source', 'probe')}; faster in the timings: "
                    f"{faster})", chosen == faster, INFERENCE)
        diff = c["max_diff_tflite_vs_keras"]
        targets.add(f"{_label(c)}: TFLite float32 within 1e-4 of Keras", f"{diff:.1e}",
                    diff <= 1e-4, INFERENCE)
    tiled = results.get("bench_tiled_upscale", {})
    big = [r for r in tiled.get("rows", []) if r["size"] == max(x["size"] for x in tiled["rows"])]
    for r in big:
        ratio = r["seconds"] / r["engine_seconds"]
        wrapper_rows.append([f"nb={tiled['num_blocks']} {r['size'][1]}x{r['size'][0]} tiled "
                             f"({r['tiles']} tiles)", r["engine"], f(r["seconds"], 1),
                             f(r["engine_seconds"], 1), "", f(ratio, 3)])
        targets.add(f"tiled {r['size'][1]}x{r['size'][0]} nb={tiled['num_blocks']}, {r['engine']}: "
                    f"`upscale()` <= {WRAPPER_MAX}x the sum of its tiles' engine calls",
                    f"{ratio:.3f}x", ratio <= WRAPPER_MAX, WRAPPER)
    backends, b_labels, b_values, torch_text = _backends(inf, targets)
    return {
        "date": inf["date"],
        "inference_table": table(["network, LR input", "candidate", "time (s)",
                                  "ratio / PyTorch", "GFLOP/s", "% of peak"], rows,
                                 ["---", "---"] + ["---:"] * 4),
        "figure_inference": figure(img_dir, "bench_inference", labels, values,
                                   "RRDBNet inference time / PyTorch eager (lower is faster)"),
        "auto_table": table(["network", "auto chose", "why", "probe (s, first call)",
                             "keras (s)", "tflite (s)", "faster here"], auto_rows,
                            ["---"] * 3 + ["---:"] * 3 + ["---"]),
        "threads_table": table(["network", "PyTorch all threads (s)", "PyTorch 1 thread (s)",
                                "TFLite all threads (s)", "TFLite 1 thread (s)"], thread_rows),
        "xla_table": table(["network", "XLA compile (s)", "keras (s)", "keras XLA (s)",
                            "ratio XLA / keras", "calls of one shape to repay the compile"],
                           xla_rows),
        "tiled_photo": f"{big[0]['size'][1]}x{big[0]['size'][0]}" if big else "(not run)",
        "wrapper_table": table(["network, input", "engine", "upscale (s)", "bare engine (s)",
                                "ratio", "in-call ratio"], wrapper_rows,
                               ["---", "---"] + ["---:"] * 4),
        "backends_table": backends,
        "figure_backends": figure(img_dir, "bench_backends", b_labels, b_values,
                                  "Keras backend time / PyTorch eager (lower is faster)")
        if b_values else "",
        "torch_text": torch_text,
    }


def _backends(inf, targets):
    rows, labels, values, torch_text = [], [], [], ""
    for b in inf["backends"]:
        if "error" in b:
            rows.append([b["backend"], "failed", "", "", "", ""])
            continue
        t = b["seconds"]
        ref = t["pytorch_best"]
        for key in ("keras", "keras_predict_on_batch", "keras_1_thread", "keras_torch_compile"):
            if key in t:
                rows.append([b["backend"], key.replace("_", " "), f(t[key], 3), f(ref, 3),
                             f(t[key] / ref), f(b["gflops"][key], 0)])
        best = min(t["keras"], t.get("keras_1_thread", t["keras"])) / ref  # as pytorch_best
        labels.append(b["backend"])
        values.append(best)
        if b["backend"] != "tensorflow":
            targets.add(f"`upscale` on the {b['backend']} backend against PyTorch eager "
                        f"(nb={b['num_blocks']} {b['height']}x{b['width']}, best thread count)",
                        f"{best:.2f}x", None, "each-keras-backend")
        if b["backend"] == "torch":
            shares = b["profile_seconds"]
            total = sum(shares.values())
            parts = ", ".join(f"{k} {pct(v / total)}" for k, v in
                              sorted(shares.items(), key=lambda kv: -kv[1]))
            compiled = t.get("keras_torch_compile")
            torch_text = (
                "Why the PyTorch backend is slower than the same network in plain PyTorch: one "
                f"eager Keras-torch forward pass (`torch.profiler`) spends its time on {parts}. "
                "Keras' torch backend implements every NHWC convolution as a copy to NCHW, a "
                "second copy to channels-last memory, the convolution, and a separate bias "
                "add; none of that is in keras_fasrgan's code. `torch.compile` of the same "
                f"Keras model fuses it away ({f(compiled / ref if compiled else None)}x "
                "PyTorch eager) but its first call took "
                f"{f(b.get('torch_compile_first_call_seconds'), 0)} s.")
    header = ["backend", "path", "time (s)", "PyTorch eager (s)", "ratio", "GFLOP/s"]
    return table(header, rows, ["---", "---"] + ["---:"] * 4), labels, values, torch_text


def profile_tflite(results, targets, img_dir):
    from profile_parts import tflite_values

    return tflite_values(results["profile_tflite"], peak_of(results))


def profile_rrdbnet(results, targets, img_dir):
    from profile_parts import rrdbnet_values

    return rrdbnet_values(results["profile_rrdbnet"], peak_of(results))


def train(results, targets, img_dir):
    tr = results["bench_train_step"]
    c, t = tr["config"], tr["seconds"]
    ratio = t["keras_tf_xla"] / t["pytorch_best"]
    targets.add(f"one FASRGAN training step (nb={c['num_blocks']}) <= {TRAIN_MAX}x PyTorch "
                f"eager (XLA compile {tr['keras_compile_seconds']:.0f} s apart)",
                f"{ratio:.2f}x", ratio <= TRAIN_MAX, "where-the-training-steps-time-goes")
    rows, labels, values = [], [], []
    for name, v in tr.get("variants", {"default": dict(tr, xla_flags="")}).items():
        if "error" in v:
            rows.append([name, f"`{v['xla_flags']}`", "failed"] + [""] * 4)
            continue
        s = v["seconds"]
        r = s["keras_tf_xla"] / s["pytorch_best"]
        rows.append([name, f"`{v['xla_flags']}`" if v["xla_flags"] else "(none)",
                     f(s["keras_tf_xla"]), f(s["pytorch_eager"]), f(s["pytorch_eager_1_thread"]),
                     f(r), f(v["keras_compile_seconds"], 0)])
        labels.append(f"Keras TF+XLA, {name}")
        values.append(r)
    return {
        "date": tr["date"], "nb": c["num_blocks"], "hr": c["hr"], "batch": c["batch"],
        "train_table": table(["XLA variant", "XLA_FLAGS", "Keras TF+XLA (s)",
                              "PyTorch all threads (s)", "PyTorch 1 thread (s)",
                              "ratio Keras / PyTorch best", "XLA compile, once (s)"], rows,
                             ["---", "---"] + ["---:"] * 5),
        "figure_train": figure(img_dir, "bench_train_step", labels, values,
                               "FASRGAN training step time / PyTorch eager", TRAIN_MAX),
    }


def profile_train(results, targets, img_dir):
    pr = results["profile_train_step"]
    parts = pr["parts"]
    rows = [[p["part"], f(p["keras"], 3), f(p["pytorch"], 3), f(p["pytorch_1_thread"], 3),
             f(p["keras"] / p["pytorch_best"]), f(p["compile_seconds"], 0)] for p in parts]
    ratio = {p["part"]: p["keras"] / p["pytorch_best"] for p in parts}
    worst, best = max(ratio, key=ratio.get), min(ratio, key=ratio.get)
    return {"date": pr["date"], "worst": worst, "worst_ratio": f"{ratio[worst]:.2f}x",
            "best": best, "best_ratio": f"{ratio[best]:.2f}x",
            "parts_table": table(["part", "Keras XLA (s)", "PyTorch all threads (s)",
                                  "PyTorch 1 thread (s)", "ratio Keras / PyTorch best",
                                  "XLA compile (s)"], rows)}


def tflite(results, targets, img_dir):
    tf = results["bench_tflite"]
    c, t = tf["config"], tf["seconds"]
    ref = t["keras_tf"]
    rows = [["Keras (TF)", f(ref, 3), "1.00", "", "", "", ""]]
    labels, values = [], []
    for m in ("float32", "float16", "dynamic"):
        tm = t[f"tflite_{m}"]
        rows.append([f"TFLite {m}", f(tm, 3), f(tm / ref), f(tm / t["tflite_float32"]),
                     f"{tf['max_diff_vs_keras'][m]:.1e}", f(tf["size_mb"][m], 1),
                     f(tf["convert_seconds"][m], 0)])
        labels.append(f"TFLite {m}")
        values.append(tm / ref)
    q = tf["quality"]
    qrows = []
    for name, modes in q["images"].items():
        k = tf["keras_evaluation"][name]
        qrows.append([name] + [f"{modes[m]['psnr']:.2f} / {modes[m]['ssim']:.4f}"
                               for m in ("float32", "float16", "dynamic")]
                     + [f"{modes[m]['psnr_vs_float32']:.1f}" for m in ("float16", "dynamic")]
                     + [f"{k['psnr']:.2f} / {k['ssim']:.4f}"])
        gap = abs(modes["float32"]["psnr"] - k["psnr"])
        targets.add(f"quantisation table, {name}: float32 TFLite PSNR equals the package's "
                    "evaluation of the Keras model (within 0.01 dB)",
                    f"{modes['float32']['psnr']:.2f} vs {k['psnr']:.2f} dB", gap <= 0.01,
                    "tflite-litert-against-keras")
    return {
        "date": tf["date"], "nb": c["num_blocks"], "size": c["size"],
        "tflite_table": table(["model", "time (s)", "ratio / Keras", "ratio / TFLite float32",
                               "max abs diff vs Keras", "file (MB)", "conversion (s)"], rows),
        "figure_tflite": figure(img_dir, "bench_tflite", labels, values,
                                "TFLite time / Keras TF (lower is faster)"),
        "photo_model": tf["photo_model"], "photo_sha": tf["photo_model_sha256"],
        "quality_table": table(["photo", "float32 PSNR / SSIM", "float16", "dynamic",
                                "float16 vs float32 output (dB)",
                                "dynamic vs float32 output (dB)", "Keras model"], qrows),
    }


def cli(results, targets, img_dir):
    cl = results["bench_cli"]
    rows, text = [], ""
    for engine, r in cl["engines"].items():
        ratio = r["second"] / r["first"]
        rows.append([f"`--engine {engine}`", f(r["first"], 1), f(r["second"], 1), f(ratio)])
        if engine in ("auto", "tflite"):
            targets.add(f"CLI, `--engine {engine}`: second run <= {CLI_MAX}x the first",
                        f"{ratio:.2f}x", ratio <= CLI_MAX, "the-command-line-first-and-second-run")
        for choice in r.get("choices", []):
            text = (f"The default engine's first run chose **{choice['engine']}** "
                    f"({choice['reason']}); the second run read that choice from the cache.")
    return {"date": cl["date"], "size": cl["config"]["size"], "nb": cl["config"]["num_blocks"],
            "cli_table": table(["engine", "first run (s)", "second run (s)",
                                "ratio second / first"], rows, ["---"] + ["---:"] * 3),
            "cli_text": text}


def tiled(results, targets, img_dir):
    tl = results["bench_tiled_upscale"]
    rows = []
    for r in tl["rows"]:
        h, w = r["size"]
        mp = h * w / 1e6
        engine = r["engine"] + (f" ({r['auto_choice']})" if r.get("auto_choice") else "")
        rows.append([f"{w} x {h}", engine, f(r["seconds"], 1), f(r["seconds"] / mp, 1),
                     str(r["tiles"]), f(r["seconds"] / r["tiles"], 2),
                     f(r["seconds"] / r["engine_seconds"], 3), f(r["peak_mib"], 0),
                     f(r["rss_before_mib"], 0), f(r["prepare"] + r["warmup"], 1)])
    for engine in sorted({r["engine"] for r in tl["rows"]}):
        mine = [r for r in tl["rows"] if r["engine"] == engine]
        largest = max(mine, key=lambda r: r["size"][0] * r["size"][1])
        h, w = largest["size"]
        mb = largest["peak_mib"] * 1.048576
        targets.add(f"tiled {w}x{h} nb={tl['num_blocks']}, {engine}: peak RSS < 3 GB",
                    f"{mb:.0f} MB", mb < RSS_MAX_MB, TILED)
        if len(mine) > 1:
            per_mp = [r["seconds"] / (r["size"][0] * r["size"][1] / 1e6) for r in mine]
            spread = max(per_mp) / min(per_mp) - 1
            targets.add(f"tiled nb={tl['num_blocks']}, {engine}: time per MP flat within "
                        f"{pct(FLAT_MAX)} over {len(mine)} sizes",
                        f"{min(per_mp):.0f}-{max(per_mp):.0f} s/MP (+{pct(spread)})",
                        spread <= FLAT_MAX, TILED)
            per_tile = [r["seconds"] / r["tiles"] for r in mine]
            spread = max(per_tile) / min(per_tile) - 1
            targets.add(f"tiled nb={tl['num_blocks']}, {engine}: time per tile flat within "
                        f"{pct(FLAT_MAX)} over {len(mine)} sizes (the work done: a photo whose "
                        "sides are not tile multiples pays for whole edge tiles)",
                        f"{min(per_tile):.2f}-{max(per_tile):.2f} s/tile (+{pct(spread)})",
                        spread <= FLAT_MAX, TILED)
    for fail in tl.get("failures", []):
        rows.append([f"{fail['size'][1]} x {fail['size'][0]}", fail["engine"], "failed"]
                    + [""] * 7)
    return {"date": tl["date"], "nb": tl["num_blocks"], "tile": tl["tile"],
            "tile_pad": tl["tile_pad"], "batch": tl["batch_size"],
            "tiled_table": table(["input (W x H)", "engine", "time (s)", "s / input MP",
                                  "tiles", "s / tile", "upscale / its engine calls", "peak RSS (MiB)",
                                  "RSS before (MiB)", "one-off setup (s)"], rows,
                                 ["---", "---"] + ["---:"] * 8)}


SECTIONS = {
    "machine": (machine, ["machine"]),
    "inference": (inference, ["machine", "bench_inference"]),
    "profile_tflite": (profile_tflite, ["machine", "profile_tflite"]),
    "profile_rrdbnet": (profile_rrdbnet, ["machine", "profile_rrdbnet"]),
    "train": (train, ["bench_train_step"]),
    "profile_train": (profile_train, ["profile_train_step"]),
    "tflite": (tflite, ["bench_tflite"]),
    "cli": (cli, ["bench_cli"]),
    "tiled": (tiled, ["bench_tiled_upscale"]),
}
