"""Loading official PyTorch RRDBNet / feature-extractor checkpoints into the Keras models."""

import os
from collections.abc import Mapping

import numpy as np

from keras_fasrgan.convert.checkpoint import read_checkpoint
from keras_fasrgan.convert.layouts import LAYOUT_TITLES
from keras_fasrgan.convert.layouts import canonical_names
from keras_fasrgan.convert.layouts import checkpoint_key

RRDBNET = "RRDBNet"
FEATURE_EXTRACTOR = "FeatureExtractor"
_ARCH_ALIASES = {
    "rrdbnet": RRDBNET,
    "generator": RRDBNET,
    "extractor": FEATURE_EXTRACTOR,
    "featureextractor": FEATURE_EXTRACTOR,
    "feature_extractor": FEATURE_EXTRACTOR,
}
_SCALE_BY_UPCONVS = {1: 2, 2: 4, 3: 8}
# Real-ESRGAN's x2 / x1 RRDBNets pixel-unshuffle RGB by 2 / 4 into their first conv.
_UNSHUFFLE_BY_IN_CHANNELS = {12: 2, 48: 4}
_ARCH_FIELDS = (
    "num_blocks", "filters", "growth_channels", "in_channels", "scale", "pixel_unshuffle"
)


def _conv_targets(model):
    """[(canonical prefix, Conv2D, readable path)] for every conv of an RRDBNet-like model."""
    layers = {layer.name: layer for layer in model.layers}
    if "conv_first" not in layers or "conv_body" not in layers:
        raise TypeError(
            "load_torch_weights expects an RRDBNet or FeatureExtractor (layers conv_first, "
            f"rrdb_i, conv_body, ...); got {type(model).__name__} {model.name!r}"
        )
    targets = [("conv_first", layers["conv_first"], "conv_first")]
    num_blocks = 0
    while f"rrdb_{num_blocks}" in layers:
        rrdb = layers[f"rrdb_{num_blocks}"]
        for k, rdb in enumerate((rrdb.rdb1, rrdb.rdb2, rrdb.rdb3), start=1):
            for j, conv in enumerate(rdb.convs, start=1):
                path = f"rrdb_{num_blocks}/rdb{k}/conv{j}"
                targets.append((f"body.{num_blocks}.rdb{k}.conv{j}", conv, path))
        num_blocks += 1
    targets.append(("conv_body", layers["conv_body"], "conv_body"))
    num_up = 0
    while f"conv_up{num_up + 1}" in layers:
        num_up += 1
        targets.append((f"conv_up{num_up}", layers[f"conv_up{num_up}"], f"conv_up{num_up}"))
    for name in ("conv_hr", "conv_last"):
        if name in layers:
            targets.append((name, layers[name], name))
    return targets, num_blocks, num_up


def _shape(shape):
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


