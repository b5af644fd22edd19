"""RRDBNet inference: `keras_fasrgan.inference.upscale` against eager PyTorch, same weights.

Not a test. For each configuration, in one process (TensorFlow backend):

- `upscale(engine="auto")`: what a user gets (on a CPU-only TensorFlow: the Keras model on
  AVX-512 CPUs, LiteRT/XNNPACK on the others; `resolve_engine`),
- `upscale(engine="keras")`: the Keras model in a `tf.function` (oneDNN kernels, no XLA),
- the TFLite float32 engine (LiteRT/XNNPACK) with all threads and with one thread,
- PyTorch eager (`torch.inference_mode`, the official network written with `torch.nn`),

timed interleaved, best of N, plus GFLOP/s against the float32 matmul peak measured in the
same run and the theoretical peak from lscpu. Then every Keras backend (TensorFlow, JAX,
PyTorch) runs in its own subprocess with `KERAS_BACKEND` set, timing its own path
(`upscale(engine="keras")`) against PyTorch eager in that same process.

    python benchmarks/bench_inference.py [--quick] [--json results.json]
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"configs": [(23, 64, 64), (4, 96, 96)], "backend_config": (4, 96, 96), "repeats": 3}
QUICK = {"configs": [(4, 48, 48)], "backend_config": (2, 32, 32), "repeats": 2}


def _model_and_input(num_blocks, height, width):
    import keras
    import numpy as np

    from keras_fasrgan.models import RRDBNet

    keras.utils.set_random_seed(0)
    model = RRDBNet(scale=4, num_blocks=num_blocks)
    image = np.random.default_rng(0).random((height, width, 3)).astype(np.float32)
    # The 0.1-scaled training init gives outputs of ~1e-4; rescale the last conv so outputs
    # have an image-like range (std ~0.25 around 0.5) and absolute differences mean something.
    out = np.asarray(model.predict_on_batch(image[None, :16, :16]))
    last = model.get_layer("conv_last")
    last.kernel.assign(last.kernel * (0.25 / max(float(out.std()), 1e-12)))
    last.bias.assign(last.bias + 0.5)
    return model, image


def _torch_runner(model, image):
    import numpy as np
    import torch

    from common import torch_rrdbnet_from_keras

    torch.set_flush_denormal(True)  # as TensorFlow and XNNPACK do
    net = torch_rrdbnet_from_keras(model)
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)[None]))

    def run(threads=os.cpu_count() or 1):
        torch.set_num_threads(threads)
        with torch.inference_mode():
            return net(x)

    def output():
        return run()[0].numpy().transpose(1, 2, 0)

    return run, output


def compare(num_blocks, height, width, repeats):
    """Times upscale(auto), upscale(keras) and PyTorch eager on one RRDBNet configuration."""
    import numpy as np

    from common import interleaved_best
    from common import rrdbnet_flops
    from keras_fasrgan.inference import TFLiteEngine
    from keras_fasrgan.inference import get_engine
    from keras_fasrgan.inference import resolve_engine
    from keras_fasrgan.inference import upscale

    model, image = _model_and_input(num_blocks, height, width)
    torch_run, torch_output = _torch_runner(model, image)
    batch = image[None]
    # Raw network outputs (before upscale's clip) for the accuracy checks.
    keras_out = get_engine(model, "keras")(batch)[0]
    auto = resolve_engine("auto")
    auto_out = get_engine(model, "auto")(batch)[0]
    tflite = get_engine(model, "tflite")
    tflite_1t = TFLiteEngine(model, num_threads=1)
    times = interleaved_best({
        "pytorch_eager": torch_run,
        "pytorch_eager_1_thread": lambda: torch_run(1),
        "upscale_auto": lambda: upscale(model, image, engine="auto"),
        "upscale_keras": lambda: upscale(model, image, engine="keras"),
        "tflite": lambda: tflite(batch),
        "tflite_1_thread": lambda: tflite_1t(batch),
    }, repeats=repeats)
    # The reference is PyTorch's best thread setting: OpenMP's spinning threads collapse when
    # other processes share the cores, and one thread is then faster than two.
    times["pytorch_best"] = min(times["pytorch_eager"], times["pytorch_eager_1_thread"])
    flops = rrdbnet_flops(height, width, num_blocks)
    return {
        "num_blocks": num_blocks, "height": height, "width": width, "gflop": flops / 1e9,
        "auto_engine": auto, "seconds": times,
        "gflops": {k: flops / t / 1e9 for k, t in times.items()},
        "max_diff_auto_vs_keras": float(np.abs(auto_out - keras_out).max()),
        "output_range": [float(keras_out.min()), float(keras_out.max())],
        "max_diff_torch_vs_keras": float(np.abs(torch_output() - keras_out).max()),
    }


def backend_worker(num_blocks, height, width, repeats):
    """In a process with KERAS_BACKEND set: the backend's own path vs PyTorch eager."""
    import keras

    from common import interleaved_best
    from common import rrdbnet_flops
    from keras_fasrgan.inference import upscale

    model, image = _model_and_input(num_blocks, height, width)
    torch_run, _ = _torch_runner(model, image)
    times = interleaved_best({
        "pytorch_eager": torch_run,
        "pytorch_eager_1_thread": lambda: torch_run(1),
        "keras": lambda: upscale(model, image, engine="keras"),
    }, repeats=repeats)
    times["pytorch_best"] = min(times["pytorch_eager"], times["pytorch_eager_1_thread"])
    flops = rrdbnet_flops(height, width, num_blocks)
    return {"backend": keras.backend.backend(), "num_blocks": num_blocks, "height": height,
            "width": width, "seconds": times,
            "gflops": {k: flops / t / 1e9 for k, t in times.items()}}


def run(quick=False):
    from common import measured_matmul_peak
    from common import theoretical_peak

    settings = QUICK if quick else FULL
    peak, peak_text = theoretical_peak()
    results = {"matmul_peak_gflops": measured_matmul_peak(), "theoretical_peak_gflops": peak,
               "theoretical_peak_text": peak_text, "cpus": os.cpu_count(), "configs": []}
    for config in settings["configs"]:
        print(f"# inference nb={config[0]} {config[1]}x{config[2]}", file=sys.stderr, flush=True)
        results["configs"].append(compare(*config, repeats=settings["repeats"]))
    results["backends"] = []
    for backend in ("tensorflow", "jax", "torch"):
        print(f"# inference backend {backend}", file=sys.stderr, flush=True)
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        nb, h, w = settings["backend_config"]
        cmd = [sys.executable, __file__, "--worker", str(nb), str(h), str(w),
               str(settings["repeats"])]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode or not lines:
            results["backends"].append({"backend": backend, "error": proc.stderr[-1500:]})
        else:
            results["backends"].append(json.loads(lines[-1]))
    return results


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0], worker=backend_worker)


if __name__ == "__main__":
    sys.exit(main())
