"""Tiled `upscale`: exact equality with whole-image inference, dtypes and channel layouts."""

import numpy as np
import pytest

from keras_fasrgan.data.imresize import imresize
from keras_fasrgan.inference import tile_grid
from keras_fasrgan.inference import upscale
from keras_fasrgan.models import RRDBNet
from keras_fasrgan.utils import from_float

pytestmark = pytest.mark.multi_backend

# RRDBNet with 1 block: 17 LR convs + 4 HR convs + nearest rounding, about 20 LR pixels of
# receptive field, so a pad of 24 must reproduce whole-image inference.
EXACT_PAD = 24


def lively_model(num_blocks=1, seed=1, **kwargs):
    """A tiny RRDBNet with variance-preserving random weights and outputs around 0.4.

    ESRGAN's initialisation (kaiming x 0.1) makes an untrained net output about 0, which
    clipping would turn into a blank image that hides every difference.
    """
    kwargs.setdefault("scale", 4)
    model = RRDBNet(num_blocks=num_blocks, filters=8, growth_channels=4, **kwargs)
    rng = np.random.default_rng(seed)
    for v in model.weights:
        shape = tuple(v.shape)
        if len(shape) == 4:
            std = 1.0 / np.sqrt(np.prod(shape[:3]))
            v.assign(rng.normal(0.0, std, shape).astype("float32"))
        else:
            v.assign(np.zeros(shape, "float32"))
    model.get_layer("conv_last").bias.assign(np.full((3,), 0.5, "float32"))
    return model


@pytest.fixture(scope="module")
def model():
    return lively_model()


