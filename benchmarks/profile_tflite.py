"""Where RRDBNet's time goes on the TFLite/XNNPACK path: a per-op profile, and what the
XNNPACK options and batching change.

Not a test. LiteRT's Python interpreter does not report per-operator times, so each distinct
operator of the converted RRDBNet x4 (default nb=4, nf=64, gc=32, one 96x96 LR input) is
converted alone at its exact shape (a one-op Keras model -> TFLite) and timed with XNNPACK
at all threads, best of N; its time is multiplied by how often it occurs in the network. The
whole converted network is timed in the same run, so the sum of the parts can be compared
with it. Convolutions get their FLOP (2 x multiply-adds) and GFLOP/s. Then the whole network
runs with XNNPACK's latest-features flag, and with the same LR pixels cut into 1, 2 and 4
tiles per batch.

    python benchmarks/profile_tflite.py [--quick] [--json profile.json]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"num_blocks": 4, "size": 96, "repeats": 5}
QUICK = {"num_blocks": 2, "size": 32, "repeats": 3}


def _parts(nb, size, nf=64, gc=32):
    """`[(part, count, input shapes, layer factory, conv (cin, cout) or None)]`."""
    import keras

    from keras_fasrgan.layers import NearestUpsample
    from keras_fasrgan.layers import conv3x3

    def conv(cout):
        return lambda: conv3x3(cout)

    def lrelu():
        return lambda: keras.layers.LeakyReLU(0.2)

    def concat():
        return lambda: keras.layers.Concatenate(axis=-1)

    def scale_add():
        return lambda: keras.layers.Lambda(lambda t: t[0] * 0.2 + t[1])

    lr, x2, x4 = (size, size), (2 * size, 2 * size), (4 * size, 4 * size)
    rdbs = 3 * nb
    parts = [("conv_first", 1, [(*lr, 3)], conv(nf), (3, nf))]
    for k in range(5):
        cin, cout = nf + k * gc, (gc if k < 4 else nf)
        parts.append((f"dense-block conv{k + 1}", rdbs, [(*lr, cin)], conv(cout), (cin, cout)))
    for k in range(1, 5):
        parts.append((f"dense-block concat -> {nf + k * gc}", rdbs,
                      [(*lr, nf + (k - 1) * gc), (*lr, gc)], concat(), None))
    parts += [
        ("dense-block LeakyReLU (32 ch)", 4 * rdbs, [(*lr, gc)], lrelu(), None),
        ("residual scale + add (x 0.2 + y)", rdbs + nb, [(*lr, nf), (*lr, nf)], scale_add(),
         None),
        ("conv_body", 1, [(*lr, nf)], conv(nf), (nf, nf)),
        ("nearest upsampling x2 (LR -> 2x)", 1, [(*lr, nf)], lambda: NearestUpsample(2), None),
        ("conv_up1 (2x)", 1, [(*x2, nf)], conv(nf), (nf, nf)),
        ("nearest upsampling x2 (2x -> 4x)", 1, [(*x2, nf)], lambda: NearestUpsample(2), None),
        ("conv_up2, conv_hr (4x)", 2, [(*x4, nf)], conv(nf), (nf, nf)),
        ("LeakyReLU at 2x and 4x", 1, [(*x2, nf)], lrelu(), None),
        ("LeakyReLU at 2x and 4x", 2, [(*x4, nf)], lrelu(), None),
        ("conv_last (4x, 64 -> 3)", 1, [(*x4, nf)], conv(3), (nf, 3)),
    ]
    return parts


def _one_op_content(shapes, factory):
    """The TFLite flatbuffer of one layer at fixed input shapes (batch 1)."""
    import keras
    import tensorflow as tf

    from keras_fasrgan.export import tflite_bytes

    layer = factory()
    if len(shapes) == 1:
        inputs = keras.Input(shape=shapes[0], batch_size=1)
        return tflite_bytes(keras.Model(inputs, layer(inputs)))
    # Weightless layers with two inputs: a tf.function converts them directly (the SavedModel
    # route of `tflite_bytes` serves one input).
    fn = tf.function(lambda *xs: layer(list(xs)),
                     input_signature=[tf.TensorSpec((1, *s), tf.float32) for s in shapes])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()])
    return converter.convert()


def _runner(content, batches, **options):
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=content, num_threads=os.cpu_count() or 1, **options)
    details = interpreter.get_input_details()
    for d, b in zip(details, batches):
        if tuple(d["shape"]) != b.shape:
            interpreter.resize_tensor_input(d["index"], b.shape, strict=True)
    interpreter.allocate_tensors()

    def run():
        for d, b in zip(details, batches):
            interpreter.set_tensor(d["index"], b)
        interpreter.invoke()

    return run


def run(quick=False):
    import numpy as np

    from bench_inference import _model_and_input
    from common import interleaved_best
    from common import rrdbnet_flops
    from keras_fasrgan.export import tflite_bytes

    s = QUICK if quick else FULL
    nb, size = s["num_blocks"], s["size"]
    rng = np.random.default_rng(0)
    model, image = _model_and_input(nb, size, size)
    whole = tflite_bytes(model)
    candidates = {"whole network": _runner(whole, [image[None]])}
    rows = []
    for name, count, shapes, factory, conv in _parts(nb, size):
        batches = [rng.random((1, *shape), dtype=np.float32) for shape in shapes]
        key = f"{name} {shapes[0][0]}"
        candidates[key] = _runner(_one_op_content(shapes, factory), batches)
        rows.append({"part": name, "key": key, "count": count, "shape": shapes[0], "conv": conv})
    half = size // 2
    for tiles, shape in ((1, (1, size, size, 3)), (2, (2, size, half, 3)), (4, (4, half, half, 3))):
        candidates[f"batch {tiles}"] = _runner(whole, [rng.random(shape, dtype=np.float32)])
    candidates["latest features flag"] = _runner(
        whole, [image[None]], experimental_default_delegate_latest_features=True)
    times = interleaved_best(candidates, repeats=s["repeats"])
    merged = {}
    for r in rows:
        seconds = times[r["key"]] * r["count"]
        m = merged.setdefault(r["part"], {"part": r["part"], "seconds": 0.0, "count": 0})
        m["seconds"] += seconds
        m["count"] += r["count"]
        if r["conv"]:
            cin, cout = r["conv"]
            h, w = r["shape"][:2]
            m["flop"] = m.get("flop", 0.0) + 2.0 * 9 * cin * cout * h * w * r["count"]
            m["shape"] = f"{cin}->{cout} @ {h}x{w}"
    parts = sorted(merged.values(), key=lambda m: -m["seconds"])
    for m in parts:
        if "flop" in m:
            m["gflops"] = m["flop"] / m["seconds"] / 1e9
    flop = rrdbnet_flops(size, size, nb)
    return {"config": {"num_blocks": nb, "size": size}, "model_flop": flop,
            "whole_seconds": times["whole network"], "parts": parts,
            "sum_of_parts": sum(m["seconds"] for m in parts),
            "batching": {k: times[f"batch {k}"] for k in (1, 2, 4)},
            "latest_features_seconds": times["latest features flag"]}


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
