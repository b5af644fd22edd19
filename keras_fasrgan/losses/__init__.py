"""keras_fasrgan.losses."""