def load_torch_weights(model, path_or_state_dict, strict=True):
    """Fills an `RRDBNet` or `FeatureExtractor` with the weights of a PyTorch checkpoint.

    Reads any of the three key layouts (old BasicSR `model.N` as in the FASRGAN / Fs-SRGAN
    releases, ESRGAN's `RRDB_trunk`, BasicSR's `body`, also inside `params_ema` / `params` /
    `state_dict`), from a `.pth` file (legacy or zip format; read with `weights_only=True`,
    so no code is ever unpickled) or from a dict of tensors / NumPy arrays. Conv kernels are
    transposed from PyTorch's OIHW to Keras' HWIO.

    With `strict=True` (the default) every checkpoint key must be used and every shape must
    match; otherwise a `ValueError` names the first mismatching key (missing, unexpected, or
    with both shapes). All values are checked before any is assigned, so a checkpoint that does
    not fit leaves the model unchanged. With `strict=False`, missing and unexpected keys are
    skipped (shapes must still match).

    Args:
        model: an `RRDBNet` or `FeatureExtractor` (or any model with their layer names).
        path_or_state_dict: path to a checkpoint, or a `{key: tensor or array}` dict.
        strict: require an exact match of keys.

    Returns:
        The model, for chaining.

    Examples:
        >>> from keras_fasrgan.models import FeatureExtractor
        >>> extractor = FeatureExtractor(num_blocks=1)
        >>> load_torch_weights(extractor, "FsSRGAN_E.pth")  # doctest: +SKIP
    """
    state_dict = read_checkpoint(path_or_state_dict)
    layout, names = canonical_names(state_dict)
    by_canonical = {name: key for key, name in names.items() if name is not None}
    targets, num_blocks, num_up = _conv_targets(model)

    updates, used = [], set()
    for prefix, conv, path in targets:
        for param, variable in (("weight", conv.kernel), ("bias", conv.bias)):
            canonical = f"{prefix}.{param}"
            key = by_canonical.get(canonical)
            expected = tuple(variable.shape)
            if param == "weight":  # HWIO -> the OIHW shape the checkpoint should have
                expected = (expected[3], expected[2], expected[0], expected[1])
            if key is None:
                if strict:
                    name = checkpoint_key(canonical, layout, num_blocks, num_up)
                    raise ValueError(
                        f"checkpoint ({LAYOUT_TITLES[layout]} layout) lacks key {name!r} for "
                        f"layer {path} ({'kernel' if param == 'weight' else 'bias'}, shape "
                        f"{_shape(expected)}): it does not fit {model.name} "
                        f"(num_blocks={num_blocks}, {num_up} up-convs)"
                    )
                continue
            value = state_dict[key]
            if tuple(value.shape) != expected:
                raise ValueError(
                    f"checkpoint key {key!r} has shape {_shape(value.shape)}, but layer {path} of "
                    f"{model.name} expects {_shape(expected)} (PyTorch order"
                    f"{', OIHW' if param == 'weight' else ''})"
                )
            if param == "weight":
                value = np.transpose(value, (2, 3, 1, 0))
            updates.append((variable, np.ascontiguousarray(value)))
            used.add(key)
    if strict:
        unexpected = [key for key in state_dict if key not in used]
        if unexpected:
            role = names.get(unexpected[0])
            role = f" ({role} in BasicSR naming)" if role and role != unexpected[0] else ""
            raise ValueError(
                f"checkpoint has unexpected key {unexpected[0]!r}{role}"
                f"{f' and {len(unexpected) - 1} more' if len(unexpected) > 1 else ''}: it does "
                f"not fit {model.name} (num_blocks={num_blocks}, {num_up} up-convs)"
            )
    for variable, value in updates:
        variable.assign(value.astype(variable.dtype))
    return model


def _canonical_state_dict(state_dict):
    layout, names = canonical_names(state_dict)
    return layout, {name: state_dict[key] for key, name in names.items() if name is not None}


