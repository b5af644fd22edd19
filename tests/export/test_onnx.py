"""ONNX export through Keras' exporter, checked with onnxruntime."""

import numpy as np
import pytest

from keras_fasrgan.export import ExportError
from keras_fasrgan.export import to_onnx
from keras_fasrgan.models import RRDBNet


def test_onnx_matches_keras_with_dynamic_shapes(tmp_path):
    import onnxruntime as ort

    model = RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    path = to_onnx(model, str(tmp_path / "m.onnx"))
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    rng = np.random.default_rng(0)
    for shape in [(1, 16, 12, 3), (2, 7, 9, 3)]:
        x = rng.random(shape, dtype=np.float32)
        got = session.run(None, {name: x})[0]
        assert got.shape == (shape[0], 4 * shape[1], 4 * shape[2], 3)
        np.testing.assert_allclose(got, model.predict_on_batch(x), atol=1e-5)
    with pytest.raises(ExportError, match="already exists"):
        to_onnx(model, path)
