"""Random RRDBNet checkpoints with the official shapes in the three key layouts, and an
independent functional re-implementation of RRDBNet in torch to compare conversions with."""

import torch
import torch.nn.functional as F

NB, NF, GC = 2, 8, 4
UPCONVS = {2: 1, 3: 1, 4: 2, 8: 3}


def random_weights(seed, scale=4, nb=NB, nf=NF, gc=GC, in_ch=3, head=True):
    """{(role, index...) : tensor} in torch OIHW, roles as in ESRGAN's RRDBNet."""
    g = torch.Generator().manual_seed(seed)

    def conv(cin, cout):
        weight = 0.1 * torch.randn(cout, cin, 3, 3, generator=g)
        return weight, 0.1 * torch.randn(cout, generator=g)

    w = {"first": conv(in_ch, nf), "body": conv(nf, nf)}
    for i in range(nb):
        for k in range(1, 4):
            for j in range(1, 6):
                w[("rdb", i, k, j)] = conv(nf + (j - 1) * gc, gc if j < 5 else nf)
    if head:
        for n in range(1, UPCONVS[scale] + 1):
            w[("up", n)] = conv(nf, nf)
        w["hr"], w["last"] = conv(nf, nf), conv(nf, 3)
    return w


def old_basicsr_name(role, nb, num_up):
    if role == "first":
        return "model.0"
    if role == "body":
        return f"model.1.sub.{nb}"
    if role[0] == "rdb":
        return f"model.1.sub.{role[1]}.RDB{role[2]}.conv{role[3]}.0"
    # B.sequential flattens [Upsample, conv, LeakyReLU] per step and [conv, LeakyReLU] for HR.
    hr = 2 + 3 * num_up
    return {"hr": f"model.{hr}", "last": f"model.{hr + 2}"}.get(role) or f"model.{3 * role[1]}"


def _layout_namer(rdb, up, others):
    """A namer for a layout that names the RDB convs `rdb.format(i, k, j)`, the upsampling
    convs `up.format(n)` and the other four by role (`others`)."""

    def name(role, nb, num_up):
        if role[0] == "rdb":
            return rdb.format(*role[1:])
        if role[0] == "up":
            return up.format(role[1])
        return others[role]

    return name


esrgan_name = _layout_namer(
    "RRDB_trunk.{}.RDB{}.conv{}", "upconv{}",
    {"first": "conv_first", "body": "trunk_conv", "hr": "HRconv", "last": "conv_last"},
)
basicsr_name = _layout_namer(
    "body.{}.rdb{}.conv{}", "conv_up{}",
    {"first": "conv_first", "body": "conv_body", "hr": "conv_hr", "last": "conv_last"},
)


NAMERS = {"old": old_basicsr_name, "esrgan": esrgan_name, "basicsr": basicsr_name}


def state_dict(weights, layout, nb=NB):
    num_up = sum(1 for r in weights if r[0] == "up")
    sd = {}
    for role, (wt, b) in weights.items():
        name = NAMERS[layout](role, nb, num_up)
        sd[f"{name}.weight"], sd[f"{name}.bias"] = wt, b
    return sd


def torch_forward(weights, x, scale=None, nb=NB):
    """RRDBNet (or the E trunk when scale is None) in plain torch.nn.functional, NCHW."""

    def conv(t, role):
        return F.conv2d(t, *weights[role], padding=1)

    def lrelu(t):
        return F.leaky_relu(t, 0.2)

    fea = conv(x, "first")
    trunk = fea
    for i in range(nb):
        rrdb_in = trunk
        for k in range(1, 4):
            feats = [trunk]
            for j in range(1, 5):
                feats.append(lrelu(conv(torch.cat(feats, 1), ("rdb", i, k, j))))
            trunk = conv(torch.cat(feats, 1), ("rdb", i, k, 5)) * 0.2 + trunk
        trunk = trunk * 0.2 + rrdb_in
    fea = fea + conv(trunk, "body")
    if scale is None:
        return fea
    steps = [3] if scale == 3 else [2] * UPCONVS[scale]
    for n, factor in enumerate(steps, start=1):
        fea = lrelu(conv(F.interpolate(fea, scale_factor=factor, mode="nearest"), ("up", n)))
    return conv(lrelu(conv(fea, "hr")), "last")