def infer_architecture(state_dict):
    """The architecture a checkpoint's keys and shapes describe.

    Returns `dict(arch, num_blocks, filters, growth_channels, in_channels, scale,
    pixel_unshuffle)` with `arch` "RRDBNet" or "FeatureExtractor" (no upsampler and no
    conv_last; `scale` and `pixel_unshuffle` None). The upsampler's factor comes from the
    number of up-convs: 1 -> 2, 2 -> 4, 3 -> 8. An x3 network has one up-conv like an x2 one
    (its single step resizes by 3, which leaves no trace in the weights), so x3 checkpoints are
    reported as scale 2: pass `scale=3` to `load_checkpoint_as_model` for them.

    Real-ESRGAN's x2 and x1 models (e.g. `RealESRGAN_x2plus.pth`) pixel-unshuffle the RGB input
    by 2 or 4 before a first conv of 12 or 48 channels, and upsample x4: a first conv of 12 / 48
    input channels with two up-convs is read as `in_channels=3, pixel_unshuffle=2, scale=2` /
    `pixel_unshuffle=4, scale=1` (override `in_channels` and `pixel_unshuffle` for anything
    else).

    Args:
        state_dict: `{key: tensor or array}` in any supported layout (wrappers allowed).

    Examples:
        >>> import numpy as np
        >>> sd = {"model.0.weight": np.zeros((64, 3, 3, 3)), "model.0.bias": np.zeros(64),
        ...       "model.1.sub.0.weight": np.zeros((64, 64, 3, 3)), "model.1.sub.0.bias": np.zeros(64)}
        >>> infer_architecture(sd)["arch"], infer_architecture(sd)["num_blocks"]
        ('FeatureExtractor', 0)
    """
    state_dict = read_checkpoint(state_dict)
    layout, canonical = _canonical_state_dict(state_dict)
    first = canonical.get("conv_first.weight")
    if first is None or first.ndim != 4:
        raise ValueError(
            f"cannot infer the architecture: the checkpoint ({LAYOUT_TITLES[layout]} layout) has "
            "no first conv weight (conv_first.weight / model.0.weight) of rank 4"
        )
    blocks = {int(name.split(".")[1]) for name in canonical if name.startswith("body.")}
    num_blocks = max(blocks) + 1 if blocks else 0
    growth = canonical.get("body.0.rdb1.conv1.weight")
    num_up = sum(1 for name in canonical if name.startswith("conv_up") and name.endswith(".weight"))
    has_head = num_up > 0 or "conv_last.weight" in canonical or "conv_hr.weight" in canonical
    if has_head and num_up not in _SCALE_BY_UPCONVS:
        raise ValueError(
            f"cannot infer the scale: the checkpoint has {num_up} upsampling convs "
            "(RRDBNet has 1 for x2/x3, 2 for x4, 3 for x8)"
        )
    in_channels = int(first.shape[1])
    unshuffle = _UNSHUFFLE_BY_IN_CHANNELS.get(in_channels, 1) if has_head and num_up == 2 else 1
    return {
        "arch": RRDBNET if has_head else FEATURE_EXTRACTOR,
        "num_blocks": num_blocks,
        "filters": int(first.shape[0]),
        "growth_channels": int(growth.shape[0]) if growth is not None else 32,
        "in_channels": in_channels // (unshuffle * unshuffle),
        "scale": _SCALE_BY_UPCONVS[num_up] // unshuffle if has_head else None,
        "pixel_unshuffle": unshuffle if has_head else None,
    }


def inspect_checkpoint(path):
    """Reads a checkpoint and describes it, without building a model.

    Returns the dict of `infer_architecture` plus `layout` ("old-basicsr", "esrgan" or
    "basicsr"), `num_tensors` and `num_params` (values in all tensors).

    Examples:
        >>> inspect_checkpoint("FsSRGAN_E.pth")  # doctest: +SKIP
        {'arch': 'FeatureExtractor', 'num_blocks': 1, 'filters': 64, 'growth_channels': 32,
         'in_channels': 3, 'scale': None, 'pixel_unshuffle': None, 'layout': 'old-basicsr',
         'num_tensors': 34, 'num_params': 758144}
    """
    state_dict = read_checkpoint(path)
    info = infer_architecture(state_dict)
    layout, _ = canonical_names(state_dict)
    info["layout"] = layout
    info["num_tensors"] = len(state_dict)
    info["num_params"] = int(sum(np.asarray(v).size for v in state_dict.values()))
    return info


def normalize_arch(arch):
    """"rrdbnet" / "extractor" (any case, or the class names) -> "RRDBNet" / "FeatureExtractor"."""
    key = str(arch).lower().replace("-", "_")
    if key not in _ARCH_ALIASES:
        raise ValueError(f"unknown arch {arch!r}; expected 'rrdbnet' or 'extractor'")
    return _ARCH_ALIASES[key]


