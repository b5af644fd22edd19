"""The three key layouts of RRDBNet checkpoints, mapped to one canonical naming.

Canonical names are BasicSR's: `conv_first`, `body.{i}.rdb{k}.conv{j}`, `conv_body`,
`conv_up{n}`, `conv_hr`, `conv_last`, each with `.weight` (OIHW) and `.bias`.

- `old-basicsr` (FASRGAN / Fs-SRGAN releases, ESRGAN's first release): one flattened
  `nn.Sequential` called `model`. `model.0` = conv_first; `model.1.sub.{i}.RDB{k}.conv{j}.0`
  = RRDB i; `model.1.sub.{nb}` = conv_body; then every upsampling step is
  [Upsample, conv, LeakyReLU] and HR_conv0 is [conv, LeakyReLU], so the up-convs sit at
  `model.3`, `model.6`, `model.9`, conv_hr at `model.{3n+2}` and conv_last at `model.{3n+4}`
  (n up-convs: x2/x3 -> 3, 5, 7; x4 -> 3, 6, 8, 10; x8 -> 3, 6, 9, 11, 13).
- `esrgan` (ESRGAN's `RRDBNet_arch.py`): `conv_first`, `RRDB_trunk.{i}.RDB{k}.conv{j}`,
  `trunk_conv`, `upconv{n}`, `HRconv`, `conv_last`.
- `basicsr` (BasicSR / Real-ESRGAN): the canonical names themselves.
"""

import re

OLD_BASICSR = "old-basicsr"
ESRGAN = "esrgan"
BASICSR = "basicsr"
LAYOUTS = (OLD_BASICSR, ESRGAN, BASICSR)

LAYOUT_TITLES = {
    OLD_BASICSR: "old BasicSR (model.N)",
    ESRGAN: "ESRGAN (RRDB_trunk)",
    BASICSR: "BasicSR (body)",
}

_PARAM = r"(weight|bias)"
_OLD_FIRST = re.compile(rf"^model\.0\.{_PARAM}$")
_OLD_RDB = re.compile(rf"^model\.1\.sub\.(\d+)\.RDB([123])\.conv([1-5])\.(?:0\.)?{_PARAM}$")
_OLD_SUB = re.compile(rf"^model\.1\.sub\.(\d+)\.{_PARAM}$")
_OLD_TAIL = re.compile(rf"^model\.(\d+)\.{_PARAM}$")
_ESRGAN_RDB = re.compile(rf"^RRDB_trunk\.(\d+)\.RDB([123])\.conv([1-5])\.{_PARAM}$")
_ESRGAN_UP = re.compile(rf"^upconv(\d+)\.{_PARAM}$")
_ESRGAN_RENAMES = {"conv_first": "conv_first", "trunk_conv": "conv_body", "HRconv": "conv_hr",
                   "conv_last": "conv_last"}
_CANONICAL_RDB = re.compile(rf"^body\.(\d+)\.rdb([123])\.conv([1-5])\.{_PARAM}$")
_CANONICAL_UP = re.compile(rf"^conv_up(\d+)\.{_PARAM}$")


def detect_layout(keys):
    """Which layout a checkpoint's keys follow: "old-basicsr", "esrgan" or "basicsr".

    Examples:
        >>> detect_layout(["model.0.weight", "model.0.bias"])
        'old-basicsr'
        >>> detect_layout(["conv_first.weight", "RRDB_trunk.0.RDB1.conv1.weight"])
        'esrgan'
    """
    keys = list(keys)
    if any(k.startswith("model.") for k in keys):
        return OLD_BASICSR
    if any(k.startswith(("RRDB_trunk.", "trunk_conv.", "upconv", "HRconv.")) for k in keys):
        return ESRGAN
    if any(k.startswith(("body.", "conv_body.", "conv_up", "conv_hr.")) for k in keys):
        return BASICSR
    if any(k.startswith(("conv_first.", "conv_last.")) for k in keys):
        return BASICSR
    shown = ", ".join(repr(k) for k in keys[:3]) or "none"
    raise ValueError(
        "not an RRDBNet checkpoint: its keys follow none of the known layouts (old BasicSR "
        f"'model.0.weight', ESRGAN 'RRDB_trunk.0...', BasicSR 'body.0...'); first keys: {shown}"
    )


def _old_tail_names(num_up):
    names = {3 * (n + 1): f"conv_up{n + 1}" for n in range(num_up)}
    names[3 * num_up + 2] = "conv_hr"
    names[3 * num_up + 4] = "conv_last"
    return names


