"""TFLite float32 / float16 / dynamic-range against Keras: speed, max difference, PSNR cost.

Not a test. Speed and max |difference| on RRDBNet (nb=4, nf=64; random weights with an
image-like output range) for one LR input, the `keras` engine of `upscale` (a TensorFlow
`tf.function`, oneDNN, no XLA) as the reference, interleaved, best of N. What quantisation
costs in PSNR / SSIM is measured with `keras_fasrgan.export.tflite_quality` (the package's own
evaluation protocol: `upscale` of each held-out built-in photo's x4 MATLAB-bicubic LR, Y
channel, border 4) with the shipped `demo_x4` generator; the float32 row is checked against
the Keras model evaluated the same way (`keras_fasrgan.demo.evaluate_generators`), and the
preset's weights file is fingerprinted so that the page says which model was measured.

    python benchmarks/bench_tflite.py [--quick] [--json results.json]
"""

import hashlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"num_blocks": 4, "size": 96, "repeats": 3, "photo_crop": None}
QUICK = {"num_blocks": 2, "size": 48, "repeats": 2, "photo_crop": 128}
MODES = ("float32", "float16", "dynamic")


def _preset_fingerprint(name):
    from keras_fasrgan.presets import PRESET_DIR

    with open(os.path.join(PRESET_DIR, f"{name}.weights.h5"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def run(quick=False):
    import numpy as np

    from bench_inference import _model_and_input
    from common import interleaved_best
    from keras_fasrgan.data import SAMPLE_HELDOUT
    from keras_fasrgan.data import sample_pairs
    from keras_fasrgan.demo import evaluate_generators
    from keras_fasrgan.export import make_interpreter
    from keras_fasrgan.export import run_tflite
    from keras_fasrgan.export import tflite_bytes
    from keras_fasrgan.export import tflite_quality
    from keras_fasrgan.inference import get_engine
    from keras_fasrgan.loading import load_generator

    s = QUICK if quick else FULL
    model, image = _model_and_input(s["num_blocks"], s["size"], s["size"])
    batch = image[None]
    keras_run = get_engine(model, "keras")
    reference = keras_run(batch)
    interpreters, sizes, convert = {}, {}, {}
    for mode in MODES:
        t = time.perf_counter()
        content = tflite_bytes(model, quantize=None if mode == "float32" else mode)
        convert[mode] = time.perf_counter() - t
        sizes[mode] = len(content) / 1e6
        interpreters[mode] = make_interpreter(content)
    candidates = {"keras_tf": lambda: keras_run(batch)}
    for mode, interp in interpreters.items():
        candidates[f"tflite_{mode}"] = (lambda i=interp: run_tflite(i, batch))
    times = interleaved_best(candidates, repeats=s["repeats"])
    diffs = {m: float(np.abs(run_tflite(i, batch) - reference).max())
             for m, i in interpreters.items()}

    net = load_generator("demo_x4")
    pairs = sample_pairs(SAMPLE_HELDOUT)
    if s["photo_crop"]:
        c = s["photo_crop"]
        pairs = {n: (lr[: c // 4, : c // 4], hr[:c, :c]) for n, (lr, hr) in pairs.items()}
    quality = tflite_quality(net, pairs, MODES)
    keras_eval, _ = evaluate_generators({"keras": net}, pairs)
    return {"config": {k: v for k, v in s.items() if k != "repeats"}, "seconds": times,
            "max_diff_vs_keras": diffs, "size_mb": sizes, "convert_seconds": convert,
            "photo_model": "demo_x4", "photo_model_sha256": _preset_fingerprint("demo_x4"),
            "photo_model_config": net.get_config(), "quality": quality,
            "keras_evaluation": {n: keras_eval["images"][n]["keras"] for n in pairs}}


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
