"""keras_fasrgan.metrics."""
