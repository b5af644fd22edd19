"""keras_fasrgan.data."""
