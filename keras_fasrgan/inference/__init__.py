"""keras_fasrgan.inference."""
