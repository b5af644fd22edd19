"""LPIPS (Zhang et al. 2018), the learned perceptual distance, with the AlexNet backbone.

The network is plain Keras (any backend). The weights are the official ones, read from the
PyTorch files (no conversion step):

- `alexnet-owt-7be5be79.pth`: torchvision's ImageNet AlexNet
  (https://download.pytorch.org/models/alexnet-owt-7be5be79.pth);
- `alex.pth`: the LPIPS linear layers, from the `lpips` package / PerceptualSimilarity
  repository, `lpips/weights/v0.1/alex.pth` (or `v0.0/alex.pth`).

By default both are looked up in `~/.keras/models/` as `alexnet-owt-7be5be79.pth` and
`lpips/v0.1/alex.pth` (`lpips/v0.0/alex.pth` for version "0.0").

Versions: "0.1" (the `lpips` package's default) scales the input by the ImageNet-like
shift/scale layer before AlexNet; "0.0" (the code the FASRGAN authors evaluated with) computes
that scaling but, through a bug in the old release, feeds the unscaled [-1, 1] image to
AlexNet. Use `version="0.0"` with the v0.0 weights to reproduce the paper's LPIPS column.
"""

import os
import re

import keras
import numpy as np
from keras import layers
from keras import ops

_SHIFT = (-0.030, -0.088, -0.188)
_SCALE = (0.458, 0.448, 0.450)
# (filters, kernel, stride, padding, torch index in alexnet.features), max-pool before 2 and 3
_ALEX_CONVS = ((64, 11, 4, 2, 0), (192, 5, 1, 2, 3), (384, 3, 1, 1, 6), (256, 3, 1, 1, 8),
               (256, 3, 1, 1, 10))
CHANNELS = (64, 192, 384, 256, 256)
ALEXNET_URL = "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth"
LIN_URL = ("https://github.com/richzhang/PerceptualSimilarity/raw/master/lpips/weights/"
           "v{version}/alex.pth")


