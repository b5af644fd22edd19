"""Test configuration shared by every test module.

The suite runs three times (see the Makefile): the whole suite on TensorFlow, then the tests
marked `multi_backend` on JAX and on PyTorch. `KERAS_BACKEND` must be set before keras is
imported, so it is defaulted here.
"""

import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
# ../shared/data beside the project checkout: read-only test data, never copied in. A user's
# clone has no ../shared; CI checks out beside it.
SHARED_DATA = ROOT.parent / "shared" / "data"


def under_ci():
    """Whether the suite runs under CI (`CI` set to true/1/yes, as CI services do)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def shared_data(*parts):
    """Path of a file or folder inside ../shared/data (the read-only test data).

    When it is missing, the calling test is skipped with a reason naming the missing path (a
    user's clone has no ../shared), except under CI (`CI=true`), where it fails: there the
    data must be present, so a missing file is a broken set-up, not a reason to skip.
    Call it inside the test (or a fixture), never at import time, so that only the tests
    that need the file are skipped.
    """
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        message = f"test data {path} is missing (the checkout is not beside ../shared)"
        if under_ci():
            pytest.fail(f"{message}; under CI it must be present")
        pytest.skip(message)
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session", autouse=True)
def _inference_cache(tmp_path_factory):
    """The on-disk inference cache (TFLite conversions, engine probes) in a temporary folder,
    shared by the whole session and its subprocesses, never the user's ~/.cache."""
    os.environ["KERAS_FASRGAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("inference-cache"))


@pytest.fixture(autouse=True)
def _seed():
    import keras

    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def lively_model():
    """Tiny x4 RRDBNet with variance-preserving weights, so outputs are not all about zero.

    Module-scoped: every test module gets its own instance (some tests change its weights).
    """
    from keras_fasrgan.models import RRDBNet

    model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)
    rng = np.random.default_rng(1)
    for v in model.weights:
        shape = tuple(v.shape)
        if len(shape) == 4:
            v.assign(rng.normal(0.0, 1.0 / np.sqrt(np.prod(shape[:3])), shape).astype("float32"))
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    return model


@pytest.fixture(scope="module")
def tiny_model_path(tmp_path_factory):
    """Path of a saved tiny x4 RRDBNet (`.keras`, default init, output bias 0.5), for CLI tests."""
    from keras_fasrgan.models import RRDBNet

    model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    model.save(path)
    return str(path)