def _smooth(shape, seed=0):
    """A smooth random image in [0, 1] (bilinear-ish upsampling of coarse noise)."""
    rng = np.random.default_rng(seed)
    h, w = shape[:2]
    coarse = rng.random((h // 8 + 2, w // 8 + 2) + tuple(shape[2:]))
    ys = np.linspace(0, coarse.shape[0] - 1.001, h)
    xs = np.linspace(0, coarse.shape[1] - 1.001, w)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    if coarse.ndim == 3:
        fy, fx = fy[..., None], fx[..., None]
    c = coarse
    out = (c[y0][:, x0] * (1 - fy) * (1 - fx) + c[y0 + 1][:, x0] * fy * (1 - fx)
           + c[y0][:, x0 + 1] * (1 - fy) * fx + c[y0 + 1][:, x0 + 1] * fy * fx)
    return out.astype(np.float32)


def test_tile_grid_partitions_image_with_one_window_shape():
    tiles = tile_grid(70, 53, tile=16, tile_pad=10)
    cover = np.zeros((70, 53), int)
    shapes = set()
    for (y0, y1, x0, x1), (wy0, wy1, wx0, wx1) in tiles:
        cover[y0:y1, x0:x1] += 1
        shapes.add((wy1 - wy0, wx1 - wx0))
        assert 0 <= wy0 <= y0 and y1 <= wy1 <= 70 and 0 <= wx0 <= x0 and x1 <= wx1 <= 53
        # Each side has >= tile_pad of context, or the window edge is the image border.
        assert y0 - wy0 >= 10 or wy0 == 0
        assert wy1 - y1 >= 10 or wy1 == 70
        assert x0 - wx0 >= 10 or wx0 == 0
        assert wx1 - x1 >= 10 or wx1 == 53
    assert (cover == 1).all()
    assert shapes == {(36, 36)}


def test_tiled_equals_whole_image_float(model):
    image = np.random.default_rng(0).random((70, 61, 3)).astype(np.float32)
    whole = upscale(model, image, engine="keras")
    tiled = upscale(model, image, tile=16, tile_pad=EXACT_PAD, batch_size=3, engine="keras")
    assert whole.shape == (280, 244, 3) and whole.dtype == np.float32
    np.testing.assert_allclose(tiled, whole, atol=1e-5)
    # The check can fail: without context the seams differ.
    seamy = upscale(model, image, tile=16, tile_pad=0, engine="keras")
    assert np.abs(seamy - whole).max() > 1e-3


def test_tiled_equals_whole_image_uint8_and_batch_size_is_irrelevant(model):
    image = (np.random.default_rng(1).random((66, 58, 3)) * 255).astype(np.uint8)
    whole = upscale(model, image, engine="keras")
    for batch_size in (1, 4):
        tiled = upscale(model, image, tile=20, tile_pad=EXACT_PAD, batch_size=batch_size,
                        engine="keras")
        assert tiled.dtype == np.uint8
        assert np.abs(tiled.astype(int) - whole.astype(int)).max() <= 1


def test_output_is_clipped_model_output(model):
    import keras

    image = _smooth((20, 24, 3))
    raw = keras.ops.convert_to_numpy(model(image[None]))[0]
    out = upscale(model, image, engine="keras")
    np.testing.assert_allclose(out, np.clip(raw, 0, 1), atol=1e-5)
    as8 = upscale(model, from_float(image, np.uint8), engine="keras")
    ref8 = keras.ops.convert_to_numpy(model(from_float(image, np.uint8)[None] / 255.0))[0]
    assert np.abs(as8.astype(int) - from_float(ref8, np.uint8).astype(int)).max() <= 1


@pytest.mark.parametrize("layout", ["2d", "3d"])
def test_grayscale_in_grayscale_out(model, layout):
    gray = from_float(_smooth((18, 22)), np.uint8)
    image = gray if layout == "2d" else gray[..., None]
    out = upscale(model, image, tile=8, tile_pad=EXACT_PAD, engine="keras")
    expected_shape = (72, 88) if layout == "2d" else (72, 88, 1)
    assert out.shape == expected_shape and out.dtype == np.uint8
    rgb = upscale(model, np.repeat(gray[..., None] / 255.0, 3, -1).astype(np.float32),
                  engine="keras")
    expected = from_float(rgb.mean(axis=-1), np.uint8)
    assert np.abs(out.reshape(72, 88).astype(int) - expected.astype(int)).max() <= 1


def test_rgba_keeps_bicubic_alpha(model):
    rgba = from_float(_smooth((16, 20, 4), seed=3), np.uint8)
    out = upscale(model, rgba, tile=8, tile_pad=EXACT_PAD, engine="keras")
    assert out.shape == (64, 80, 4) and out.dtype == np.uint8
    alpha = imresize(rgba[..., 3].astype(np.float64) / 255.0, 4)
    np.testing.assert_array_equal(out[..., 3], from_float(np.clip(alpha, 0, 1), np.uint8))
    rgb = upscale(model, rgba[..., :3], engine="keras")
    assert np.abs(out[..., :3].astype(int) - rgb.astype(int)).max() <= 1


def test_uint16_stays_uint16(model):
    image = from_float(_smooth((12, 14, 3), seed=4), np.uint16)
    out = upscale(model, image, tile=8, tile_pad=EXACT_PAD, engine="keras")
    assert out.dtype == np.uint16 and out.shape == (48, 56, 3)
    ref = upscale(model, image.astype(np.float32) / 65535.0, engine="keras")
    assert np.abs(out.astype(np.int64) - np.round(ref * 65535).astype(np.int64)).max() <= 2
    assert len(np.unique(out)) > 256  # really 16-bit, not 8-bit scaled up


@pytest.mark.parametrize("size", [(1, 1), (2, 2), (3, 5)])
def test_tiny_images(model, size):
    image = np.full(size + (3,), 128, np.uint8)
    out = upscale(model, image, tile=16, tile_pad=8, engine="keras")
    assert out.shape == (4 * size[0], 4 * size[1], 3) and out.dtype == np.uint8


def test_self_ensemble_is_transpose_equivariant(model):
    image = _smooth((14, 19, 3), seed=5)
    out = upscale(model, image, self_ensemble=True, engine="keras")
    assert out.shape == (56, 76, 3)
    out_t = upscale(model, np.ascontiguousarray(image.transpose(1, 0, 2)), self_ensemble=True,
                    engine="keras")
    np.testing.assert_allclose(out_t.transpose(1, 0, 2), out, atol=1e-5)
    plain = upscale(model, image, engine="keras")
    assert np.abs(plain - out).max() > 1e-4  # the ensemble really averages something else


def test_gray_alpha_keeps_its_alpha(model):
    la = from_float(_smooth((16, 20, 2), seed=6), np.uint8)
    out = upscale(model, la, tile=8, tile_pad=EXACT_PAD, engine="keras")
    assert out.shape == (64, 80, 2) and out.dtype == np.uint8
    gray = upscale(model, la[..., 0], engine="keras")
    assert np.abs(out[..., 0].astype(int) - gray.astype(int)).max() <= 1
    alpha = imresize(la[..., 1].astype(np.float64) / 255.0, 4)
    np.testing.assert_array_equal(out[..., 1], from_float(np.clip(alpha, 0, 1), np.uint8))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_a_float_image_is_refused(model, bad):
    image = _smooth((8, 8, 3))
    image[3, 4, 1] = bad
    with pytest.raises(ValueError, match="1 NaN or infinite value"):
        upscale(model, image, engine="keras")


def test_a_model_spec_is_accepted(model):
    from keras_fasrgan.presets import load_preset

    image = from_float(_smooth((10, 12, 3), seed=7), np.uint8)
    expected = upscale(load_preset("demo_x4"), image, engine="keras")
    np.testing.assert_array_equal(upscale("demo_x4", image, engine="keras"), expected)


def test_pixel_unshuffled_model_any_size_and_aligned_tiles():
    model = lively_model(scale=2, pixel_unshuffle=2)
    image = _smooth((23, 17, 3), seed=8)  # odd sizes: padded by reflection, then cropped
    whole = upscale(model, image, engine="keras")
    assert whole.shape == (46, 34, 3)
    padded = np.pad(image, ((0, 1), (0, 1), (0, 0)), mode="reflect")
    np.testing.assert_allclose(
        whole, np.clip(model.predict_on_batch(padded[None])[0, :46, :34], 0, 1), atol=1e-5)
    tiled = upscale(model, image, tile=7, tile_pad=EXACT_PAD - 1, engine="keras")
    np.testing.assert_allclose(tiled, whole, atol=1e-5)


def test_bad_inputs_raise(model):
    with pytest.raises(ValueError, match="shape"):
        upscale(model, np.zeros((4, 4, 5), np.uint8), engine="keras")
    with pytest.raises(TypeError, match="dtype"):
        upscale(model, np.zeros((4, 4, 3), np.int32), engine="keras")
    with pytest.raises(ValueError, match="engine"):
        upscale(model, np.zeros((4, 4, 3), np.uint8), engine="onnx")
