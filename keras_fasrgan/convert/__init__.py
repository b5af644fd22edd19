"""Conversion of official PyTorch checkpoints (FASRGAN, Fs-SRGAN, ESRGAN, BasicSR) to Keras.

Examples:
    >>> from keras_fasrgan.convert import load_checkpoint_as_model
    >>> extractor = load_checkpoint_as_model("FsSRGAN_E.pth")  # doctest: +SKIP
"""

from keras_fasrgan.convert.checkpoint import CheckpointError
from keras_fasrgan.convert.checkpoint import read_checkpoint
from keras_fasrgan.convert.layouts import detect_layout
from keras_fasrgan.convert.torch_weights import infer_architecture
from keras_fasrgan.convert.torch_weights import inspect_checkpoint
from keras_fasrgan.convert.torch_weights import load_checkpoint_as_model
from keras_fasrgan.convert.torch_weights import load_torch_weights

__all__ = [
    "CheckpointError",
    "detect_layout",
    "infer_architecture",
    "inspect_checkpoint",
    "load_checkpoint_as_model",
    "load_torch_weights",
    "read_checkpoint",
]
