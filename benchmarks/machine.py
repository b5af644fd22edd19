"""The machine a benchmark run measured on: CPU, flags that matter, cores, clock and peak.

Not a test. The theoretical float32 peak is cores x FLOP per cycle x clock:

- FLOP per cycle per core from the micro-architecture (2 FLOP per FMA lane):
  AMD family 25 (Zen 3, Zen 4) and family 23 models >= 0x30 (Zen 2): two 256-bit FMA pipes,
  32 (Zen 4 runs AVX-512 instructions on those same 256-bit pipes, so AVX-512 does not
  double it); AMD family 26 (Zen 5): two 512-bit pipes, 64; older AMD: 16; Intel with
  AVX-512: 64 (two 512-bit FMA units assumed; some parts have one); Intel AVX2 + FMA: 32.
- The clock: the highest of /proc/cpuinfo's "cpu MHz", lscpu's "CPU max MHz" (often absent
  in a VM) and, when a C compiler is present, a measured one: a chain of dependent integer
  adds (one per cycle) timed for 0.1 s, best of 15 tries. Contention from other processes
  only makes the measured clock look lower, so the best try is a lower bound of the clock
  the cores really ran at (turbo included, which a VM's "cpu MHz" hides).

A float32 2048x2048 matmul in PyTorch, NumPy and TensorFlow is timed too: what a
well-tuned kernel reaches in this run.

    python benchmarks/machine.py [--quick] [--json machine.json]
"""

import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "avx512_fp16", "amx_tile")
_CLOCK_C = r"""
#include <stdio.h>
#include <time.h>
int main(void) {
    struct timespec a, b;
    unsigned long n = 60000000UL, x = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (unsigned long i = 0; i < n; i++)
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("%f\n", 4.0 * n / s / 1e9);
    return 0;
}
"""


def cpuinfo():
    """The first processor's /proc/cpuinfo fields and the highest "cpu MHz" of all."""
    info, mhz = {}, []
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return info
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "cpu MHz":
            mhz.append(float(value))
        elif key and key not in info:
            info[key] = value.strip()
    if mhz:
        info["max cpu MHz"] = max(mhz)
    return info


def measured_clock_ghz(tries=15):
    """The core clock from a dependent-add chain (see the module docstring), or None."""
    if not re.match(r"x86_64|amd64", os.uname().machine, re.I):
        return None
    with tempfile.TemporaryDirectory() as work:
        src, exe = os.path.join(work, "clock.c"), os.path.join(work, "clock")
        with open(src, "w") as f:
            f.write(_CLOCK_C)
        try:
            subprocess.run(["cc", "-O2", src, "-o", exe], check=True, capture_output=True)
            runs = [float(subprocess.run([exe], capture_output=True, text=True,
                                         check=True).stdout) for _ in range(tries)]
        except (OSError, subprocess.CalledProcessError, ValueError):
            return None
    return max(runs)


def flop_per_cycle(vendor, family, model, flags):
    """`(float32 FLOP per cycle per core, why)` from the micro-architecture."""
    if vendor == "AuthenticAMD":
        if family >= 26:
            return 64, "AMD Zen 5: two 512-bit FMA pipes"
        if family == 25:
            kind = "Zen 4" if "avx512f" in flags else "Zen 3"
            note = ", AVX-512 runs on them in two halves" if "avx512f" in flags else ""
            return 32, f"AMD {kind}: two 256-bit FMA pipes{note}"
        if family == 23 and model >= 0x30:
            return 32, "AMD Zen 2: two 256-bit FMA pipes"
        return 16, "older AMD: 128-bit FMA pipes"
    if "avx512f" in flags:
        return 64, "Intel AVX-512: two 512-bit FMA units assumed"
    if "avx2" in flags and "fma" in flags:
        return 32, "AVX2 + FMA: two 256-bit FMA units"
    return 16, "SSE"


def machine_info(quick=False):
    """Everything the page says about the machine (see the module docstring)."""
    info = cpuinfo()
    flags = set(info.get("flags", "").split())
    vendor = info.get("vendor_id", "")
    family, model = int(info.get("cpu family", 0) or 0), int(info.get("model", 0) or 0)
    cores = os.cpu_count() or 1
    per_cycle, why = flop_per_cycle(vendor, family, model, flags)
    clocks = {"cpuinfo": info.get("max cpu MHz", 0) / 1e3 or None,
              "measured": measured_clock_ghz(5 if quick else 15)}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        m = re.search(r"CPU max MHz:\s*([\d.]+)", out)
        clocks["lscpu_max"] = float(m.group(1)) / 1e3 if m else None
    except OSError:
        clocks["lscpu_max"] = None
    source, ghz = max(((k, v) for k, v in clocks.items() if v), key=lambda kv: kv[1],
                      default=(None, None))
    peak = cores * per_cycle * ghz if ghz else None
    return {
        "cpu": info.get("model name", "unknown CPU"), "vendor": vendor, "family": family,
        "model": model, "flags": [f for f in FLAGS if f in flags], "cores": cores,
        "clock_ghz": clocks, "clock_source": source, "ghz": ghz,
        "flop_per_cycle": per_cycle, "flop_per_cycle_why": why, "peak_gflops": peak,
        "hypervisor": "hypervisor" in flags,
    }


def matmul_gflops(n=2048, repeats=5):
    """float32 GFLOP/s of an n x n matmul in PyTorch, NumPy and TensorFlow (all threads)."""
    import numpy as np
    import torch

    from common import interleaved_best

    torch.set_num_threads(os.cpu_count() or 1)
    a, b = torch.randn(n, n), torch.randn(n, n)
    an, bn = a.numpy(), b.numpy()
    candidates = {"pytorch": lambda: torch.mm(a, b), "numpy": lambda: np.matmul(an, bn)}
    import tensorflow as tf

    at, bt = tf.constant(an), tf.constant(bn)
    candidates["tensorflow"] = lambda: tf.linalg.matmul(at, bt).numpy()
    times = interleaved_best(candidates, repeats=repeats)
    return {name: 2.0 * n**3 / t / 1e9 for name, t in times.items()}


def run(quick=False):
    start = time.perf_counter()
    info = machine_info(quick)
    info["matmul_gflops"] = matmul_gflops(1024 if quick else 2048, 3 if quick else 5)
    info["seconds"] = time.perf_counter() - start
    return info


def main():
    from common import bench_main

    return bench_main(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
