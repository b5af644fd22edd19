"""TFLite export: builtin ops only, dynamic and fixed shapes, float16 / dynamic-range."""

import numpy as np
import pytest

from keras_fasrgan.export import ExportError
from keras_fasrgan.export import make_interpreter
from keras_fasrgan.export import run_tflite
from keras_fasrgan.export import tflite_bytes
from keras_fasrgan.export import tflite_op_names
from keras_fasrgan.export import to_tflite
from keras_fasrgan.metrics import psnr
from keras_fasrgan.models import RRDBNet


@pytest.fixture(scope="module")
def files(lively_model, tmp_path_factory):
    """All conversions once per module: they cost seconds each."""
    root = tmp_path_factory.mktemp("tflite")
    return {
        "float32": to_tflite(lively_model, str(root / "f32.tflite")),
        "fixed": to_tflite(lively_model, str(root / "fixed.tflite"), input_shape=(12, 16)),
        "float16": to_tflite(lively_model, str(root / "f16.tflite"), quantize="float16"),
        "dynamic": to_tflite(lively_model, str(root / "dyn.tflite"), quantize="dynamic"),
    }


def _smooth_batch(shape, seed=0):
    rng = np.random.default_rng(seed)
    b, h, w, c = shape
    yy, xx = np.meshgrid(np.linspace(0, 1, h), np.linspace(0, 1, w), indexing="ij")
    phase = rng.random((b, 1, 1, c)) * 6
    return (0.5 + 0.4 * np.sin(3 * yy[None, ..., None] + 2 * xx[None, ..., None] + phase)
            ).astype(np.float32)


def test_float32_dynamic_matches_keras_at_two_sizes(lively_model, files):
    interpreter = make_interpreter(files["float32"])
    signature = interpreter.get_input_details()[0]["shape_signature"]
    assert list(signature) == [-1, -1, -1, 3]
    rng = np.random.default_rng(0)
    for shape in [(1, 16, 20, 3), (2, 9, 13, 3)]:
        x = rng.random(shape, dtype=np.float32)
        got = run_tflite(interpreter, x)
        assert got.shape == (shape[0], 4 * shape[1], 4 * shape[2], 3)
        np.testing.assert_allclose(got, lively_model.predict_on_batch(x), atol=1e-4)


def test_fixed_shape_matches_keras(lively_model, files):
    interpreter = make_interpreter(files["fixed"])
    assert list(interpreter.get_input_details()[0]["shape_signature"]) == [1, 12, 16, 3]
    x = np.random.default_rng(1).random((1, 12, 16, 3), dtype=np.float32)
    np.testing.assert_allclose(
        run_tflite(interpreter, x), lively_model.predict_on_batch(x), atol=1e-4
    )
    with pytest.raises(ExportError, match="does not fit"):
        run_tflite(interpreter, np.zeros((1, 8, 8, 3), np.float32))


@pytest.mark.parametrize("mode", ["float16", "dynamic"])
def test_quantized_models_are_close(files, mode):
    x = _smooth_batch((1, 24, 24, 3))
    ref = run_tflite(make_interpreter(files["float32"]), x)[0]
    got = run_tflite(make_interpreter(files[mode]), x)[0]
    assert got.shape == ref.shape
    clip = lambda a: np.clip(a, 0, 1)  # noqa: E731
    assert psnr(clip(got), clip(ref), y_channel=False) > 30.0
    import os

    assert os.path.getsize(files[mode]) < os.path.getsize(files["float32"])


def test_builtin_ops_only(files):
    for path in files.values():
        ops = tflite_op_names(path)
        assert "CONV_2D" in ops
        assert not [op for op in ops if op.lower().startswith("flex") or op == "CUSTOM"], ops


def test_refuses_overwrite_and_bad_options(lively_model, files):
    with pytest.raises(ExportError, match="already exists"):
        to_tflite(lively_model, files["float32"])
    with pytest.raises(ExportError, match="quantize"):
        to_tflite(lively_model, files["float32"] + ".x", quantize="int4")


def test_x3_model_converts_and_matches():
    model = RRDBNet(scale=3, num_blocks=1, filters=8, growth_channels=4)
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    interpreter = make_interpreter(tflite_bytes(model))
    x = np.random.default_rng(2).random((1, 7, 10, 3), dtype=np.float32)
    got = run_tflite(interpreter, x)
    assert got.shape == (1, 21, 30, 3)
    np.testing.assert_allclose(got, model.predict_on_batch(x), atol=1e-4)