def _best_tail_names(indices):
    """The up-conv count whose index pattern fits the checkpoint's `model.N` convs best."""
    if not indices:
        return {}

    def fit(num_up):
        pattern = set(_old_tail_names(num_up))
        found = len(pattern & indices)
        return (found == len(pattern), found)

    return _old_tail_names(max((1, 2, 3), key=fit))


def canonical_names(keys, layout=None):
    """Maps each checkpoint key to its canonical name (None for keys of no known role).

    Returns `(layout, {checkpoint_key: canonical_key or None})`, in the checkpoint's order.

    Examples:
        >>> canonical_names(["model.1.sub.0.RDB2.conv5.0.bias", "model.1.sub.1.weight"])[1]
        {'model.1.sub.0.RDB2.conv5.0.bias': 'body.0.rdb2.conv5.bias', 'model.1.sub.1.weight': 'conv_body.weight'}
    """
    keys = list(keys)
    layout = layout or detect_layout(keys)
    names = {}
    if layout == OLD_BASICSR:
        rdb_indices = {int(m.group(1)) for m in map(_OLD_RDB.match, keys) if m}
        num_blocks = max(rdb_indices) + 1 if rdb_indices else 0
        tail = {int(m.group(1)) for m in map(_OLD_TAIL.match, keys) if m} - {0}
        tail_names = _best_tail_names(tail)
        for key in keys:
            name = None
            if m := _OLD_FIRST.match(key):
                name = f"conv_first.{m.group(1)}"
            elif m := _OLD_RDB.match(key):
                i, k, j, p = m.groups()
                name = f"body.{int(i)}.rdb{k}.conv{j}.{p}"
            elif (m := _OLD_SUB.match(key)) and int(m.group(1)) == num_blocks:
                name = f"conv_body.{m.group(2)}"
            elif (m := _OLD_TAIL.match(key)) and int(m.group(1)) in tail_names:
                name = f"{tail_names[int(m.group(1))]}.{m.group(2)}"
            names[key] = name
    elif layout == ESRGAN:
        for key in keys:
            name = None
            if m := _ESRGAN_RDB.match(key):
                i, k, j, p = m.groups()
                name = f"body.{int(i)}.rdb{k}.conv{j}.{p}"
            elif m := _ESRGAN_UP.match(key):
                name = f"conv_up{int(m.group(1))}.{m.group(2)}"
            else:
                base, _, param = key.rpartition(".")
                if base in _ESRGAN_RENAMES and param in ("weight", "bias"):
                    name = f"{_ESRGAN_RENAMES[base]}.{param}"
            names[key] = name
    elif layout == BASICSR:
        plain = {f"{b}.{p}" for b in ("conv_first", "conv_body", "conv_hr", "conv_last")
                 for p in ("weight", "bias")}
        for key in keys:
            known = key in plain or _CANONICAL_RDB.match(key) or _CANONICAL_UP.match(key)
            names[key] = key if known else None
    else:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    return layout, names


def checkpoint_key(canonical, layout, num_blocks, num_up):
    """The name `canonical` has in `layout`, for a network with `num_blocks` RRDBs and
    `num_up` up-convs (used to name missing keys in the checkpoint's own terms).

    Examples:
        >>> checkpoint_key("conv_hr.weight", "old-basicsr", num_blocks=23, num_up=2)
        'model.8.weight'
        >>> checkpoint_key("body.3.rdb1.conv2.bias", "esrgan", num_blocks=23, num_up=2)
        'RRDB_trunk.3.RDB1.conv2.bias'
    """
    base, _, param = canonical.rpartition(".")
    rdb = _CANONICAL_RDB.match(canonical)
    if layout == BASICSR:
        return canonical
    if layout == ESRGAN:
        if rdb:
            i, k, j, p = rdb.groups()
            return f"RRDB_trunk.{i}.RDB{k}.conv{j}.{p}"
        if base.startswith("conv_up"):
            return f"upconv{base[len('conv_up'):]}.{param}"
        renames = {v: k for k, v in _ESRGAN_RENAMES.items()}
        return f"{renames.get(base, base)}.{param}"
    if layout == OLD_BASICSR:
        if rdb:
            i, k, j, p = rdb.groups()
            return f"model.1.sub.{i}.RDB{k}.conv{j}.0.{p}"
        if base == "conv_first":
            return f"model.0.{param}"
        if base == "conv_body":
            return f"model.1.sub.{num_blocks}.{param}"
        index = {v: k for k, v in _old_tail_names(num_up).items()}.get(base)
        return f"model.{index}.{param}" if index is not None else canonical
    raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
