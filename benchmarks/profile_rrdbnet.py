"""Where RRDBNet's inference time goes on the Keras/TensorFlow path: a per-op profile.

Not a test. RRDBNet x4 (default nb=4, nf=64, gc=32) on one 96x96 LR input, the graph
`upscale(engine="keras")` runs on TensorFlow (the model in a `tf.function`, no XLA, oneDNN
kernels). The traced function is frozen and run in a TF1 session with a full trace
(`RunOptions.FULL_TRACE`), which records every executed kernel after TensorFlow's graph
rewrites (oneDNN conv fusions). Kernel times are grouped by layer kind: each conv of the
dense blocks (by its input width), the trunk's other convs, the convs at 2x and 4x
resolution, concatenations, LeakyReLUs, residual adds and scales, the nearest upsampling;
convs with their FLOPs (2 x multiply-adds) and achieved GFLOP/s. Median over the traced runs.
A single big conv (256 -> 256 channels at the same size) and a 2048x2048 TensorFlow matmul,
timed in the same run, are reference kernels: what TensorFlow's kernels reach on wide layers.

    python benchmarks/profile_rrdbnet.py [--quick] [--json profile.json]

prints the JSON results; `run_all.py` renders them with `markdown_table`.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"num_blocks": 4, "size": 96, "repeats": 5}
QUICK = {"num_blocks": 2, "size": 32, "repeats": 3}


CONV = re.compile(r"(conv_first|conv_body|conv_up\d|conv_hr|conv_last|rdb\d+\w*/conv(\d))")


def _part(node_name, op):
    """The group of one executed kernel: `(part name, conv layer key or None)`."""
    m = CONV.search(node_name)
    if "Conv2D" in op and re.search(r"rdb\d+\w*/mul$", node_name):
        # TensorFlow folds conv5's residual scale (x5 * 0.2) into it: the node takes the name
        # of the multiply.
        return "dense-block conv5", "conv5"
    if "Conv2D" in op and m:
        if m.group(2):
            return f"dense-block conv{m.group(2)}", f"conv{m.group(2)}"
        return m.group(1), m.group(1)
    if "upsample" in node_name:
        return "nearest upsampling (reshape, concat)", None
    if op == "ConcatV2":
        return "dense-block concatenations", None
    if op == "LeakyRelu":
        return "LeakyReLU", None
    if op in ("AddV2", "Mul"):
        return "residual scale and add", None
    return f"other ({op})", None


def _conv_flops(nb, size, nf=64, gc=32):
    """`{conv key: (description, FLOP of all its instances)}` for RRDBNet x4."""
    lr = size * size
    out = {"conv_first": (f"3->{nf} @ LR", 2 * 9 * 3 * nf * lr),
           "conv_body": (f"{nf}->{nf} @ LR", 2 * 9 * nf * nf * lr),
           "conv_up1": (f"{nf}->{nf} @ 2x LR", 2 * 9 * nf * nf * lr * 4),
           "conv_up2": (f"{nf}->{nf} @ 4x LR", 2 * 9 * nf * nf * lr * 16),
           "conv_hr": (f"{nf}->{nf} @ 4x LR", 2 * 9 * nf * nf * lr * 16),
           "conv_last": (f"{nf}->3 @ 4x LR", 2 * 9 * nf * 3 * lr * 16)}
    for i in range(5):
        cin, cout = nf + i * gc, gc if i < 4 else nf
        out[f"conv{i + 1}"] = (f"{cin}->{cout} @ LR, x{3 * nb}", 2 * 9 * cin * cout * lr * 3 * nb)
    return out


def run(quick=False):
    import time

    import keras
    import numpy as np
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    from common import interleaved_best
    from common import rrdbnet_flops
    from keras_fasrgan.models import RRDBNet

    s = QUICK if quick else FULL
    nb, size = s["num_blocks"], s["size"]
    keras.utils.set_random_seed(0)
    model = RRDBNet(scale=4, num_blocks=nb)
    rng = np.random.default_rng(0)
    x = rng.random((1, size, size, 3), dtype=np.float32)

    fn = tf.function(lambda t: model(t, training=False))
    frozen = convert_variables_to_constants_v2(
        fn.get_concrete_function(tf.TensorSpec(x.shape, tf.float32)))
    graph = tf.Graph()
    with graph.as_default():
        tf.graph_util.import_graph_def(frozen.graph.as_graph_def(), name="")
    feed, fetch = frozen.inputs[0].name, frozen.outputs[0].name
    sess = tf.compat.v1.Session(graph=graph)
    options = tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE)

    big = keras.layers.Conv2D(256, 3, padding="same")
    big_in = tf.constant(rng.random((1, size, size, 256), dtype=np.float32))
    big.build(big_in.shape)
    big_fn = tf.function(lambda t: big(t))
    a = tf.constant(rng.random((2048, 2048), dtype=np.float32))
    b = tf.constant(rng.random((2048, 2048), dtype=np.float32))
    mm = tf.function(tf.linalg.matmul)

    traces, conv_keys = [], {}

    def traced():
        meta = tf.compat.v1.RunMetadata()
        t = time.perf_counter()
        sess.run(fetch, {feed: x}, options=options, run_metadata=meta)
        wall = time.perf_counter() - t
        parts = {}
        for dev in meta.step_stats.dev_stats:
            for node in dev.node_stats:
                op = node.timeline_label.split("=")[-1].split("(")[0].strip()
                name, key = _part(node.node_name, op)
                if key:
                    conv_keys[name] = key
                if op in ("Const", "NoOp", "_Arg", "_Retval", "Identity"):
                    continue
                parts[name] = parts.get(name, 0.0) + node.all_end_rel_micros * 1e-6
        traces.append({"wall": wall, "parts": parts})

    times = interleaved_best({
        "keras_tf_function": lambda: fn(x).numpy(),
        "frozen_session": lambda: sess.run(fetch, {feed: x}),
        "traced_session": traced,
        "big_conv": lambda: big_fn(big_in).numpy(),
        "matmul_2048": lambda: mm(a, b).numpy(),
    }, repeats=s["repeats"])
    sess.close()
    traces = traces[1:]  # the first is the warm-up
    names = sorted({n for t in traces for n in t["parts"]})
    parts = {n: float(np.median([t["parts"].get(n, 0.0) for t in traces])) for n in names}
    flops = _conv_flops(nb, size)
    rows = []
    for n, sec in parts.items():
        key = conv_keys.get(n)
        row = {"part": n, "seconds": sec}
        if key in flops:
            row["shape"], row["flop"] = flops[key]
            row["gflops"] = row["flop"] / sec / 1e9
        rows.append(row)
    rows.sort(key=lambda r: -r["seconds"])
    return {
        "config": {"num_blocks": nb, "size": size, "filters": 64, "growth": 32},
        "model_flop": rrdbnet_flops(size, size, nb), "seconds": times,
        "sum_of_kernels": sum(parts.values()),
        "ceilings": {"big_conv": {"shape": f"256->256 @ {size}x{size}",
                                  "flop": 2.0 * 9 * 256 * 256 * size * size},
                     "matmul_2048": {"shape": "2048x2048", "flop": 2.0 * 2048**3}},
        "rows": rows}


def markdown_table(results, peak):
    """The profile as Markdown lines: one row per part, with its share of the kernel time
    (`peak`: the theoretical GFLOP/s of the machine, or None)."""
    total = results["sum_of_kernels"]

    def pct(gf):
        return f"{100 * gf / peak:.0f}%" if peak else "n/a"

    lines = ["| part | convs (in->out @ resolution) | GFLOP | time (ms) | share of kernel time | "
             "GFLOP/s | % theoretical peak |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in results["rows"]:
        gf = r.get("gflops")
        conv = ("", "", "") if gf is None else (f"{r['flop'] / 1e9:.2f}", f"{gf:.0f}", pct(gf))
        lines.append(f"| {r['part']} | {r.get('shape', '')} | {conv[0]} | "
                     f"{1e3 * r['seconds']:.1f} | {100 * r['seconds'] / total:.0f}% | "
                     f"{conv[1]} | {conv[2]} |")
    t = results["seconds"]
    whole = results["model_flop"] / t["keras_tf_function"] / 1e9
    lines.append(f"| **sum of the parts** (traced) | | | {1e3 * total:.1f} | 100% | | |")
    lines.append(f"| **whole model** (`tf.function`, untraced) | | "
                 f"{results['model_flop'] / 1e9:.2f} | {1e3 * t['keras_tf_function']:.1f} | | "
                 f"{whole:.0f} | {pct(whole)} |")
    for key, c in results["ceilings"].items():
        gf = c["flop"] / t[key] / 1e9
        lines.append(f"| reference kernel: {key.replace('_', ' ')} | {c['shape']} | "
                     f"{c['flop'] / 1e9:.2f} | {1e3 * t[key]:.1f} | | {gf:.0f} | {pct(gf)} |")
    return lines


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
