"""Shared pieces of the benchmarks: command line, timing, FLOP counts and PyTorch references.

Not a test module. Timings are best-of-N with the candidates interleaved (A B A B ...), so a
burst of load from other processes hits every candidate alike, and every figure is reported
as a ratio against a reference measured in the same run.
"""

import argparse
import json
import os
import time

import numpy as np


# ------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------


def bench_main(run, description, worker=None):
    """The command line every benchmark script shares: `[--quick] [--json PATH]`.

    Calls `run(quick)` with the TensorFlow backend (unless `KERAS_BACKEND` is set), prints its
    results as JSON and writes them to `--json`. With `worker`, a hidden `--worker A B C D`
    option runs `worker(A, B, C, D)` instead (a subprocess of the benchmark) and prints its
    JSON on one line. Returns the exit code.

    Example:
    >>> sys.exit(bench_main(run, __doc__.splitlines()[0]))  # doctest: +SKIP
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer repeats")
    parser.add_argument("--json", help="write the results here")
    if worker is not None:
        parser.add_argument("--worker", nargs=4, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if worker is not None and args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    results = run(args.quick)
    text = json.dumps(results, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    print(text)
    return 0


# ------------------------------------------------------------------------------------------
# Timing
# ------------------------------------------------------------------------------------------


def interleaved_best(candidates, repeats=3, warmup=1):
    """Best wall time (s) of each `{name: fn}` with the candidates interleaved per repeat."""
    for fn in candidates.values():
        for _ in range(warmup):
            fn()
    best = {name: float("inf") for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


# ------------------------------------------------------------------------------------------
# FLOP counts
# ------------------------------------------------------------------------------------------


def rrdbnet_flops(height, width, num_blocks=23, filters=64, growth=32, scale=4, batch=1):
    """Multiply-adds x 2 of RRDBNet's convs for one `(height, width)` LR input."""
    nf, gc = filters, growth
    k = 9
    per_rdb = sum((nf + i * gc) * (gc if i < 4 else nf) for i in range(5)) * k
    lr_macs = (3 * nf * k + num_blocks * 3 * per_rdb + nf * nf * k)
    macs = lr_macs * height * width
    size = 1
    steps = [3] if scale == 3 else [2] * {2: 1, 4: 2, 8: 3}[scale]
    for f in steps:
        size *= f
        macs += nf * nf * k * height * width * size * size
    macs += (nf * nf * k + nf * 3 * k) * height * width * size * size
    return 2.0 * macs * batch


# ------------------------------------------------------------------------------------------
# PyTorch references (eager, torch.nn), written from the official definitions
# ------------------------------------------------------------------------------------------


