"""`tflite_quality`: the quantisation table's evaluation equals the package's own evaluation."""

import pytest

from keras_fasrgan.data import sample_pairs
from keras_fasrgan.demo import evaluate_generators
from keras_fasrgan.export import tflite_quality


def test_float32_row_matches_the_package_evaluation(lively_model):
    pairs = {name: (lr[:20, :24], hr[:80, :96])
             for name, (lr, hr) in sample_pairs(["astronaut", "coffee"]).items()}
    report = tflite_quality(lively_model, pairs, modes=("float32", "dynamic"))
    reference, _ = evaluate_generators({"model": lively_model}, pairs)
    for name in pairs:
        ours, theirs = report["images"][name], reference["images"][name]["model"]
        assert ours["float32"]["psnr"] == pytest.approx(theirs["psnr"], abs=0.01)
        assert ours["float32"]["ssim"] == pytest.approx(theirs["ssim"], abs=1e-3)
        # Quantisation changes the output, by far less than the model's own error.
        assert ours["dynamic"]["psnr_vs_float32"] > ours["float32"]["psnr"] + 5
    assert report["mean"]["float32"]["psnr"] == pytest.approx(
        reference["mean"]["model"]["psnr"], abs=0.01)
    assert report["size_mb"]["dynamic"] < report["size_mb"]["float32"]
    with pytest.raises(ValueError, match="modes"):
        tflite_quality(lively_model, pairs, modes=("int4",))
