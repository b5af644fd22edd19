"""keras_fasrgan.layers."""