def build_model(
    arch, num_blocks, filters, growth_channels, in_channels, scale=None, pixel_unshuffle=None
):
    """Builds the Keras model an `infer_architecture` dict describes.

    Examples:
        >>> build_model("RRDBNet", 2, 8, 4, 3, scale=4).name
        'rrdbnet'
    """
    from keras_fasrgan.models import FeatureExtractor
    from keras_fasrgan.models import RRDBNet

    arch = normalize_arch(arch)
    if arch == FEATURE_EXTRACTOR:
        return FeatureExtractor(num_blocks, filters, growth_channels, in_channels)
    return RRDBNet(
        4 if scale is None else scale, num_blocks, filters, growth_channels, in_channels,
        pixel_unshuffle=pixel_unshuffle or 1,
    )


def resolve_architecture(info, **overrides):
    """`info` (from `infer_architecture`) with `overrides` applied and checked.

    A `pixel_unshuffle` override keeps what the weights fix, the first conv's input channels
    and the upsampler's factor: `in_channels` and `scale` follow it unless also overridden.

    Examples:
        >>> info = dict(arch="RRDBNet", num_blocks=1, filters=8, growth_channels=4, in_channels=3,
        ...             scale=2, pixel_unshuffle=2)
        >>> config = resolve_architecture(info, pixel_unshuffle=1)
        >>> config["in_channels"], config["scale"]
        (12, 4)
    """
    unknown = set(overrides) - {"arch", *_ARCH_FIELDS}
    if unknown:
        raise TypeError(f"unknown override(s) {sorted(unknown)}; expected arch or {_ARCH_FIELDS}")
    config = dict(info)
    config.update({k: v for k, v in overrides.items() if v is not None})
    config["arch"] = normalize_arch(config["arch"])
    if config["arch"] == FEATURE_EXTRACTOR:
        for key in ("scale", "pixel_unshuffle"):
            if overrides.get(key) is not None:
                raise ValueError(
                    f"{key} does not apply to a FeatureExtractor (it has no upsampler)"
                )
        config["scale"] = config["pixel_unshuffle"] = None
    else:
        if config["scale"] is None:
            config["scale"] = 4
        old = info.get("pixel_unshuffle") or 1
        new = config["pixel_unshuffle"] = config.get("pixel_unshuffle") or 1
        if new != old:
            if overrides.get("in_channels") is None:
                config["in_channels"] = info["in_channels"] * old * old // (new * new)
            if overrides.get("scale") is None and info.get("scale") is not None:
                config["scale"] = max(1, info["scale"] * old // new)
    return config


def load_checkpoint_as_model(path, strict=True, **overrides):
    """Builds the Keras model a PyTorch checkpoint describes and loads its weights.

    The architecture is inferred with `infer_architecture`; keyword `overrides` (`arch`,
    `num_blocks`, `filters`, `growth_channels`, `in_channels`, `scale`, `pixel_unshuffle`)
    replace inferred values, e.g. `scale=3` for an x3 checkpoint (indistinguishable from x2 by
    its keys). Real-ESRGAN's x2 / x1 checkpoints become an `RRDBNet` with `pixel_unshuffle`
    2 / 4 that takes RGB.

    Examples:
        >>> extractor = load_checkpoint_as_model("FsSRGAN_E.pth")  # doctest: +SKIP
        >>> extractor.count_params()  # doctest: +SKIP
        758144
        >>> esrgan = load_checkpoint_as_model("RRDB_ESRGAN_x4.pth")  # doctest: +SKIP
        >>> x2 = load_checkpoint_as_model("RealESRGAN_x2plus.pth")  # doctest: +SKIP
        >>> x2.scale, x2.pixel_unshuffle  # doctest: +SKIP
        (2, 2)
    """
    source = path if isinstance(path, Mapping) else os.fspath(path)
    state_dict = read_checkpoint(source)
    config = resolve_architecture(infer_architecture(state_dict), **overrides)
    model = build_model(**config)
    return load_torch_weights(model, state_dict, strict=strict)
