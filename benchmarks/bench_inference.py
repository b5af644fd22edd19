"""RRDBNet inference: `upscale()` and its engines against eager PyTorch, same weights.

Not a test. For each configuration, in one process (TensorFlow backend), timed interleaved,
best of N:

- PyTorch eager (`torch.inference_mode`, the official network in `torch.nn`), 2 and 1 threads;
- the bare engines on the LR batch: `keras` (the model in a `tf.function`, oneDNN), `keras_xla`
  (the same with `jit_compile=True`; its compile time is measured apart), `tflite` (the
  float32 conversion run by LiteRT/XNNPACK, all threads and one thread);
- `upscale(model, image, engine=E)` for `auto`, `keras` and `tflite`: what a user calls;
  `auto` first runs its probe, and its choice and reason are recorded.

The wrapper's cost is measured twice: `upscale` against the bare engine (two timings), and
within each `upscale` call as its wall time over the time spent inside the engine (one timing,
immune to load changes between runs). Then every Keras backend (TensorFlow, JAX, PyTorch)
runs in its own subprocess (`KERAS_BACKEND` set), timing `upscale(engine="keras")` against
PyTorch eager in that same process at 2 and 1 threads; on PyTorch also the Keras model at
one thread, compiled with `torch.compile` (`KerasEngine(model, jit_compile=True)`, compile
time apart), and a profile of where the eager Keras-torch model spends its time.

    python benchmarks/bench_inference.py [--quick] [--json results.json]
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FULL = {"configs": [(23, 64, 64), (4, 96, 96)], "backend_config": (4, 96, 96), "repeats": 4}
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


class EngineClock:
    """Wraps the cached engines of a model so that the time spent inside them is summed."""

    def __init__(self, model):
        from keras_fasrgan.inference import engines

        self.seconds = 0.0
        self._entry = engines._entry(model)

    def install(self):
        for name in ("keras", "tflite"):
            inner = getattr(self._entry, name)
            if inner is not None and not isinstance(inner, _Clocked):
                setattr(self._entry, name, _Clocked(inner, self))

    def measure(self, fn):
        """`(wall seconds of fn(), seconds inside the engines during it)`."""
        self.install()
        self.seconds = 0.0
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t, self.seconds


class _Clocked:
    def __init__(self, inner, clock):
        self.inner, self.clock = inner, clock
        self.name = inner.name
        self.content = getattr(inner, "content", None)

    def __call__(self, batch):
        t = time.perf_counter()
        out = self.inner(batch)
        self.clock.seconds += time.perf_counter() - t
        return out


def compare(num_blocks, height, width, repeats):
    """Times PyTorch eager, the bare engines and `upscale` on one RRDBNet configuration."""
    import numpy as np

    from common import interleaved_best
    from common import rrdbnet_flops
    from keras_fasrgan.inference import KerasEngine
    from keras_fasrgan.inference import TFLiteEngine
    from keras_fasrgan.inference import get_engine
    from keras_fasrgan.inference import upscale

    model, image = _model_and_input(num_blocks, height, width)
    torch_run, torch_output = _torch_runner(model, image)
    batch = image[None]
    keras_run = get_engine(model, "keras")
    keras_out = keras_run(batch)[0]
    t = time.perf_counter()
    tflite = get_engine(model, "tflite")
    convert_seconds = time.perf_counter() - t
    tflite_1t = TFLiteEngine(tflite.content, num_threads=1)
    t = time.perf_counter()
    upscale(model, image, engine="auto")  # the probe happens here (first call of a shape)
    probe_seconds = time.perf_counter() - t
    auto = get_engine(model, "auto")
    choice = auto.choices[batch.shape]
    xla = KerasEngine(model, jit_compile=True)
    t = time.perf_counter()
    xla_out = xla(batch)[0]
    xla_first = time.perf_counter() - t
    times = interleaved_best({
        "pytorch_eager": torch_run,
        "pytorch_eager_1_thread": lambda: torch_run(1),
        "keras": lambda: keras_run(batch),
        "keras_xla": lambda: xla(batch),
        "tflite": lambda: tflite(batch),
        "tflite_1_thread": lambda: tflite_1t(batch),
        "upscale_auto": lambda: upscale(model, image, engine="auto"),
        "upscale_keras": lambda: upscale(model, image, engine="keras"),
        "upscale_tflite": lambda: upscale(model, image, engine="tflite"),
    }, repeats=repeats)
    # The reference is PyTorch's best thread setting: OpenMP's spinning threads collapse when
    # other processes share the cores, and one thread is then faster than two.
    times["pytorch_best"] = min(times["pytorch_eager"], times["pytorch_eager_1_thread"])
    clock = EngineClock(model)
    inside = {}
    for name in ("auto", "keras", "tflite"):
        runs = [clock.measure(lambda n=name: upscale(model, image, engine=n))
                for _ in range(repeats)]
        wall, engine = min(runs)
        inside[name] = {"wall": wall, "engine": engine}
    flops = rrdbnet_flops(height, width, num_blocks)
    return {
        "num_blocks": num_blocks, "height": height, "width": width, "gflop": flops / 1e9,
        "auto": {k: v for k, v in choice.items()}, "probe_seconds": probe_seconds,
        "tflite_convert_seconds": convert_seconds,
        "xla_compile_seconds": xla_first - times["keras_xla"],
        "seconds": times, "inside_upscale": inside,
        "gflops": {k: flops / t / 1e9 for k, t in times.items()},
        "max_diff_tflite_vs_keras": float(np.abs(tflite(batch)[0] - keras_out).max()),
        "max_diff_xla_vs_keras": float(np.abs(xla_out - keras_out).max()),
        "output_range": [float(keras_out.min()), float(keras_out.max())],
        "max_diff_torch_vs_keras": float(np.abs(torch_output() - keras_out).max()),
    }


def _torch_profile(model, image):
    """Shares of the Keras-torch forward pass by kind of kernel (torch.profiler, one call)."""
    import torch

    groups = (("convolution", ("conv",)), ("layout copies (NHWC <-> NCHW)",
              ("copy", "clone", "contiguous")), ("concatenation", ("cat",)),
              ("bias add, residual add/scale", ("add", "mul")), ("LeakyReLU", ("leaky",)))
    x = torch.from_numpy(image[None])
    with torch.inference_mode(), torch.profiler.profile() as prof:
        model(x, training=False)
    totals = {}
    for event in prof.key_averages():
        name = event.key.replace("aten::", "")
        group = next((g for g, keys in groups if any(k in name for k in keys)), None)
        if group:
            totals[group] = totals.get(group, 0.0) + event.self_cpu_time_total * 1e-6
    everything = sum(e.self_cpu_time_total for e in prof.key_averages()) * 1e-6
    totals["other"] = max(0.0, everything - sum(totals.values()))
    return totals


def backend_worker(num_blocks, height, width, repeats):
    """In a process with KERAS_BACKEND set: the backend's own path vs PyTorch eager."""
    import keras

    from common import interleaved_best
    from common import rrdbnet_flops
    from keras_fasrgan.inference import KerasEngine
    from keras_fasrgan.inference import upscale

    model, image = _model_and_input(num_blocks, height, width)
    torch_run, _ = _torch_runner(model, image)
    backend = keras.backend.backend()
    all_threads = os.cpu_count() or 1

    def at(threads, fn):
        """`fn` run with PyTorch set to `threads` (it sets them globally, for every caller)."""
        import torch

        def run():
            torch.set_num_threads(threads)
            return fn()

        return run

    candidates = {"pytorch_eager": torch_run, "pytorch_eager_1_thread": lambda: torch_run(1),
                  "keras": at(all_threads, lambda: upscale(model, image, engine="keras")),
                  "keras_predict_on_batch": at(all_threads,
                                               lambda: model.predict_on_batch(image[None]))}
    extra = {}
    if backend == "torch":
        candidates["keras_1_thread"] = at(1, lambda: upscale(model, image, engine="keras"))
        compiled = KerasEngine(model, jit_compile=True)  # torch.compile
        t = time.perf_counter()
        at(all_threads, lambda: compiled(image[None]))()
        extra["torch_compile_first_call_seconds"] = time.perf_counter() - t
        candidates["keras_torch_compile"] = at(all_threads, lambda: compiled(image[None]))
        upscale(model, image, engine="keras")
        extra["profile_seconds"] = _torch_profile(model, image)
    times = interleaved_best(candidates, repeats=repeats)
    times["pytorch_best"] = min(times["pytorch_eager"], times["pytorch_eager_1_thread"])
    flops = rrdbnet_flops(height, width, num_blocks)
    return {"backend": backend, "num_blocks": num_blocks, "height": height, "width": width,
            "seconds": times, "gflops": {k: flops / t / 1e9 for k, t in times.items()}, **extra}


def run(quick=False):
    settings = QUICK if quick else FULL
    results = {"cpus": os.cpu_count(), "configs": []}
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