def torch_rrdbnet(num_blocks=23, filters=64, growth=32, scale=4):
    """ESRGAN's RRDBNet as a `torch.nn.Module` (NCHW), as in the official code."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class RDB(nn.Module):
        def __init__(self):
            super().__init__()
            self.convs = nn.ModuleList(
                nn.Conv2d(filters + i * growth, growth if i < 4 else filters, 3, 1, 1)
                for i in range(5))

        def forward(self, x):
            feats = [x]
            for conv in self.convs[:4]:
                feats.append(F.leaky_relu(conv(torch.cat(feats, 1)), 0.2))
            return self.convs[4](torch.cat(feats, 1)) * 0.2 + x

    class RRDB(nn.Module):
        def __init__(self):
            super().__init__()
            self.rdbs = nn.ModuleList(RDB() for _ in range(3))

        def forward(self, x):
            out = x
            for rdb in self.rdbs:
                out = rdb(out)
            return out * 0.2 + x

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv_first = nn.Conv2d(3, filters, 3, 1, 1)
            self.body = nn.Sequential(*[RRDB() for _ in range(num_blocks)])
            self.conv_body = nn.Conv2d(filters, filters, 3, 1, 1)
            self.factors = [3] if scale == 3 else [2] * {2: 1, 4: 2, 8: 3}[scale]
            self.ups = nn.ModuleList(nn.Conv2d(filters, filters, 3, 1, 1) for _ in self.factors)
            self.conv_hr = nn.Conv2d(filters, filters, 3, 1, 1)
            self.conv_last = nn.Conv2d(filters, 3, 3, 1, 1)

        def forward(self, x):
            feat = self.conv_first(x)
            feat = feat + self.conv_body(self.body(feat))
            for f, conv in zip(self.factors, self.ups):
                feat = F.leaky_relu(conv(F.interpolate(feat, scale_factor=f, mode="nearest")),
                                    0.2)
            return self.conv_last(F.leaky_relu(self.conv_hr(feat), 0.2))

    return Net()


def _copy_conv(torch_conv, keras_conv):
    import torch
    from keras import ops

    kernel = ops.convert_to_numpy(keras_conv.kernel)
    bias = ops.convert_to_numpy(keras_conv.bias)
    with torch.no_grad():
        torch_conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))))
        torch_conv.bias.copy_(torch.from_numpy(bias))


def torch_rrdbnet_from_keras(model):
    """A `torch_rrdbnet` carrying the weights of a Keras `RRDBNet`."""
    config = model.get_config()
    net = torch_rrdbnet(config["num_blocks"], config["filters"], config["growth_channels"],
                        config["scale"])
    _copy_conv(net.conv_first, model.get_layer("conv_first"))
    for i, block in enumerate(net.body):
        layer = model.get_layer(f"rrdb_{i}")
        for t_rdb, k_rdb in zip(block.rdbs, (layer.rdb1, layer.rdb2, layer.rdb3)):
            for t_conv, k_conv in zip(t_rdb.convs, k_rdb.convs):
                _copy_conv(t_conv, k_conv)
    _copy_conv(net.conv_body, model.get_layer("conv_body"))
    for i, conv in enumerate(net.ups):
        _copy_conv(conv, model.get_layer(f"conv_up{i + 1}"))
    _copy_conv(net.conv_hr, model.get_layer("conv_hr"))
    _copy_conv(net.conv_last, model.get_layer("conv_last"))
    return net.eval()


def torch_unet_discriminator(input_size=128, in_channels=3):
    """FASRGAN's UNet discriminator (official layout, first-BN epsilon quirk)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    def double_conv(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 3, 1, 1), nn.BatchNorm2d(o, eps=float(o)),
                             nn.ReLU(inplace=True), nn.Conv2d(o, o, 3, 1, 1),
                             nn.BatchNorm2d(o), nn.ReLU(inplace=True))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.inc = double_conv(in_channels, 64)
            self.down1 = double_conv(64, 128)
            self.down2 = double_conv(128, 256)
            self.down3 = double_conv(256, 256)
            side = input_size // 8
            self.dense1 = nn.Linear(256 * side * side, 1024)
            self.score = nn.Linear(1024, 1)
            self.up2 = double_conv(512, 128)
            self.up3 = double_conv(256, 64)
            self.up4 = double_conv(128, 64)
            self.out = nn.Conv2d(64, 3, 1)

        def forward(self, x):
            x1 = self.inc(x)
            x2 = self.down1(F.max_pool2d(x1, 2))
            x3 = self.down2(F.max_pool2d(x2, 2))
            x4 = self.down3(F.max_pool2d(x3, 2))
            score = self.score(F.leaky_relu(self.dense1(torch.flatten(x4, 1)), 0.2))
            y = x4
            for skip, block in ((x3, self.up2), (x2, self.up3), (x1, self.up4)):
                y = F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=True)
                y = block(torch.cat([skip, y], 1))
            return score, self.out(y)

    return UNet()


def torch_vgg19_features():
    """torchvision's VGG19 `features` up to conv5_4, before its ReLU (ESRGAN's phi)."""
    from torch import nn

    layers, channels = [], 3
    blocks = ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512))
    for b, (convs, filters) in enumerate(blocks):
        for i in range(convs):
            layers.append(nn.Conv2d(channels, filters, 3, 1, 1))
            channels = filters
            last = b == len(blocks) - 1 and i == convs - 1
            if not last:
                layers.append(nn.ReLU(inplace=True))
        if b < len(blocks) - 1:
            layers.append(nn.MaxPool2d(2))
    net = nn.Sequential(*layers)
    for p in net.parameters():
        p.requires_grad_(False)
    return net.eval()
