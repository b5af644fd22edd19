"""Time and peak memory of tiled x4 `upscale` per engine (auto, Keras, TFLite/XNNPACK).

Not a test. Each (engine, size) runs in its own process; the peak resident memory (VmHWM) is
reset after the warm-up (model build, TFLite conversion, one batch of the tile shape, which
is where `engine="auto"` probes), so it is the memory of the tiled inference itself. The time
spent inside the engine during the `upscale` call is summed too: the bare calls on the
image's tiles, against which the wrapper's cost is measured. Random weights (the speed does
not depend on them).

    KERAS_BACKEND=tensorflow python benchmarks/bench_tiled_upscale.py --num-blocks 4

prints a Markdown table (`--json PATH` also writes the rows). The default is the paper's
RRDBNet (nb=23), which takes minutes per megapixel on a small CPU; `--num-blocks 4` is
a smaller reference configuration.
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

BASE = (678, 1020)  # (height, width) of the input image at --fractions 1


def _vm_hwm_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def child(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np

    from bench_inference import EngineClock
    from keras_fasrgan.inference import get_engine
    from keras_fasrgan.inference import tile_grid
    from keras_fasrgan.inference import upscale
    from keras_fasrgan.inference.tiling import _balanced_batches
    from keras_fasrgan.models import RRDBNet

    height, width = args.size
    model = RRDBNet(scale=4, num_blocks=args.num_blocks)
    image = (np.random.default_rng(0).random((height, width, 3)) * 255).astype(np.uint8)
    t = time.perf_counter()
    engine = get_engine(model, args.engine)  # the TFLite conversion, paid once per model
    prepare = time.perf_counter() - t
    tiles = tile_grid(height, width, args.tile, args.tile_pad)
    (wy0, wy1, wx0, wx1) = tiles[0][1]
    batch = _balanced_batches(len(tiles), args.batch_size)[1]
    t = time.perf_counter()
    engine(np.zeros((batch, wy1 - wy0, wx1 - wx0, 3), np.float32))  # warm-up / probe
    warmup = time.perf_counter() - t
    reset = _reset_hwm()
    base = _vm_hwm_mib()
    clock = EngineClock(model)
    seconds, engine_seconds = clock.measure(lambda: upscale(
        model, image, tile=args.tile, tile_pad=args.tile_pad, batch_size=args.batch_size,
        engine=args.engine))
    choice = getattr(engine, "choices", {}).get((batch, wy1 - wy0, wx1 - wx0, 3), {})
    print(json.dumps({
        "engine": args.engine, "size": [height, width], "seconds": seconds,
        "engine_seconds": engine_seconds, "tiles": len(tiles), "batch": batch,
        "auto_choice": choice.get("engine"), "auto_reason": choice.get("reason"),
        "prepare": prepare, "warmup": warmup, "peak_mib": _vm_hwm_mib(),
        "rss_before_mib": base, "hwm_reset": reset,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-blocks", type=int, default=23)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 1.0],
                        help="input sizes as fractions of 1020x678")
    parser.add_argument("--engines", nargs="+", default=["auto", "keras", "tflite"])
    parser.add_argument("--tile", type=int, default=128)
    parser.add_argument("--tile-pad", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--json", help="also write the rows and settings here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    rows, failures = [], []
    for fraction in args.fractions:
        size = (round(BASE[0] * fraction), round(BASE[1] * fraction))
        for engine in args.engines:
            cmd = [sys.executable, __file__, "--child", "--engine", engine, "--size",
                   str(size[0]), str(size[1]), "--num-blocks", str(args.num_blocks),
                   "--tile", str(args.tile), "--tile-pad", str(args.tile_pad),
                   "--batch-size", str(args.batch_size)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode or not lines:
                print(f"{engine} {size}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                failures.append({"engine": engine, "size": list(size),
                                 "error": proc.stderr[-2000:]})
                continue
            row = json.loads(lines[-1])
            rows.append(row)
            print(f"# {engine} {size[1]}x{size[0]}: {row['seconds']:.1f} s", file=sys.stderr,
                  flush=True)

    lines = [f"RRDBNet x4, nb={args.num_blocks}, nf=64, gc=32; tile {args.tile}, pad "
             f"{args.tile_pad}, batch {args.batch_size}; {os.cpu_count()} CPU threads", "",
             "| input (W x H) | engine | time (s) | s / input MP | upscale / its engine calls "
             "| peak RSS during upscale (MiB) | RSS before (MiB) | one-off setup (s) |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        h, w = r["size"]
        mp = h * w / 1e6
        lines.append(f"| {w} x {h} | {r['engine']} | {r['seconds']:.1f} | "
                     f"{r['seconds'] / mp:.1f} | {r['seconds'] / r['engine_seconds']:.3f} | "
                     f"{r['peak_mib']:.0f} | {r['rss_before_mib']:.0f} | "
                     f"{r['prepare'] + r['warmup']:.1f} |")
    markdown = "\n".join(lines)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"num_blocks": args.num_blocks, "tile": args.tile, "tile_pad": args.tile_pad,
                       "batch_size": args.batch_size, "rows": rows, "failures": failures,
                       "markdown": markdown}, f,
                      indent=1)
    print(markdown)


if __name__ == "__main__":
    main()
