"""TFLite float32 / float16 / dynamic-range against Keras: speed, max difference, PSNR cost.

Not a test. Speed and max |difference| on RRDBNet (nb=4, nf=64; random weights with an
image-like output range) for one LR input, Keras (a TensorFlow `tf.function`, oneDNN, no XLA:
the `keras` engine of `upscale`) as the reference, interleaved,
best of N. The PSNR that quantisation costs is measured on real photos (the built-in held-out
sample photos, x4 MATLAB-bicubic LR) with a trained generator: the `demo_x4` preset when it is
installed (else the random network, where only the PSNR against float32 is meaningful).

    python benchmarks/bench_tflite.py [--quick] [--json results.json]
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"num_blocks": 4, "size": 96, "repeats": 3, "photo_crop": None}
QUICK = {"num_blocks": 2, "size": 48, "repeats": 2, "photo_crop": 128}
MODES = ("float32", "float16", "dynamic")


def run(quick=False):
    import numpy as np

    from bench_inference import _model_and_input
    from common import interleaved_best
    from keras_fasrgan.data import bicubic_lr
    from keras_fasrgan.data import sample_images
    from keras_fasrgan.export import make_interpreter
    from keras_fasrgan.export import run_tflite
    from keras_fasrgan.export import tflite_bytes
    from keras_fasrgan.inference import get_engine
    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.presets import available_presets

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

    # PSNR on real photos with a trained generator.
    trained = "demo_x4" in available_presets()
    if trained:
        from keras_fasrgan.loading import load_generator

        net = load_generator("demo_x4")
    else:
        net = model
    photo_interp = {m: make_interpreter(tflite_bytes(net, quantize=None if m == "float32" else m))
                    for m in MODES}
    photos = {}
    for name, hr in sample_images(["astronaut", "coffee"]).items():
        if s["photo_crop"]:
            hr = hr[: s["photo_crop"], : s["photo_crop"]]
        hr, lr = bicubic_lr(hr, 4)
        x = (lr.astype(np.float32) / 255.0)[None]
        outs = {m: np.clip(run_tflite(i, x)[0], 0, 1) for m, i in photo_interp.items()}
        u8 = {m: (o * 255).round().astype(np.uint8) for m, o in outs.items()}
        photos[name] = {
            "psnr_vs_hr": {m: psnr(u8[m], hr, crop_border=4) for m in MODES},
            "psnr_vs_float32": {m: psnr(u8[m], u8["float32"], crop_border=4)
                                for m in MODES if m != "float32"},
        }
    return {"config": {k: v for k, v in s.items() if k != "repeats"}, "seconds": times,
            "max_diff_vs_keras": diffs, "size_mb": sizes, "convert_seconds": convert,
            "photo_model": "demo_x4" if trained else "random RRDBNet", "photos": photos}


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
