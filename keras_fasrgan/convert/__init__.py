"""keras_fasrgan.convert."""
