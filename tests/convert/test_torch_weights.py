"""load_torch_weights / infer_architecture against an independent PyTorch forward.

Random generator checkpoints with the official shapes are written in the three key layouts
(old BasicSR `model.N`, ESRGAN, BasicSR), in the legacy and zip `.pth` formats, converted, and
compared with a small functional re-implementation of RRDBNet in torch (`_checkpoints`).
"""

import keras
import numpy as np
import pytest
import torch

from keras_fasrgan.convert import CheckpointError
from keras_fasrgan.convert import infer_architecture
from keras_fasrgan.convert import inspect_checkpoint
from keras_fasrgan.convert import load_checkpoint_as_model
from keras_fasrgan.convert import load_torch_weights
from keras_fasrgan.models import FeatureExtractor
from keras_fasrgan.models import RRDBNet

from _checkpoints import GC
from _checkpoints import NB
from _checkpoints import NF
from _checkpoints import random_weights
from _checkpoints import state_dict
from _checkpoints import torch_forward


def run_keras(model, x_nchw):
    x = np.transpose(x_nchw.numpy(), (0, 2, 3, 1))
    return np.transpose(keras.ops.convert_to_numpy(model(x, training=False)), (0, 3, 1, 2))


def save(sd, path, legacy):
    torch.save(sd, path, _use_new_zipfile_serialization=not legacy)
    return path


def weights_of(model):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in model.weights]


X = torch.rand(1, 3, 6, 5, generator=torch.Generator().manual_seed(1))


# ---- conversion matches the reference forward ---------------------------------------------


@pytest.mark.multi_backend
@pytest.mark.parametrize("layout", ["old", "esrgan", "basicsr"])
def test_x4_checkpoint_in_every_layout_and_format_matches_torch(tmp_path, layout):
    weights = random_weights(seed=4)
    sd = state_dict(weights, layout)
    legacy = save(sd, tmp_path / "legacy.pth", legacy=True)
    zipped = save(sd, tmp_path / "zip.pth", legacy=False)
    assert legacy.read_bytes()[:2] != b"PK" and zipped.read_bytes()[:2] == b"PK"
    model = load_checkpoint_as_model(legacy)
    assert isinstance(model, RRDBNet)
    assert (model.scale, model.num_blocks, model.filters, model.growth_channels) == (4, NB, NF, GC)
    with torch.no_grad():
        expected = torch_forward(weights, X, scale=4).numpy()
    actual = run_keras(model, X)
    assert actual.shape == (1, 3, 24, 20)
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-4)
    # The zip format gives the same weights (loaded into the same model, so no rebuild).
    before = weights_of(model)
    for variable in model.weights:
        variable.assign(keras.ops.zeros(variable.shape))
    load_torch_weights(model, zipped)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights_of(model)))


@pytest.mark.multi_backend
@pytest.mark.parametrize("scale", [2, 3, 8])
def test_old_layout_other_scales_match_torch(tmp_path, scale):
    weights = random_weights(seed=scale, scale=scale)
    path = save(state_dict(weights, "old"), tmp_path / f"x{scale}.pth", legacy=scale != 8)
    info = inspect_checkpoint(path)
    # x3 has the same keys as x2: inferred as 2, overridden with scale=3.
    assert info["scale"] == (2 if scale == 3 else scale)
    model = load_checkpoint_as_model(path, scale=scale)
    with torch.no_grad():
        expected = torch_forward(weights, X, scale=scale).numpy()
    np.testing.assert_allclose(run_keras(model, X), expected, atol=1e-4, rtol=1e-4)


@pytest.mark.multi_backend
def test_load_into_existing_model_from_dict_of_numpy_arrays():
    weights = random_weights(seed=7, scale=2, in_ch=5)
    sd = {k: v.numpy() for k, v in state_dict(weights, "esrgan").items()}
    model = RRDBNet(scale=2, num_blocks=NB, filters=NF, growth_channels=GC, in_channels=5)
    assert load_torch_weights(model, sd) is model
    x = torch.rand(1, 5, 4, 4, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        expected = torch_forward(weights, x, scale=2).numpy()
    np.testing.assert_allclose(run_keras(model, x), expected, atol=1e-4, rtol=1e-4)


@pytest.mark.multi_backend
def test_params_ema_is_preferred_over_params(tmp_path):
    ema, plain = random_weights(seed=11), random_weights(seed=12)
    wrapped = {"params": state_dict(plain, "basicsr"), "params_ema": state_dict(ema, "basicsr")}
    model = load_checkpoint_as_model(save(wrapped, tmp_path / "net_g.pth", legacy=False))
    with torch.no_grad():
        expected = torch_forward(ema, X, scale=4).numpy()
        other = torch_forward(plain, X, scale=4).numpy()
    actual = run_keras(model, X)
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-4)
    assert np.abs(actual - other).max() > 1e-2
    # "params" alone and "state_dict" wrappers are read too.
    assert infer_architecture({"params": wrapped["params"]})["num_blocks"] == NB
    assert infer_architecture({"state_dict": state_dict(plain, "old")})["scale"] == 4


