"""A `.tflite` file as a model: `load_generator`, `upscale`, the engines and the CLI take it."""

import numpy as np
import pytest

from keras_fasrgan.cli import main
from keras_fasrgan.export import ExportError
from keras_fasrgan.export import to_onnx
from keras_fasrgan.export import to_tflite
from keras_fasrgan.inference import TFLiteModel
from keras_fasrgan.inference import get_engine
from keras_fasrgan.inference import upscale
from keras_fasrgan.loading import ModelLoadError
from keras_fasrgan.loading import load_generator
from keras_fasrgan.utils import read_image
from keras_fasrgan.utils import write_image


@pytest.fixture(scope="module")
def tflite_path(lively_model, tmp_path_factory):
    return to_tflite(lively_model, str(tmp_path_factory.mktemp("m") / "lively.tflite"))


def test_loads_as_a_model_and_upscales_like_keras(lively_model, tflite_path):
    model = load_generator(tflite_path)
    assert isinstance(model, TFLiteModel) and model.scale == 4
    assert model.inputs[0].shape == (None, None, None, 3)
    assert load_generator(model) is model
    image = (np.random.default_rng(0).random((30, 21, 3)) * 255).astype(np.uint8)
    for engine in ("auto", "tflite"):
        got = upscale(model, image, tile=16, tile_pad=8, engine=engine)
        want = upscale(lively_model, image, tile=16, tile_pad=8, engine="keras")
        assert got.shape == want.shape == (120, 84, 3)
        assert np.abs(got.astype(int) - want.astype(int)).max() <= 1  # uint8 rounding
    x = np.random.default_rng(1).random((2, 9, 7, 3), dtype=np.float32)
    np.testing.assert_allclose(model.predict_on_batch(x), lively_model.predict_on_batch(x),
                               atol=1e-4)
    with pytest.raises(ValueError, match="TFLite model"):
        get_engine(model, "keras")
    with pytest.raises(ExportError, match="not a Keras model"):
        to_tflite(model, tflite_path + ".again")
    with pytest.raises(ExportError, match="not a Keras model"):
        to_onnx(model, tflite_path + ".onnx")


def test_scale_is_read_from_the_file_for_x2_and_fixed_shapes(tmp_path):
    from keras_fasrgan.models import RRDBNet

    x2 = RRDBNet(scale=2, num_blocks=1, filters=8, growth_channels=4)
    fixed = to_tflite(x2, str(tmp_path / "x2_fixed.tflite"), input_shape=(12, 10))
    model = load_generator(fixed)
    assert model.scale == 2 and model.inputs[0].shape == (1, 12, 10, 3)
    image = np.random.default_rng(0).random((12, 10, 3)).astype(np.float32)
    np.testing.assert_allclose(upscale(model, image), upscale(x2, image, engine="keras"),
                               atol=1e-4)
    with pytest.raises(ExportError, match="does not fit"):
        upscale(model, np.zeros((20, 20, 3), np.float32))


def _tf_to_tflite(fn, spec, path):
    import tensorflow as tf

    f = tf.function(fn, input_signature=[tf.TensorSpec(spec, tf.float32)])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    path.write_bytes(converter.convert())
    return str(path)


def test_non_image_and_broken_files_are_refused_clearly(tmp_path):
    import tensorflow as tf

    vector = _tf_to_tflite(lambda x: 2.0 * x, (1, 16), tmp_path / "vector.tflite")
    with pytest.raises(ModelLoadError, match="vector.tflite.*not an image model"):
        load_generator(vector)
    pooled = _tf_to_tflite(lambda x: tf.reduce_mean(x, axis=(1, 2)), (1, None, None, 3),
                           tmp_path / "classifier.tflite")
    with pytest.raises(ModelLoadError, match="classifier.tflite.*not an image-to-image model"):
        load_generator(pooled)
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"definitely not a flatbuffer" * 10)
    with pytest.raises(ModelLoadError, match="junk.tflite.*not a TFLite model"):
        load_generator(str(junk))
    with pytest.raises(ModelLoadError, match="no such model file"):
        load_generator(str(tmp_path / "missing.tflite"))


def test_cli_upscales_with_a_tflite_model(tflite_path, tmp_path, capsys):
    src = tmp_path / "in.png"
    write_image(src, (np.random.default_rng(2).random((20, 24, 3)) * 255).astype(np.uint8))
    out = tmp_path / "out.png"
    assert main(["upscale", str(src), "-o", str(out), "--model", tflite_path, "--quiet"]) == 0
    assert read_image(out).shape == (80, 96, 3)
    assert main(["upscale", str(src), "-o", str(tmp_path / "k.png"), "--model", tflite_path,
                 "--engine", "keras", "--quiet"]) == 1
    captured = capsys.readouterr()  # the per-image error goes to stdout or stderr
    assert "TFLite model" in captured.out + captured.err
