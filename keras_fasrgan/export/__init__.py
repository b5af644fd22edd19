"""keras_fasrgan.export."""