@pytest.mark.multi_backend
def test_feature_extractor_checkpoint_is_inferred_and_matches(tmp_path):
    weights = random_weights(seed=5, nb=3, head=False)
    sd = state_dict(weights, "old", nb=3)
    info = infer_architecture(sd)
    assert info == dict(
        arch="FeatureExtractor", num_blocks=3, filters=NF, growth_channels=GC, in_channels=3,
        scale=None, pixel_unshuffle=None,
    )
    model = load_checkpoint_as_model(save(sd, tmp_path / "e.pth", legacy=True))
    assert isinstance(model, FeatureExtractor)
    with torch.no_grad():
        expected = torch_forward(weights, X, nb=3).numpy()
    np.testing.assert_allclose(run_keras(model, X), expected, atol=1e-4, rtol=1e-4)


class NotATensor:
    """A picklable object that weights_only loading refuses (it would need code)."""


# ---- mismatches: clear ValueError naming the key, model unchanged ---------------------------


def _mismatch_cases():
    w = random_weights(seed=3)
    old = state_dict(w, "old")
    missing = dict(old)
    del missing["model.1.sub.1.RDB2.conv3.0.bias"]
    extra = dict(state_dict(w, "esrgan"))
    extra["RRDB_trunk.0.RDB1.conv1.running_mean"] = torch.zeros(4)
    return {
        # one RRDB too many: the checkpoint's 3rd block is unexpected
        "wrong_nb": (
            state_dict(random_weights(3, nb=3), "old", nb=3),
            "model.1.sub.2.RDB1.conv1.0.weight",
        ),
        "wrong_nf": (state_dict(random_weights(3, nf=16), "basicsr"), "conv_first.weight"),
        "missing_key": (missing, "model.1.sub.1.RDB2.conv3.0.bias"),
        "extra_key": (extra, "RRDB_trunk.0.RDB1.conv1.running_mean"),
        "wrong_scale": (state_dict(random_weights(3, scale=8), "esrgan"), "upconv3.weight"),
    }


@pytest.mark.multi_backend
@pytest.mark.parametrize(
    "case", ["wrong_nb", "wrong_nf", "missing_key", "extra_key", "wrong_scale"]
)
def test_mismatching_checkpoint_names_the_key_and_leaves_model_unchanged(case):
    sd, key = _mismatch_cases()[case]
    model = RRDBNet(scale=4, num_blocks=NB, filters=NF, growth_channels=GC)
    before = weights_of(model)
    with pytest.raises(ValueError, match=key.replace(".", r"\.")) as err:
        load_torch_weights(model, sd)
    if case == "wrong_nf":  # both shapes are named
        assert "(16, 3, 3, 3)" in str(err.value) and "(8, 3, 3, 3)" in str(err.value)
    after = weights_of(model)
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


@pytest.mark.multi_backend
def test_non_strict_skips_missing_and_unexpected_keys():
    sd, _ = _mismatch_cases()["missing_key"]
    sd = dict(sd, **{"model.99.weight": torch.zeros(1)})
    model = RRDBNet(scale=4, num_blocks=NB, filters=NF, growth_channels=GC)
    before = weights_of(model)
    load_torch_weights(model, sd, strict=False)
    after = weights_of(model)
    changed = sum(not np.array_equal(a, b) for a, b in zip(before, after))
    assert changed == len(before) - 1  # every variable but the missing bias


@pytest.mark.multi_backend
def test_unreadable_files_give_clear_errors(tmp_path):
    code = tmp_path / "code.pth"
    torch.save({"a": NotATensor()}, code)
    with pytest.raises(CheckpointError, match=r"other than tensors \(first: .*NotATensor\)"):
        load_checkpoint_as_model(code)
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match="garbage.pth: not a readable PyTorch checkpoint"):
        inspect_checkpoint(garbage)
    with pytest.raises(FileNotFoundError, match="nope.pth"):
        inspect_checkpoint(tmp_path / "nope.pth")
    with pytest.raises(ValueError, match="none of the known layouts"):
        infer_architecture({"features.0.weight": np.zeros((3, 3, 3, 3))})


@pytest.mark.multi_backend
def test_infer_architecture_edge_cases():
    # A DataParallel "module." prefix is removed; in_channels and gc come from the shapes.
    sd = state_dict(random_weights(seed=9, in_ch=64, gc=6), "esrgan")
    info = infer_architecture({f"module.{k}": v for k, v in sd.items()})
    assert info == dict(
        arch="RRDBNet", num_blocks=NB, filters=NF, growth_channels=6, in_channels=64, scale=4,
        pixel_unshuffle=1,
    )
