"""Real-ESRGAN's x2 and x1 RRDBNets: pixel-unshuffled input (12 / 48 channels into conv_first)
and a x4 body. Synthetic checkpoints in every key layout are converted and compared with an
independent torch forward (`F.pixel_unshuffle`, then RRDBNet); the Keras model takes RGB, also
through `upscale` and its TFLite export."""

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from keras_fasrgan.cli import main
from keras_fasrgan.convert import infer_architecture
from keras_fasrgan.convert import load_checkpoint_as_model
from keras_fasrgan.inference import upscale
from keras_fasrgan.models import RRDBNet

from _checkpoints import GC
from _checkpoints import NB
from _checkpoints import NF
from _checkpoints import random_weights
from _checkpoints import state_dict
from _checkpoints import torch_forward

# Real-ESRGAN: scale 2 -> pixel_unshuffle(x, 2), scale 1 -> pixel_unshuffle(x, 4); body x4.
UNSHUFFLE = {2: 2, 1: 4}


def real_esrgan_weights(scale, seed=0):
    f = UNSHUFFLE[scale]
    return random_weights(seed=seed, scale=4, in_ch=3 * f * f)


def real_esrgan_forward(weights, x, scale):
    with torch.no_grad():
        return torch_forward(weights, F.pixel_unshuffle(x, UNSHUFFLE[scale]), scale=4).numpy()


def nhwc(t):
    return np.transpose(t.numpy() if hasattr(t, "numpy") else t, (0, 2, 3, 1))


X = torch.rand(2, 3, 8, 12, generator=torch.Generator().manual_seed(3))


@pytest.mark.multi_backend
@pytest.mark.parametrize("layout", ["old", "esrgan", "basicsr"])
@pytest.mark.parametrize("scale", [2, 1])
def test_real_esrgan_checkpoint_matches_torch_in_every_layout(tmp_path, layout, scale):
    weights = real_esrgan_weights(scale, seed=scale)
    sd = state_dict(weights, layout)
    if layout == "basicsr":  # as Real-ESRGAN releases them
        sd = {"params_ema": sd}
    path = tmp_path / f"RealESRGAN_x{scale}.pth"
    torch.save(sd, path)
    info = infer_architecture(sd)
    assert info == dict(arch="RRDBNet", num_blocks=NB, filters=NF, growth_channels=GC,
                        in_channels=3, scale=scale, pixel_unshuffle=UNSHUFFLE[scale])
    model = load_checkpoint_as_model(path)
    assert isinstance(model, RRDBNet) and model.inputs[0].shape[-1] == 3
    assert (model.scale, model.pixel_unshuffle) == (scale, UNSHUFFLE[scale])
    expected = nhwc(real_esrgan_forward(weights, X, scale))
    actual = keras.ops.convert_to_numpy(model(nhwc(X)))
    assert actual.shape == (2, 8 * scale, 12 * scale, 3)
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-4)


@pytest.mark.multi_backend
def test_pixel_unshuffle_override_reads_the_first_conv_as_plain_input():
    sd = state_dict(real_esrgan_weights(2), "basicsr")
    model = load_checkpoint_as_model(sd, pixel_unshuffle=1)
    assert (model.scale, model.pixel_unshuffle, model.inputs[0].shape[-1]) == (4, 1, 12)
    assert RRDBNet(scale=2, num_blocks=1, filters=8).pixel_unshuffle == 1  # plain x2 stays


def test_real_esrgan_x2_through_upscale_cli_and_tflite(tmp_path, capsys):
    from keras_fasrgan.export import make_interpreter
    from keras_fasrgan.export import run_tflite
    from keras_fasrgan.export import to_tflite

    weights = real_esrgan_weights(2, seed=5)
    ckpt = tmp_path / "RealESRGAN_x2plus.pth"
    torch.save({"params_ema": state_dict(weights, "basicsr")}, ckpt)
    out = tmp_path / "x2.keras"
    assert main(["convert", str(ckpt), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "pixel_unshuffle=2" in text and "--scale 3" not in text
    model = keras.saving.load_model(out)
    # upscale: RGB of any size (odd: padded by reflection as Real-ESRGAN does, then cropped),
    # tiles aligned to the unshuffle grid reproduce the whole image.
    image = np.random.default_rng(0).random((13, 10, 3)).astype(np.float32)
    whole = upscale(model, image, engine="keras")
    assert whole.shape == (26, 20, 3)
    padded = np.pad(image, ((0, 1), (0, 0), (0, 0)), mode="reflect")
    expected = nhwc(real_esrgan_forward(weights, torch.from_numpy(
        np.ascontiguousarray(padded.transpose(2, 0, 1)[None])), 2))[0, :26]
    np.testing.assert_allclose(whole, np.clip(expected, 0, 1), atol=1e-4)
    tiled = upscale(model, image, tile=5, tile_pad=7, engine="keras")
    np.testing.assert_allclose(tiled, whole, atol=1e-5)
    # TFLite export with RGB input, dynamic size.
    interpreter = make_interpreter(to_tflite(model, str(tmp_path / "x2.tflite")))
    assert list(interpreter.get_input_details()[0]["shape_signature"]) == [-1, -1, -1, 3]
    x = np.random.default_rng(1).random((1, 10, 14, 3), dtype=np.float32)
    np.testing.assert_allclose(run_tflite(interpreter, x), model.predict_on_batch(x), atol=1e-4)
