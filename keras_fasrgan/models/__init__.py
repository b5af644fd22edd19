"""keras_fasrgan.models."""
