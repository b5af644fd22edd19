import argparse
import importlib.metadata
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from keras_fasrgan.cli import build_parser
from keras_fasrgan.cli import main

# Generous: a busy 2-core CI machine imports TensorFlow slowly.
TIMEOUT = 600


def test_help_lists_commands(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "fasrgan" in out and "info" in out


def test_info_runs(capsys):
    assert main(["info"]) == 0
    assert "keras_fasrgan" in capsys.readouterr().out


def test_console_entry_point_module():
    # `python -m keras_fasrgan.cli` runs too (tests/convert runs it), but imports Keras first.
    proc = subprocess.run(
        [sys.executable, "-m", "keras_fasrgan_cli", "--version"], capture_output=True, text=True,
        timeout=TIMEOUT, cwd=ROOT,
    )
    assert proc.returncode == 0
    assert "keras_fasrgan" in proc.stdout


def test_console_script_starts_outside_the_package():
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="fasrgan")
    assert script.value == "keras_fasrgan_cli:main"


def _subcommands():
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, action.choices


def test_no_subcommand_accepts_abbreviated_options(capsys):
    parser, subcommands = _subcommands()
    assert not parser.allow_abbrev
    assert set(subcommands) >= {"upscale", "export", "convert", "benchmark", "recognition",
                                "info", "train", "evaluate", "demo"}
    for name, sub in subcommands.items():
        assert sub.allow_abbrev is False, name
    # `--scale 2` was taken as `--scale-out 2` by prefix matching.
    with pytest.raises(SystemExit) as exit_info:
        main(["upscale", "a.png", "-o", "b.png", "--model", "demo_x4", "--scale", "2"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --scale" in capsys.readouterr().err


def test_verbose_before_or_after_the_subcommand():
    parser = build_parser()
    assert parser.parse_args(["--verbose", "info"]).verbose is True
    assert parser.parse_args(["info", "--verbose"]).verbose is True
    assert parser.parse_args(["info"]).verbose is False


# One subprocess with the console script's entry point: help and every early error come
# before Keras or TensorFlow is imported.
_NO_IMPORT_SCRIPT = r"""
import json, sys
import keras_fasrgan_cli
codes = []
for argv in json.loads(sys.argv[1]):
    try:
        codes.append(keras_fasrgan_cli.main(argv))
    except SystemExit as e:
        codes.append(e.code)
heavy = sorted(m for m in ("keras", "tensorflow", "jax", "torch") if m in sys.modules)
print(json.dumps({"codes": codes, "heavy": heavy}))
"""


def test_help_and_input_errors_never_import_keras(tmp_path):
    image = tmp_path / "a.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(image)
    model = tmp_path / "g.keras"
    model.write_bytes(b"PK not really a model")
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    exists = tmp_path / "exists.tflite"
    exists.write_bytes(b"x")
    commands = [
        ["--help"],
        ["upscale", "--help"],
        ["upscale", str(tmp_path / "missing.png"), "-o", str(tmp_path / "o.png"),
         "--model", "demo_x4"],
        ["upscale", str(image), "-o", str(tmp_path / "x.xyz"), "--model", "demo_x4"],
        ["upscale", str(image), "-o", str(blocker / "out.png"), "--model", "demo_x4"],
        ["upscale", str(image), "-o", str(tmp_path / "o.png"), "--model", "nope.keras"],
        ["upscale", str(image), "-o", str(tmp_path / "o.png"), "--model", "demo_x4",
         "--ext", "xyz"],
        ["export", "--model", str(model), "--format", "tflite", "-o", str(exists)],
        ["export", "--model", "no_such_preset", "--format", "onnx", "-o", str(tmp_path / "m")],
        ["convert", str(tmp_path / "missing.pth")],
        ["convert", str(image)],
        ["benchmark", "--model", "demo_x4", "--hr", str(tmp_path / "no_hr")],
        ["recognition", "--sr-dir", str(tmp_path), "--hr-dir", str(tmp_path), "--labels",
         str(tmp_path / "labels.txt")],
    ]
    proc = subprocess.run(
        [sys.executable, "-c", _NO_IMPORT_SCRIPT, json.dumps(commands)],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["codes"] == [0, 0] + [2] * (len(commands) - 2), proc.stderr
    assert result["heavy"] == [], proc.stderr
    for expected in ("missing.png: no such file", "unknown image extension '.xyz'",
                     "is a file, not a folder", "nope.keras: no such model file",
                     "--ext xyz", "already exists", "'no_such_preset' is neither",
                     "does not exist", "not a PyTorch checkpoint", "--hr", "--labels"):
        assert expected in proc.stderr
    assert not (tmp_path / "x.xyz").exists()


def test_native_log_lines_are_hidden_and_skips_go_to_stderr(tmp_path, tiny_model_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    Image.fromarray(np.zeros((5, 6, 3), np.uint8)).save(inputs / "good.png")
    (inputs / "broken.png").write_bytes(b"\x89PNG broken")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    proc = subprocess.run(
        [sys.executable, "-m", "keras_fasrgan_cli", "upscale", str(inputs), "-o",
         str(tmp_path / "out"), "--model", tiny_model_path, "--engine", "keras", "--quiet"],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT, env=env,
    )
    assert proc.returncode == 1  # one input skipped
    assert (tmp_path / "out" / "good.png").exists()
    assert "skipped" in proc.stderr and "broken.png" in proc.stderr
    assert "skipped" not in proc.stdout and "wrote 1 image(s), 1 failed" in proc.stdout
    # Only our own lines: no absl / TensorFlow / CUDA start-up log.
    assert all(line.startswith("fasrgan upscale:") for line in proc.stderr.splitlines()), (
        proc.stderr
    )
