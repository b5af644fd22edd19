"""VGG19 perceptual loss: L1 between frozen VGG19 features (conv5_4 before its ReLU by default).

The official FASRGAN / ESRGAN loss uses torchvision's VGG19 (`vgg19-dcbb9e9d.pth`), whose
features expect RGB in [0, 1] normalised with the ImageNet mean/std ("torch" preprocessing).
Keras' own `keras.applications.VGG19` "imagenet" weights are the Caffe conversion and expect BGR
0-255 minus the Caffe mean ("caffe" preprocessing). Their features have different scales, so
the official loss weight 1.0 only means the same thing with the torchvision weights (the
authors' `VGGFeatureExtractor`, `use_input_norm=True`). The preprocessing therefore defaults
by weight source.

Examples:
    >>> from keras_fasrgan.losses import PerceptualLoss
    >>> loss = PerceptualLoss(weights="vgg19-dcbb9e9d.pth")  # faithful (torch preprocessing)
    >>> value = loss(hr, sr)  # mean |phi(SR) - phi(HR)|
"""

import os

import keras
import numpy as np
from keras import ops

# VGG19 "features": (block, number of convs, filters).
_VGG19_BLOCKS = ((1, 2, 64), (2, 2, 128), (3, 4, 256), (4, 4, 512), (5, 4, 512))
# Index of each conv in torchvision's `vgg19().features` (conv, ReLU, ..., MaxPool).
TORCHVISION_CONV_INDICES = (0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34)
KERAS_VGG19_NOTOP_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
KERAS_VGG19_NOTOP_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + KERAS_VGG19_NOTOP_FILE
)
KERAS_VGG19_NOTOP_HASH = "253f8cb515780f3b799900260a226db6"
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


def vgg19_layer_names():
    """Names of VGG19's feature layers in order, as in `keras.applications.VGG19`.

    Examples:
        >>> vgg19_layer_names()[-2]  # 'block5_conv4'
    """
    names = []
    for block, convs, _ in _VGG19_BLOCKS:
        names += [f"block{block}_conv{i}" for i in range(1, convs + 1)]
        names.append(f"block{block}_pool")
    return names


def _conv_names():
    return [n for n in vgg19_layer_names() if "conv" in n]


def _get_file(*args, **kwargs):
    # Indirection so tests can simulate being offline.
    return keras.utils.get_file(*args, **kwargs)


def build_vgg19_features(layer="block5_conv4", before_activation=True, name="vgg19_features"):
    """Functional VGG19 feature extractor truncated at `layer` (random weights).

    With `before_activation=True` and a conv `layer`, that last conv has a linear activation
    (features before its ReLU). Layer names match `keras.applications.VGG19`.

    Examples:
        >>> model = build_vgg19_features("block5_conv4")  # (B, H, W, 3) -> (B, H/16, W/16, 512)
    """
    names = vgg19_layer_names()
    if layer not in names:
        raise ValueError(f"Unknown VGG19 layer {layer!r}; expected one of {names}")
    inputs = keras.Input((None, None, 3), name="image")
    x = inputs
    filters = {f"block{b}": f for b, _, f in _VGG19_BLOCKS}
    for lname in names:
        if "pool" in lname:
            x = keras.layers.MaxPooling2D(2, strides=2, name=lname)(x)
        else:
            last = lname == layer
            act = None if (last and before_activation) else "relu"
            x = keras.layers.Conv2D(
                filters[lname.split("_")[0]], 3, padding="same", activation=act, name=lname
            )(x)
        if lname == layer:
            break
    return keras.Model(inputs, x, name=name)


def load_torchvision_vgg19_state(path):
    """Read torchvision VGG19 conv weights from a `.pth` into Keras layouts.

    Accepts `vgg19().state_dict()` (keys `features.N.weight`) or a features-only state dict
    (keys `N.weight`). Returns `{keras_conv_name: (kernel HWIO, bias)}`.

    Examples:
        >>> weights = load_torchvision_vgg19_state("vgg19-dcbb9e9d.pth")
        >>> weights["block5_conv4"][0].shape  # (3, 3, 512, 512)
    """
    try:
        import torch
    except ImportError as e:  # pragma: no cover - torch is an optional dependency
        raise ImportError("Reading a .pth VGG19 checkpoint needs PyTorch (pip install torch)") from e
    state = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    out = {}
    for kname, idx in zip(_conv_names(), TORCHVISION_CONV_INDICES):
        for prefix in ("features.", "module.features.", ""):
            wkey, bkey = f"{prefix}{idx}.weight", f"{prefix}{idx}.bias"
            if wkey in state and bkey in state:
                break
        else:
            raise ValueError(
                f"{path}: not a torchvision VGG19 state dict (missing features.{idx}.weight/bias)"
            )
        w = state[wkey].detach().cpu().numpy()
        if w.ndim != 4:
            raise ValueError(f"{path}: {wkey} has shape {tuple(w.shape)}, expected OIHW")
        out[kname] = (np.transpose(w, (2, 3, 1, 0)), state[bkey].detach().cpu().numpy())
    return out


