"""VGG19 perceptual loss: truncation, weight loading (torchvision .pth, Keras .h5), preprocessing."""

import numpy as np
import pytest

from keras_fasrgan.losses import PerceptualLoss, perceptual

TV_CONVS = (0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34)
CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]


def _random_torchvision_state(torch):
    g = torch.Generator().manual_seed(0)
    state, cin, idx = {}, 3, 0
    for v in CFG:
        if v == "M":
            idx += 1
            continue
        fan_in = cin * 9
        state[f"features.{idx}.weight"] = torch.randn(v, cin, 3, 3, generator=g) * (2.0 / fan_in) ** 0.5
        state[f"features.{idx}.bias"] = torch.randn(v, generator=g) * 0.1
        cin, idx = v, idx + 2
    return state


def _torch_features(torch, state, x_nchw):
    """Independent torch forward of VGG19 `features` up to conv5_4 before its ReLU."""
    import torch.nn.functional as F

    h, idx = x_nchw, 0
    for v in CFG:
        if v == "M":
            h = F.max_pool2d(h, 2)
            idx += 1
            continue
        h = F.conv2d(h, state[f"features.{idx}.weight"], state[f"features.{idx}.bias"], padding=1)
        if idx != 34:
            h = F.relu(h)
        idx += 2
    return h


def test_torchvision_pth_features_match_torch(tmp_path, rng):
    torch = pytest.importorskip("torch")
    state = _random_torchvision_state(torch)
    # A full vgg19 state dict also has classifier keys: they must be ignored.
    state["classifier.0.weight"] = torch.zeros(4, 4)
    path = tmp_path / "vgg19-random.pth"
    torch.save(state, path)
    loss = PerceptualLoss(weights=path)
    assert loss.preprocessing == "torch"
    x = rng.uniform(size=(2, 32, 32, 3)).astype(np.float32)
    ours = np.asarray(loss.features(x))
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    xt = torch.from_numpy(((x - mean) / std).transpose(0, 3, 1, 2).copy())
    ref = _torch_features(torch, state, xt).numpy().transpose(0, 2, 3, 1)
    assert ours.shape == (2, 2, 2, 512)
    assert (ref < 0).any(), "conv5_4 features must be taken before the ReLU"
    np.testing.assert_allclose(ours, ref, atol=1e-4 * max(1.0, np.abs(ref).max()))
    y = rng.uniform(size=(2, 32, 32, 3)).astype(np.float32)
    yt = torch.from_numpy(((y - mean) / std).transpose(0, 3, 1, 2).copy())
    ref_loss = (_torch_features(torch, state, xt) - _torch_features(torch, state, yt)).abs().mean()
    np.testing.assert_allclose(float(loss(y, x)), float(ref_loss), rtol=1e-4)


def test_bad_pth_is_rejected(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "other.pth"
    torch.save({"conv.weight": torch.zeros(1, 1, 3, 3)}, path)
    with pytest.raises(ValueError, match="features.0.weight"):
        PerceptualLoss(weights=path)
    with pytest.raises(FileNotFoundError, match="missing.pth"):
        PerceptualLoss(weights=tmp_path / "missing.pth")


def test_keras_weights_file_and_caffe_preprocessing(tmp_path, rng):
    import keras

    src = keras.applications.VGG19(include_top=False, weights=None, input_shape=(None, None, 3))
    path = tmp_path / "vgg19.weights.h5"
    src.save_weights(path)
    loss = PerceptualLoss(weights=path)
    assert loss.preprocessing == "caffe"
    x = rng.uniform(size=(1, 32, 32, 3)).astype(np.float32)
    # Reference: the same Keras VGG19, Caffe preprocessing, block5_conv4 pre-ReLU output.
    conv = src.get_layer("block5_conv4")
    pre = keras.Model(src.input, src.get_layer("block5_conv3").output)
    caffe = keras.applications.vgg19.preprocess_input(x * 255.0)
    h = np.asarray(pre(caffe))
    k, b = conv.get_weights()
    ref = np.asarray(keras.ops.conv(h, k, padding="same")) + b
    np.testing.assert_allclose(np.asarray(loss.features(x)), ref, atol=1e-3)


def test_imagenet_offline_error_is_clear(monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("URL fetch failure")

    monkeypatch.setattr(perceptual, "_get_file", offline)
    with pytest.raises(RuntimeError, match="vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"):
        PerceptualLoss(weights="imagenet")


@pytest.mark.multi_backend
def test_truncation_and_frozen(rng):
    import keras

    loss = PerceptualLoss(weights=None, layer="block2_conv2", before_activation=False)
    assert loss.vgg.layers[-1].name == "block2_conv2"
    assert not loss.trainable_weights
    x = rng.uniform(size=(1, 16, 16, 3)).astype(np.float32)
    f = keras.ops.convert_to_numpy(loss.features(x))
    assert f.shape == (1, 8, 8, 128) and f.min() >= 0  # after ReLU
    assert float(loss(x, x)) == 0.0
    with pytest.raises(ValueError, match="Unknown VGG19 layer"):
        PerceptualLoss(weights=None, layer="fc1")
    cfg = loss.get_config()
    assert cfg["layer"] == "block2_conv2" and cfg["weights"] is None
    assert PerceptualLoss.from_config(cfg).preprocessing == "caffe"
