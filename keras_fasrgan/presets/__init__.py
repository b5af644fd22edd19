"""Pretrained generators shipped inside the package.

`demo_x4` is a small demo model (RRDBNet nb=2, nf=32, gc=16, x4, L1-trained for minutes on
scikit-image photos by `scripts/train_demo_preset.py`). It is NOT the paper's FASRGAN: it is
there so that the demo and `fasrgan upscale --model demo_x4` beat bicubic out of the box. The
paper's generators come from the authors' releases, converted with `fasrgan convert`.

Examples:
    >>> from keras_fasrgan.presets import load_preset
    >>> model = load_preset("demo_x4")  # doctest: +SKIP
"""

import json
import os

PRESET_DIR = os.path.dirname(os.path.abspath(__file__))


def available_presets():
    """Names of the presets whose description file ships with the package."""
    return sorted(f[: -len(".json")] for f in os.listdir(PRESET_DIR) if f.endswith(".json"))


def preset_info(name):
    """The preset's description: architecture, training recipe and metrics log."""
    path = os.path.join(PRESET_DIR, f"{name}.json")
    if not os.path.exists(path):
        raise ValueError(f"unknown preset {name!r}; available: {', '.join(available_presets()) or 'none'}")
    with open(path) as f:
        return json.load(f)


def load_preset(name):
    """Builds the preset's network and loads its weights.

    Raises:
        ValueError: unknown preset name.
        FileNotFoundError: the weights file is missing (a broken install or checkout).
    """
    from keras_fasrgan import models

    info = preset_info(name)
    arch = info["architecture"]
    model = getattr(models, arch["class"])(**arch["config"], name=name)
    weights = os.path.join(PRESET_DIR, f"{name}.weights.h5")
    if not os.path.exists(weights):
        raise FileNotFoundError(
            f"preset {name!r}: weights file {weights} is missing; reinstall keras_fasrgan or "
            "recreate it with scripts/train_demo_preset.py"
        )
    model.load_weights(weights)
    return model