def _keras_vgg19_state(path):
    source = keras.applications.VGG19(include_top=False, weights=None, input_shape=(None, None, 3))
    try:
        source.load_weights(os.fspath(path))
    except Exception as e:
        raise ValueError(
            f"{path}: could not load as weights of keras.applications.VGG19(include_top=False): {e}"
        ) from e
    return {n: tuple(source.get_layer(n).get_weights()) for n in _conv_names()}


def _imagenet_file():
    try:
        return _get_file(
            KERAS_VGG19_NOTOP_FILE,
            KERAS_VGG19_NOTOP_URL,
            cache_subdir="models",
            file_hash=KERAS_VGG19_NOTOP_HASH,
        )
    except Exception as e:
        raise RuntimeError(
            "PerceptualLoss(weights='imagenet') needs Keras' VGG19 ImageNet weights and could not "
            f"download them ({type(e).__name__}: {e}). Download {KERAS_VGG19_NOTOP_URL} into "
            f"~/.keras/models/{KERAS_VGG19_NOTOP_FILE}, or give a local file (a .h5/.weights.h5 "
            "file, or torchvision's vgg19-dcbb9e9d.pth for the official loss): "
            "`--vgg-weights PATH` to fasrgan train / demo, `weights=PATH` in Python."
        ) from e


@keras.saving.register_keras_serializable(package="keras_fasrgan")
class PerceptualLoss(keras.layers.Layer):
    """L1 distance between frozen VGG19 features of SR and HR (mean over all elements).

    Args:
        weights: "imagenet" (Keras' Caffe-converted weights, downloaded once to
            `~/.keras/models/`), a path to torchvision's VGG19 `.pth` (the official loss), a path
            to a Keras `.h5`/`.weights.h5` file of `keras.applications.VGG19(include_top=False)`,
            or None (random init; tests only).
        layer: VGG19 layer whose output is compared (Keras names, default "block5_conv4").
        before_activation: take a conv layer's output before its ReLU (official: True).
        preprocessing: "caffe" (RGB [0,1] -> BGR 0-255 minus the Caffe mean) or "torch"
            (ImageNet mean/std on RGB [0,1]). Default: "torch" for `.pth`/`.pt` weights, else
            "caffe".

    Inputs are RGB floats in [0, 1], channels-last. `call(y_true, y_pred)` returns a scalar.

    Examples:
        >>> loss = PerceptualLoss(weights=None)
        >>> value = loss(hr, sr)
        >>> features = loss.features(hr)
    """

    def __init__(
        self,
        weights="imagenet",
        layer="block5_conv4",
        before_activation=True,
        preprocessing=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        source = None if weights is None else os.fspath(weights)
        if preprocessing is None:
            is_torch = source is not None and source.lower().endswith((".pth", ".pt"))
            preprocessing = "torch" if is_torch else "caffe"
        if preprocessing not in ("caffe", "torch"):
            raise ValueError(f"preprocessing must be 'caffe' or 'torch', got {preprocessing!r}")
        self.weights_source = source
        self.layer_name = layer
        self.before_activation = bool(before_activation)
        self.preprocessing = preprocessing
        self.vgg = build_vgg19_features(layer, self.before_activation)
        if source is not None:
            if source == "imagenet":
                state = _keras_vgg19_state(_imagenet_file())
            elif not os.path.exists(source):
                raise FileNotFoundError(f"VGG19 weights file not found: {source}")
            elif source.lower().endswith((".pth", ".pt")):
                state = load_torchvision_vgg19_state(source)
            else:
                state = _keras_vgg19_state(source)
            for lyr in self.vgg.layers:
                if lyr.name in state:
                    lyr.set_weights(list(state[lyr.name]))
        self.vgg.trainable = False
        self.trainable = False

    def preprocess(self, images):
        """Map RGB [0, 1] images to the input convention of the loaded weights."""
        x = ops.cast(images, "float32")
        if self.preprocessing == "caffe":
            x = ops.flip(x, axis=-1) * 255.0
            return x - ops.convert_to_tensor(_CAFFE_MEAN_BGR, "float32")
        mean = ops.convert_to_tensor(_IMAGENET_MEAN, "float32")
        std = ops.convert_to_tensor(_IMAGENET_STD, "float32")
        return (x - mean) / std

    def features(self, images):
        """VGG19 features of RGB [0, 1] images (after preprocessing)."""
        return self.vgg(self.preprocess(images), training=False)

    def call(self, y_true, y_pred):
        # Under a mixed-precision policy the features are float16/bfloat16; the loss is float32.
        fake = ops.cast(self.features(y_pred), "float32")
        real = ops.cast(self.features(y_true), "float32")
        return ops.mean(ops.abs(fake - real))

    def compute_output_spec(self, y_true, y_pred):
        return keras.KerasTensor((), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "weights": self.weights_source,
                "layer": self.layer_name,
                "before_activation": self.before_activation,
                "preprocessing": self.preprocessing,
            }
        )
        return config
