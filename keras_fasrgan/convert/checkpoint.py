"""Reading PyTorch checkpoints safely into a flat dict of NumPy arrays."""

import os
import pickle
import re
from collections.abc import Mapping

import numpy as np

# Wrappers that training frameworks put around the state dict, most preferred first:
# BasicSR / Real-ESRGAN save {"params_ema": ..., "params": ...}; many others {"state_dict": ...}.
WRAPPER_KEYS = ("params_ema", "params", "state_dict")

TORCH_INSTALL_HINT = (
    "reading PyTorch checkpoints needs torch (the CPU build is enough): pip install torch "
    "--index-url https://download.pytorch.org/whl/cpu  (or: pip install 'keras-fasrgan[torch]')"
)


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: not a PyTorch file, truncated, or holding code.

    Examples:
        >>> try:  # doctest: +SKIP
        ...     read_checkpoint("notes.txt")
        ... except CheckpointError as e:
        ...     print(e)
    """


def import_torch():
    """Imports torch, or raises an `ImportError` that says how to install it."""
    try:
        import torch
    except ImportError as e:
        raise ImportError(TORCH_INSTALL_HINT) from e
    return torch


def _load_file(path):
    torch = import_torch()
    if not os.path.isfile(path):
        raise FileNotFoundError(f"checkpoint {path!r} does not exist")
    try:
        # weights_only=True: tensors and plain containers only, never arbitrary code. It reads
        # both the legacy (pre-1.6) pickle format and the zip format.
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        found = re.search(r"GLOBAL ([\w.]+)", str(e))
        if found:
            raise CheckpointError(
                f"{path}: the checkpoint pickles Python objects other than tensors (first: "
                f"{found.group(1)}); keras_fasrgan does not unpickle them, as that can run "
                "arbitrary code. If you trust the file, re-save only its weights with "
                "torch.save(model.state_dict(), path)"
            ) from None
        raise CheckpointError(
            f"{path}: not a readable PyTorch checkpoint (truncated or another format?)"
        ) from None
    except Exception as e:  # torch raises KeyError, EOFError, RuntimeError... on bad files
        detail = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        raise CheckpointError(
            f"{path}: not a readable PyTorch checkpoint (truncated or another format?): {detail}"
        ) from None


def unwrap_state_dict(obj, source="checkpoint"):
    """Returns the state dict inside `obj`: `params_ema`, else `params`, else `state_dict`.

    A `module.` prefix on every key (from `nn.DataParallel`) is removed.

    Examples:
        >>> import numpy as np
        >>> sd = unwrap_state_dict({"params": {"a": 1}, "params_ema": {"module.b": 2}})
        >>> list(sd)
        ['b']
    """
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"{source}: expected a dict of tensors, got {type(obj).__name__}")
    for key in WRAPPER_KEYS:
        if isinstance(obj.get(key), Mapping):
            return unwrap_state_dict(obj[key], source)
    if obj and all(isinstance(k, str) and k.startswith("module.") for k in obj):
        obj = {k[len("module.") :]: v for k, v in obj.items()}
    return obj


def to_numpy(value, key="value"):
    """A torch tensor, NumPy array or number as a NumPy array (bfloat16 becomes float32)."""
    if hasattr(value, "detach"):  # torch.Tensor, without importing torch
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        return value.numpy()
    array = np.asarray(value)
    if array.dtype == object:
        raise CheckpointError(f"{key!r} is not a tensor (got {type(value).__name__})")
    return array


def read_checkpoint(path_or_state_dict):
    """Reads a PyTorch checkpoint into an ordered `{key: np.ndarray}` dict.

    Accepts a path to a `.pth` / `.pt` file (legacy pickle or zip format, read with
    `torch.load(..., weights_only=True)`), or an in-memory dict of tensors / arrays. Wrapper
    dicts (`params_ema`, `params`, `state_dict`) are unwrapped, `params_ema` first.

    Raises:
        ImportError: a file is given and torch is not installed.
        FileNotFoundError: the file does not exist.
        CheckpointError: the file is not a PyTorch checkpoint, or needs code to unpickle.

    Examples:
        >>> sd = read_checkpoint("FsSRGAN_E.pth")  # doctest: +SKIP
        >>> sd["model.0.weight"].shape  # doctest: +SKIP
        (64, 3, 3, 3)
    """
    if isinstance(path_or_state_dict, Mapping):
        source, obj = "state dict", path_or_state_dict
    else:
        source = os.fspath(path_or_state_dict)
        obj = _load_file(source)
    state_dict = unwrap_state_dict(obj, source)
    return {str(k): to_numpy(v, k) for k, v in state_dict.items()}
