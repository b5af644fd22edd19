"""`fasrgan convert`: official checkpoint -> .keras / .weights.h5, in-process and once as a
subprocess."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import torch
from conftest import ROOT
from conftest import shared_data

from keras_fasrgan.cli import main
from keras_fasrgan.convert import load_checkpoint_as_model
from keras_fasrgan.models import FeatureExtractor
from keras_fasrgan.models import RRDBNet


def official_e():
    return str(shared_data("official_weights", "FsSRGAN_E.pth"))


def tiny_x2_checkpoint(path):
    """A random x2 generator in the old BasicSR layout (nb=1, nf=8, gc=4)."""
    g = torch.Generator().manual_seed(0)
    sd = {}

    def conv(name, cin, cout):
        sd[f"{name}.weight"] = torch.randn(cout, cin, 3, 3, generator=g) * 0.1
        sd[f"{name}.bias"] = torch.randn(cout, generator=g) * 0.1

    conv("model.0", 3, 8)
    for k in (1, 2, 3):
        for j in range(1, 6):
            conv(f"model.1.sub.0.RDB{k}.conv{j}.0", 8 + 4 * (j - 1), 4 if j < 5 else 8)
    conv("model.1.sub.1", 8, 8)
    for index, cout in ((3, 8), (5, 8), (7, 3)):
        conv(f"model.{index}", 8, cout)
    torch.save(sd, path, _use_new_zipfile_serialization=False)
    return path


def assert_same(variable, tensor):
    """A Keras variable equals a torch tensor (conv kernels: HWIO vs OIHW)."""
    value = tensor.numpy()
    if value.ndim == 4:
        value = np.transpose(value, (2, 3, 1, 0))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable), value)


@pytest.mark.multi_backend
def test_convert_official_e_to_keras(tmp_path, capsys):
    out = tmp_path / "e.keras"
    assert main(["convert", official_e(), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    arch = "FeatureExtractor(num_blocks=1, filters=64, growth_channels=32, in_channels=3)"
    assert arch in printed
    assert "758,144" in printed and "old BasicSR" in printed
    loaded = keras.saving.load_model(out)
    assert isinstance(loaded, FeatureExtractor) and loaded.count_params() == 758144
    sd = torch.load(official_e(), map_location="cpu", weights_only=True)
    assert_same(loaded.get_layer("conv_first").kernel, sd["model.0.weight"])
    rdb3 = loaded.get_layer("rrdb_0").rdb3
    assert_same(rdb3.convs[4].bias, sd["model.1.sub.0.RDB3.conv5.0.bias"])
    assert_same(loaded.get_layer("conv_body").kernel, sd["model.1.sub.1.weight"])
    assert not any(".tmp-" in p.name for p in tmp_path.iterdir())


@pytest.mark.multi_backend
def test_convert_weights_only_with_scale_override(tmp_path, capsys):
    ckpt = tiny_x2_checkpoint(tmp_path / "g_x3.pth")
    out = tmp_path / "g_x3.weights.h5"
    assert main(["convert", str(ckpt), "--weights-only", "--scale", "3", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "inferred:     RRDBNet(scale=2," in printed
    assert "building:     RRDBNet(scale=3, num_blocks=1, filters=8, growth_channels=4" in printed
    model = RRDBNet(scale=3, num_blocks=1, filters=8, growth_channels=4)
    model.load_weights(out)
    sd = torch.load(ckpt, map_location="cpu", weights_only=True)
    for layer, key in (("conv_first", "model.0"), ("conv_up1", "model.3"), ("conv_hr", "model.5"),
                       ("conv_last", "model.7")):
        assert_same(model.get_layer(layer).kernel, sd[f"{key}.weight"])
        assert_same(model.get_layer(layer).bias, sd[f"{key}.bias"])
    rdb2 = model.get_layer("rrdb_0").rdb2
    assert_same(rdb2.convs[3].kernel, sd["model.1.sub.0.RDB2.conv4.0.weight"])


@pytest.mark.multi_backend
def test_convert_errors(tmp_path, capsys):
    ckpt = tiny_x2_checkpoint(tmp_path / "g.pth")
    # Never overwrites the input, whatever suffix the user asks for.
    copy = tmp_path / "g.keras"
    copy.write_bytes(ckpt.read_bytes())
    before = copy.read_bytes()
    assert main(["convert", str(copy), "-o", str(copy)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert copy.read_bytes() == before
    # A checkpoint that does not fit the requested architecture: one line naming the key.
    assert main(["convert", str(ckpt), "--num-blocks", "2", "-o", str(tmp_path / "x.keras")]) == 2
    err = capsys.readouterr().err
    assert "model.1.sub.1.RDB1.conv1.0.weight" in err and "Traceback" not in err
    assert not (tmp_path / "x.keras").exists()
    # Wrong output suffix, missing input, unreadable input.
    assert main(["convert", str(ckpt), "-o", str(tmp_path / "x.h5")]) == 2
    assert "must end with .keras" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "missing.pth")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.pth"
    bad.write_bytes(b"hello")
    assert main(["convert", str(bad)]) == 2
    assert "not a PyTorch checkpoint" in capsys.readouterr().err
    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(ckpt.read_bytes()[:100])
    assert main(["convert", str(truncated)]) == 2
    assert "not a readable PyTorch checkpoint" in capsys.readouterr().err


def test_convert_subprocess_default_output(tmp_path):
    ckpt = tiny_x2_checkpoint(tmp_path / "net.pth")
    # torch is needed to read the .pth anyway; its Keras backend spares the TensorFlow import.
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, "-m", "keras_fasrgan.cli", "convert", str(ckpt)],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "RRDBNet(scale=2, num_blocks=1, filters=8" in proc.stdout
    assert "--scale 3" in proc.stdout  # the x2/x3 ambiguity note
    model = keras.saving.load_model(tmp_path / "net.keras")
    assert model.count_params() == load_checkpoint_as_model(ckpt).count_params()
