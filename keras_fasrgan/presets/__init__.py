"""keras_fasrgan.presets."""
