"""`fasrgan export`: writes the artifact, prints its size and, with --verify, the difference."""

import os
import re

from keras_fasrgan.cli import main


def _diffs(text):
    return [float(v) for v in re.findall(r"= ([0-9.e+-]+)$", text, flags=re.M)]


def test_export_tflite_with_verify(tiny_model_path, tmp_path, capsys):
    out = tmp_path / "m.tflite"
    assert main(["export", "--model", tiny_model_path, "--format", "tflite", "-o", str(out),
                 "--verify"]) == 0
    text = capsys.readouterr().out
    assert "wrote" in text and "KiB" in text and out.exists()
    diffs = _diffs(text)
    assert len(diffs) == 2 and max(diffs) < 1e-4  # two input sizes for dynamic shapes


def test_export_fixed_tile_and_saved_model(tiny_model_path, tmp_path, capsys):
    out = tmp_path / "tile.tflite"
    assert main(["export", "--model", tiny_model_path, "--format", "tflite", "-o", str(out),
                 "--tile", "16", "--verify"]) == 0
    assert "1x16x16x3" in capsys.readouterr().out
    sm = tmp_path / "sm"
    assert main(["export", "--model", tiny_model_path, "--format", "saved_model", "-o", str(sm),
                 "--verify"]) == 0
    text = capsys.readouterr().out
    assert os.path.isfile(sm / "saved_model.pb") and max(_diffs(text)) < 1e-5


def test_existing_output_and_bad_options_are_usage_errors(tiny_model_path, tmp_path, capsys):
    out = tmp_path / "exists.tflite"
    out.write_bytes(b"keep me")
    assert main(["export", "--model", tiny_model_path, "--format", "tflite", "-o", str(out)]) == 2
    assert out.read_bytes() == b"keep me"
    assert main(["export", "--model", tiny_model_path, "--format", "onnx", "-o",
                 str(tmp_path / "m.onnx"), "--quantize", "float16"]) == 2
    assert "already exists" in capsys.readouterr().err
