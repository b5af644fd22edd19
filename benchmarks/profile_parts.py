"""The placeholders of the two profile sections of the benchmark page (see `page.py`)."""

from page_sections import f
from page_sections import pct
from page_sections import table


def _of_peak(gflops, peak):
    return pct(gflops / peak) if peak else "n/a"


def tflite_values(pr, peak):
    """The TFLite/XNNPACK per-operator profile (`profile_tflite.py`)."""
    parts, total = pr["parts"], pr["sum_of_parts"]
    convs = [p for p in parts if "gflops" in p]
    conv_time = sum(p["seconds"] for p in convs)
    conv_flop = sum(p["flop"] for p in convs)
    last = next(p for p in parts if p["part"].startswith("conv_last"))
    widest = max(convs, key=lambda p: p["gflops"])
    rows = [[p["part"], p["count"], p.get("shape", ""), f(p["flop"] / 1e9) if "flop" in p else "",
             f(1e3 * p["seconds"], 1), pct(p["seconds"] / total),
             f(p["gflops"], 0) if "gflops" in p else "",
             _of_peak(p["gflops"], peak) if "gflops" in p else ""] for p in parts]
    whole = pr["model_flop"] / pr["whole_seconds"] / 1e9
    rows.append(["**sum of the parts**", "", "", "", f(1e3 * total, 1), "100%", "", ""])
    rows.append(["**whole network** (one interpreter)", "", "", f(pr["model_flop"] / 1e9),
                 f(1e3 * pr["whole_seconds"], 1), "", f(whole, 0), _of_peak(whole, peak)])
    size = pr["config"]["size"]
    batching = ", ".join(f"{k} tile{'s' if int(k) > 1 else ''} {pr['model_flop'] / v / 1e9:.0f}"
                         for k, v in sorted(pr["batching"].items(), key=lambda kv: int(kv[0])))
    return {
        "date": pr["date"], "nb": pr["config"]["num_blocks"], "size": size,
        "parts_table": table(["part", "count", "conv (in->out @ size)", "GFLOP", "time (ms)",
                              "share", "GFLOP/s", "% of peak"], rows,
                             ["---"] + ["---:"] + ["---"] + ["---:"] * 5),
        "conv_share": pct(conv_time / total), "conv_rate": f(conv_flop / conv_time / 1e9, 0),
        "conv_peak": _of_peak(conv_flop / conv_time / 1e9, peak),
        "glue_share": pct((total - conv_time) / total), "last_share": pct(last["seconds"] / total),
        "last_rate": f(last["gflops"], 0), "best_conv_rate": f(widest["gflops"], 0),
        "best_conv_peak": _of_peak(widest["gflops"], peak), "whole_rate": f(whole, 0),
        "whole_peak": _of_peak(whole, peak), "parts_vs_whole": f"{total / pr['whole_seconds']:.2f}x",
        "latest_ratio": f"{pr['latest_features_seconds'] / pr['whole_seconds']:.2f}x",
        "batching": batching,
    }


def rrdbnet_values(pr, peak):
    """The Keras/TensorFlow per-kernel profile (`profile_rrdbnet.py`)."""
    from profile_rrdbnet import markdown_table

    rows, total, t = pr["rows"], pr["sum_of_kernels"], pr["seconds"]
    convs = [r for r in rows if "gflops" in r]
    conv_time = sum(r["seconds"] for r in convs)
    other = sorted(((r["part"], r["seconds"]) for r in rows if "gflops" not in r),
                   key=lambda kv: -kv[1])
    whole = pr["model_flop"] / t["keras_tf_function"] / 1e9
    ceilings = {k: c["flop"] / t[k] / 1e9 for k, c in pr["ceilings"].items()}
    return {
        "date": pr["date"], "nb": pr["config"]["num_blocks"], "size": pr["config"]["size"],
        "profile_table": "\n".join(markdown_table(pr, peak)),
        "conv_share": pct(conv_time / total), "glue_share": pct(1 - conv_time / total),
        "glue_parts": ", ".join(f"{k} {pct(v / total)}" for k, v in other),
        "whole_rate": f(whole, 0), "whole_peak": _of_peak(whole, peak),
        "ceil_conv": f(ceilings["big_conv"], 0), "ceil_mm": f(ceilings["matmul_2048"], 0),
    }
