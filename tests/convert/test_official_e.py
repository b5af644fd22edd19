"""The authors' released Fs-SRGAN feature extractor E converts exactly.

`FsSRGAN_E.pth` (legacy pickle format, old BasicSR `model.N` keys, nb_e = 1) is loaded into
`FeatureExtractor` and compared with an independent torch.nn.functional forward of the old
BasicSR trunk: fea_conv, then ShortcutBlock(sequential(RRDB, LR_conv)).
"""

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import shared_data

from keras_fasrgan.convert import inspect_checkpoint
from keras_fasrgan.convert import load_checkpoint_as_model
from keras_fasrgan.convert import load_torch_weights
from keras_fasrgan.models import FeatureExtractor


def official_e():
    return shared_data("official_weights", "FsSRGAN_E.pth")


def old_basicsr_trunk(sd, x):
    """model.0 conv, then x + model.1.sub(x) with sub = [RRDB..., conv], in plain torch."""

    def conv(t, name):
        return F.conv2d(t, sd[f"{name}.weight"], sd[f"{name}.bias"], padding=1)

    fea = conv(x, "model.0")
    out = fea
    i = 0
    while f"model.1.sub.{i}.RDB1.conv1.0.weight" in sd:
        rrdb_in = out
        for k in (1, 2, 3):
            feats = [out]
            for j in (1, 2, 3, 4):
                y = conv(torch.cat(feats, 1), f"model.1.sub.{i}.RDB{k}.conv{j}.0")
                feats.append(F.leaky_relu(y, 0.2))
            x5 = conv(torch.cat(feats, 1), f"model.1.sub.{i}.RDB{k}.conv5.0")
            out = x5 * 0.2 + out
        out = out * 0.2 + rrdb_in
        i += 1
    return fea + conv(out, f"model.1.sub.{i}")


@pytest.mark.multi_backend
def test_inspect_official_e():
    info = inspect_checkpoint(official_e())
    assert info == {
        "arch": "FeatureExtractor",
        "num_blocks": 1,
        "filters": 64,
        "growth_channels": 32,
        "in_channels": 3,
        "scale": None,
        "layout": "old-basicsr",
        "pixel_unshuffle": None,
        "num_tensors": 34,
        "num_params": 758144,
    }


@pytest.mark.multi_backend
def test_official_e_matches_independent_torch_forward():
    path = official_e()
    model = load_checkpoint_as_model(path)
    assert isinstance(model, FeatureExtractor)
    assert model.count_params() == 758144
    sd = torch.load(path, map_location="cpu", weights_only=True)
    x = torch.rand(1, 3, 24, 24, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = old_basicsr_trunk(sd, x).numpy()
    actual = keras.ops.convert_to_numpy(model(np.transpose(x.numpy(), (0, 2, 3, 1))))
    actual = np.transpose(actual, (0, 3, 1, 2))
    assert actual.shape == (1, 64, 24, 24)
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-4)
    # The first conv kernel is the checkpoint's, transposed OIHW -> HWIO.
    kernel = keras.ops.convert_to_numpy(model.get_layer("conv_first").kernel)
    np.testing.assert_array_equal(kernel, np.transpose(sd["model.0.weight"].numpy(), (2, 3, 1, 0)))


@pytest.mark.multi_backend
def test_official_e_does_not_fit_other_architectures():
    with pytest.raises(ValueError, match=r"lacks key 'model\.1\.sub\.1\.RDB1\.conv1\.0\.weight'"):
        load_torch_weights(FeatureExtractor(num_blocks=2), official_e())
    with pytest.raises(ValueError, match=r"lacks key 'model\.3\.weight'"):
        load_checkpoint_as_model(official_e(), arch="rrdbnet", scale=2)
