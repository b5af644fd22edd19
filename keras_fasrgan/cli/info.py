"""`fasrgan info`: versions, backend and devices, for bug reports."""


def add_parser(subparsers):
    p = subparsers.add_parser("info", help="print versions, Keras backend and devices")
    p.set_defaults(func=run)


def run(args):
    import platform

    import keras
    import numpy as np

    from keras_fasrgan import __version__

    print(f"keras_fasrgan {__version__}")
    print(f"python        {platform.python_version()}")
    print(f"keras         {keras.__version__} (backend: {keras.backend.backend()})")
    print(f"numpy         {np.__version__}")
    try:
        import tensorflow as tf

        devices = ", ".join(d.name for d in tf.config.list_physical_devices())
        print(f"tensorflow    {tf.__version__} ({devices})")
    except ImportError:
        print("tensorflow    not installed")
    return 0
