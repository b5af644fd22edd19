"""LPIPS: the weight loader against a PyTorch re-implementation with the same random weights."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from keras_fasrgan.metrics import LPIPS
from keras_fasrgan.metrics import lpips_distance
from keras_fasrgan.metrics.lpips import CHANNELS


def _random_weights(tmp_path, lin_key="lin{}.model.1.weight"):
    g = torch.Generator().manual_seed(0)
    convs = {0: (64, 3, 11), 3: (192, 64, 5), 6: (384, 192, 3), 8: (256, 384, 3), 10: (256, 256, 3)}
    alex = {}
    for idx, (o, i, k) in convs.items():
        alex[f"features.{idx}.weight"] = torch.randn(o, i, k, k, generator=g) * (2.0 / (i * k * k)) ** 0.5
        alex[f"features.{idx}.bias"] = torch.randn(o, generator=g) * 0.1
    alex["classifier.1.weight"] = torch.zeros(2, 2)  # extra keys are ignored
    lin = {lin_key.format(i): torch.rand(1, c, 1, 1, generator=g) for i, c in enumerate(CHANNELS)}
    torch.save(alex, tmp_path / "alexnet-owt-7be5be79.pth")
    torch.save(lin, tmp_path / "alex.pth")
    return alex, lin


def _torch_lpips(alex, lin, x0, x1, version):
    """Reference: the official PNetLin forward, written out with torch.nn.functional."""
    shift = torch.tensor([-0.030, -0.088, -0.188]).view(1, 3, 1, 1)
    scale = torch.tensor([0.458, 0.448, 0.450]).view(1, 3, 1, 1)

    def feats(x):
        x = torch.from_numpy(x).permute(0, 3, 1, 2) * 2 - 1
        if version == "0.1":
            x = (x - shift) / scale
        out = []
        x = F.relu(F.conv2d(x, alex["features.0.weight"], alex["features.0.bias"], stride=4, padding=2))
        out.append(x)
        x = F.max_pool2d(x, 3, 2)
        x = F.relu(F.conv2d(x, alex["features.3.weight"], alex["features.3.bias"], padding=2))
        out.append(x)
        x = F.max_pool2d(x, 3, 2)
        for idx in (6, 8, 10):
            x = F.relu(F.conv2d(x, alex[f"features.{idx}.weight"], alex[f"features.{idx}.bias"], padding=1))
            out.append(x)
        return out

    total = 0
    for i, (a, b) in enumerate(zip(feats(x0), feats(x1))):
        na = a / (torch.sqrt(torch.sum(a**2, dim=1, keepdim=True)) + 1e-10)
        nb = b / (torch.sqrt(torch.sum(b**2, dim=1, keepdim=True)) + 1e-10)
        w = list(lin.values())[i]
        total = total + F.conv2d((na - nb) ** 2, w).mean(dim=(1, 2, 3))
    return total.numpy()


@pytest.mark.parametrize("version", ["0.1", "0.0"])
def test_loaded_weights_match_torch_reference(tmp_path, rng, version):
    alex, lin = _random_weights(tmp_path)
    model = LPIPS.from_weights(tmp_path / "alex.pth", tmp_path / "alexnet-owt-7be5be79.pth", version)
    x0 = rng.uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    x1 = np.clip(x0 + rng.normal(0, 0.1, x0.shape), 0, 1).astype("float32")
    ours = np.asarray(model([x0, x1], training=False))
    ref = _torch_lpips(alex, lin, x0, x1, version)
    np.testing.assert_allclose(ours, ref, rtol=2e-4, atol=1e-6)
    assert np.all(ref > 0)
    # identical images: exactly zero
    np.testing.assert_allclose(np.asarray(model([x0, x0])), 0.0, atol=1e-7)
    # single-image convenience wrapper, uint8 input
    img0 = (x0[0] * 255).round().astype(np.uint8)
    assert lpips_distance(img0, img0, model=model) == pytest.approx(0.0, abs=1e-7)
    assert lpips_distance(x0[0], x1[0], model=model) == pytest.approx(float(ref[0]), rel=2e-4)


def test_plain_lin_keys_and_config(tmp_path):
    _random_weights(tmp_path, lin_key="lin{}.weight")
    model = LPIPS.from_weights(tmp_path / "alex.pth", tmp_path / "alexnet-owt-7be5be79.pth")
    assert model.get_config()["version"] == "0.1"
    assert LPIPS.from_config(model.get_config()).version == "0.1"
    with pytest.raises(ValueError, match="version"):
        LPIPS(version="0.2")


def test_missing_and_wrong_weights(tmp_path):
    with pytest.raises(FileNotFoundError, match="alexnet-owt-7be5be79.pth"):
        LPIPS.from_weights(tmp_path / "alex.pth", tmp_path / "nope.pth")
    _random_weights(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"v0.1/alex.pth"):
        LPIPS.from_weights(tmp_path / "missing_alex.pth", tmp_path / "alexnet-owt-7be5be79.pth")
    torch.save({"something": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(ValueError, match="lin0"):
        LPIPS.from_weights(tmp_path / "bad.pth", tmp_path / "alexnet-owt-7be5be79.pth")