def default_paths(version="0.1"):
    """`(lin_path, alexnet_path)` under `~/.keras/models/`."""
    base = os.path.join(os.path.expanduser("~"), ".keras", "models")
    return (os.path.join(base, "lpips", f"v{version}", "alex.pth"),
            os.path.join(base, "alexnet-owt-7be5be79.pth"))


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class AlexNetFeatures(keras.Model):
    """torchvision's AlexNet `features` up to relu5, returning the five ReLU outputs.

    Input: `(batch, H, W, 3)` (H, W >= 32 or so). Torch's symmetric padding is reproduced
    with explicit zero padding, so loaded torchvision weights give the same activations.

    Examples:
        >>> feats = AlexNetFeatures()(np.zeros((1, 64, 64, 3), "float32"))  # doctest: +SKIP
        >>> [f.shape[-1] for f in feats]  # doctest: +SKIP
        [64, 192, 384, 256, 256]
    """

    def __init__(self, **kwargs):
        inputs = keras.Input((None, None, 3))
        x = inputs
        outputs = []
        for i, (filters, k, stride, pad, idx) in enumerate(_ALEX_CONVS):
            if i in (1, 2):
                x = layers.MaxPooling2D(3, 2, padding="valid", name=f"pool{i}")(x)
            x = layers.ZeroPadding2D(pad, name=f"pad{idx}")(x)
            x = layers.Conv2D(filters, k, strides=stride, padding="valid", name=f"conv{idx}")(x)
            x = layers.ReLU(name=f"relu{i + 1}")(x)
            outputs.append(x)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _normalize(x, eps=1e-10):
    norm = ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True))
    return x / (norm + eps)


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class LPIPS(keras.Model):
    """LPIPS distance between two image batches in [0, 1]; output shape `(batch,)`.

    Args:
        version: "0.1" (default, the `lpips` package) or "0.0" (the paper's evaluation code).

    Call it on `[image0, image1]`. Build with `LPIPS.from_weights(...)` to load the official
    weights; a bare `LPIPS()` has random weights.

    Examples:
        >>> metric = LPIPS.from_weights("alex.pth", "alexnet-owt-7be5be79.pth")  # doctest: +SKIP
        >>> metric.predict([sr_batch, hr_batch])  # doctest: +SKIP
        array([0.123], dtype=float32)
    """

    def __init__(self, version="0.1", **kwargs):
        version = str(version)
        if version not in ("0.0", "0.1"):
            raise ValueError(f"version must be '0.0' or '0.1', got {version!r}")
        in0 = keras.Input((None, None, 3), name="image0")
        in1 = keras.Input((None, None, 3), name="image1")
        backbone = AlexNetFeatures(name="alexnet")
        lins = [layers.Conv2D(1, 1, use_bias=False, name=f"lin{i}") for i in range(5)]
        shift = np.array(_SHIFT, "float32")
        scale = np.array(_SCALE, "float32")

        def prepare(x):
            x = x * 2.0 - 1.0  # LPIPS works on [-1, 1]
            if version == "0.1":
                x = (x - shift) / scale
            return x

        f0 = backbone(prepare(in0))
        f1 = backbone(prepare(in1))
        total = None
        for a, b, lin in zip(f0, f1, lins):
            d = ops.square(_normalize(a) - _normalize(b))
            v = ops.mean(lin(d), axis=(1, 2, 3))
            total = v if total is None else total + v
        super().__init__(inputs=[in0, in1], outputs=total, **kwargs)
        self.version = version
        self.backbone = backbone
        self.lins = lins

    def get_config(self):
        return {"version": self.version, "name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @classmethod
    def from_weights(cls, lin_path=None, alexnet_path=None, version="0.1"):
        """An LPIPS model with the official weights (see `load_lpips_weights`)."""
        model = cls(version=version)
        load_lpips_weights(model, lin_path, alexnet_path)
        return model


def _missing(path, what, url, version):
    return FileNotFoundError(
        f"LPIPS {what} weights not found at {path}. Download {url} and save it there "
        f"(or pass its path). These are PyTorch files, read with torch (pip install torch)."
    )


def _torch_load(path):
    try:
        import torch
    except ImportError as e:
        raise ImportError("reading the LPIPS .pth weights needs PyTorch: pip install torch") from e
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    return {k.removeprefix("module."): v.detach().cpu().numpy() for k, v in state.items()}


def load_lpips_weights(model, lin_path=None, alexnet_path=None):
    """Loads torchvision AlexNet and the LPIPS linear-layer weights into an `LPIPS` model.

    Args:
        model: an `LPIPS` instance.
        lin_path: the LPIPS `alex.pth` (keys `lin0.model.1.weight` ... or `lin0.weight`).
        alexnet_path: torchvision's `alexnet-owt-7be5be79.pth` (keys `features.N.weight`).
            Both default to `default_paths(model.version)`.

    Raises:
        FileNotFoundError: a file is missing; the message says what to download and where.
        ValueError: a file lacks expected tensors or has the wrong shapes.
    """
    d_lin, d_alex = default_paths(model.version)
    lin_path = os.fspath(lin_path or d_lin)
    alexnet_path = os.fspath(alexnet_path or d_alex)
    if not os.path.isfile(alexnet_path):
        raise _missing(alexnet_path, "AlexNet (torchvision)", ALEXNET_URL, model.version)
    if not os.path.isfile(lin_path):
        raise _missing(lin_path, f"linear-layer (v{model.version})",
                       LIN_URL.format(version=model.version), model.version)
    alex = _torch_load(alexnet_path)
    for filters, k, _, _, idx in _ALEX_CONVS:
        try:
            w = alex[f"features.{idx}.weight"]
            b = alex[f"features.{idx}.bias"]
        except KeyError:
            raise ValueError(f"{alexnet_path}: no features.{idx}.weight/bias; is it torchvision's "
                             "AlexNet state dict?") from None
        layer = model.backbone.get_layer(f"conv{idx}")
        kernel = np.transpose(w, (2, 3, 1, 0))  # OIHW -> HWIO
        if kernel.shape != tuple(layer.kernel.shape):
            raise ValueError(f"{alexnet_path}: features.{idx}.weight has shape {w.shape}, "
                             f"expected {(filters, layer.kernel.shape[2], k, k)}")
        layer.set_weights([kernel, b])
    lin = _torch_load(lin_path)
    found = {}
    for key, value in lin.items():
        m = re.fullmatch(r"lin(\d)\.(?:model\.\d\.)?weight", key)
        if m:
            found[int(m.group(1))] = value
    for i, channels in enumerate(CHANNELS):
        if i not in found:
            raise ValueError(f"{lin_path}: no weight for lin{i}; is it an LPIPS alex.pth?")
        w = found[i]
        if w.shape != (1, channels, 1, 1):
            raise ValueError(f"{lin_path}: lin{i} has shape {w.shape}, expected (1, {channels}, 1, 1)")
        model.lins[i].set_weights([np.transpose(w, (2, 3, 1, 0))])
    return model


def lpips_distance(image0, image1, lin_path=None, alexnet_path=None, version="0.1", model=None):
    """LPIPS between two images (or batches): uint8/uint16 or float in [0, 1].

    Returns a float for single images, a NumPy array for batches. Pass `model` (an `LPIPS`
    with weights loaded) to avoid reloading the weights for every call.

    Examples:
        >>> lpips_distance(sr, hr, "alex.pth", "alexnet-owt-7be5be79.pth")  # doctest: +SKIP
        0.1234
    """
    from keras_fasrgan.utils import to_float

    a = to_float(image0)
    b = to_float(image1)
    if a.shape != b.shape:
        raise ValueError(f"image shapes differ: {a.shape} vs {b.shape}")
    single = a.ndim == 3
    if single:
        a, b = a[None], b[None]
    if model is None:
        model = LPIPS.from_weights(lin_path, alexnet_path, version=version)
    out = keras.ops.convert_to_numpy(model([a, b], training=False))
    return float(out[0]) if single else out
