"""Official loss weights (DESIGN 1.4) and a helper that merges user overrides.

Example:

```python
from keras_fasrgan.losses import resolve_loss_weights
resolve_loss_weights({"attention": 1e-2})["attention"]  # 0.01
```
"""

DEFAULT_LOSS_WEIGHTS = {
    "pixel": 1e-2,
    "perceptual": 1.0,
    "adversarial": 5e-3,
    "map": 5e-3,
    "attention": 5e-2,
}


def resolve_loss_weights(loss_weights=None, defaults=None):
    """Return the official weights updated with `loss_weights`; unknown keys raise ValueError.

    Example:

    ```python
    resolve_loss_weights({"pixel": 0.0})
    ```
    """
    merged = dict(DEFAULT_LOSS_WEIGHTS if defaults is None else defaults)
    for key, value in (loss_weights or {}).items():
        if key not in DEFAULT_LOSS_WEIGHTS:
            raise ValueError(
                f"Unknown loss weight {key!r}; expected one of {sorted(DEFAULT_LOSS_WEIGHTS)}"
            )
        merged[key] = float(value)
    return merged
