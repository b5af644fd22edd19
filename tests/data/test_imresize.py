"""MATLAB bicubic `imresize`: checked against real MATLAB outputs (Set14 baboon resized by
MATLAB R2017b), against an independent per-output-pixel implementation written here from
MATLAB's formulas (imresize.m: contributions, cubic, index mirroring, order of dimensions,
class-preserving passes), and against known properties."""

import math

import numpy as np
import pytest

from keras_fasrgan.data.imresize import bicubic_lr
from keras_fasrgan.data.imresize import imresize
from keras_fasrgan.data.imresize import modcrop
from keras_fasrgan.utils import read_image
from conftest import shared_data


# ---- independent reference: plain Python loops, one output pixel at a time ----------------

def _ref_cubic(x):
    x = abs(x)
    if x <= 1:
        return 1.5 * x**3 - 2.5 * x**2 + 1
    if x <= 2:
        return -0.5 * x**3 + 2.5 * x**2 - 4 * x + 2
    return 0.0


def _ref_taps(n_in, out_pos, scale):
    """[(0-based input index, weight)] of 1-based output pixel `out_pos`, as imresize.m."""
    if scale < 1:
        width = 4.0 / scale

        def h(t):
            return scale * _ref_cubic(scale * t)
    else:
        width = 4.0
        h = _ref_cubic
    u = out_pos / scale + 0.5 * (1 - 1 / scale)
    left = math.floor(u - width / 2)
    taps = []
    for j in range(math.ceil(width) + 2):
        k = left + j  # 1-based, possibly outside [1, n_in]
        r = (k - 1) % (2 * n_in)  # MATLAB's aux = [1:n, n:-1:1]
        idx = r if r < n_in else 2 * n_in - 1 - r
        taps.append((idx, h(u - k)))
    total = sum(w for _, w in taps)
    return [(i, w / total) for i, w in taps]


def _ref_pass(img, axis, n_out, scale, integer_max):
    img = np.moveaxis(img, axis, 0)
    out = np.zeros((n_out,) + img.shape[1:], dtype=np.float64)
    for o in range(n_out):
        acc = np.zeros(img.shape[1:], dtype=np.float64)
        for idx, w in _ref_taps(img.shape[0], o + 1, scale):
            acc = acc + w * img[idx].astype(np.float64)
        if integer_max is not None:
            acc = np.floor(np.clip(acc, 0, integer_max) + 0.5)
        out[o] = acc
    return np.moveaxis(out, 0, axis)


def _ref_imresize(img, scales, out_size):
    integer_max = np.iinfo(img.dtype).max if img.dtype.kind == "u" else None
    order = sorted(range(2), key=lambda a: scales[a])  # stable: rows first on ties
    out = img
    for axis in order:
        out = _ref_pass(out, axis, out_size[axis], scales[axis], integer_max)
    return out.astype(img.dtype)


def _image(rng, shape, dtype):
    if dtype == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.uint16:
        return rng.integers(0, 65536, shape, dtype=np.uint16)
    return rng.random(shape).astype(dtype)


# ---- real MATLAB outputs ------------------------------------------------------------------
# `imwrite(imresize(im2double(baboon), scale, 'bicubic'), file)`: computed on the double image,
# rounded to uint8 once by imwrite (im2uint8: round(255 x), saturated).
MATLAB_FILES = {"down_x2": 1 / 2, "down_x3": 1 / 3, "down_x4": 1 / 4, "up_x2": 2}


def _baboon():
    return read_image(shared_data("matlab", "baboon.png"))


def _matlab_output(name):
    return read_image(shared_data("matlab", f"baboon_{name}_matlab.png"))


def _im2uint8(x):
    return np.floor(np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


@pytest.mark.multi_backend
@pytest.mark.parametrize("name", sorted(MATLAB_FILES))
def test_equals_real_matlab_outputs(name):
    baboon, expected = _baboon(), _matlab_output(name)
    out = _im2uint8(imresize(baboon.astype(np.float64) / 255.0, MATLAB_FILES[name]))
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)  # every pixel, every channel: 0 levels apart


@pytest.mark.multi_backend
@pytest.mark.parametrize("name", ["down_x2", "down_x3", "down_x4"])
def test_uint8_input_rounds_per_pass_so_differs_from_the_double_files_by_one_level(name):
    # MATLAB's imresize on a uint8 image returns uint8 from each 1-D pass (rounded twice);
    # the files were made from the double image (rounded once): at most one level apart.
    diff = imresize(_baboon(), MATLAB_FILES[name]).astype(int) - _matlab_output(name)
    assert np.abs(diff).max() == 1


# ---- tests --------------------------------------------------------------------------------

@pytest.mark.multi_backend
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float64, np.float32])
@pytest.mark.parametrize("scale", [1 / 4, 1 / 3, 0.5, 0.7, 2, 3])
def test_matches_independent_reference(dtype, scale):
    rng = np.random.default_rng(1)
    img = _image(rng, (13, 17, 2), dtype)
    out = imresize(img, scale)
    size = (math.ceil(13 * scale), math.ceil(17 * scale))
    ref = _ref_imresize(img, (scale, scale), size)
    assert out.shape == size + (2,) and out.dtype == dtype
    if dtype in (np.uint8, np.uint16):
        np.testing.assert_array_equal(out, ref)
    else:
        tol = 1e-12 if dtype == np.float64 else 1e-6
        np.testing.assert_allclose(out, ref, rtol=0, atol=tol)


@pytest.mark.multi_backend
def test_per_axis_scale_and_output_shape_follow_matlab_order():
    rng = np.random.default_rng(2)
    img = _image(rng, (12, 20), np.uint8)
    # Columns shrink more than rows, so MATLAB resizes columns first.
    out = imresize(img, (0.5, 0.25))
    np.testing.assert_array_equal(out, _ref_imresize(img, (0.5, 0.25), (6, 5)))
    out = imresize(img, output_shape=(5, 9))
    np.testing.assert_array_equal(out, _ref_imresize(img, (5 / 12, 9 / 20), (5, 9)))
    assert imresize(img, output_shape=(None, 10)).shape == (6, 10)


@pytest.mark.multi_backend
def test_integer_passes_are_rounded_like_matlab_not_only_at_the_end():
    rng = np.random.default_rng(3)
    img = _image(rng, (32, 32, 3), np.uint8)
    out = imresize(img, 0.25)
    once = np.floor(np.clip(imresize(img.astype(np.float64), 0.25), 0, 255) + 0.5)
    # Rounding between passes moves a few values by one, never more.
    assert np.abs(out.astype(int) - once).max() == 1
    np.testing.assert_array_equal(out, _ref_imresize(img, (0.25, 0.25), (8, 8)))


@pytest.mark.multi_backend
def test_output_size_is_ceil():
    img = np.zeros((10, 7, 3), np.uint8)
    assert imresize(img, 0.25).shape == (3, 2, 3)
    assert imresize(img, 1 / 3).shape == (4, 3, 3)
    assert imresize(img, 2.5).shape == (25, 18, 3)


@pytest.mark.multi_backend
@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_constant_image_stays_constant(dtype):
    img = np.full((23, 30, 3), 77, dtype=dtype)
    for scale in (0.25, 0.5, 3):
        out = imresize(img, scale)
        np.testing.assert_allclose(out.astype(np.float64), 77.0, atol=1e-9)


@pytest.mark.multi_backend
def test_scale_one_is_identity():
    rng = np.random.default_rng(4)
    img = _image(rng, (9, 11, 3), np.float64)
    np.testing.assert_allclose(imresize(img, 1.0), img, atol=1e-12)


@pytest.mark.multi_backend
def test_flip_equivariance_when_size_divides():
    """Symmetric index mirroring and pixel-center mapping: flip commutes with resizing."""
    rng = np.random.default_rng(5)
    img = _image(rng, (16, 24, 3), np.float64)
    out = imresize(img, 0.25)
    np.testing.assert_allclose(imresize(img[::-1, ::-1], 0.25), out[::-1, ::-1], atol=1e-12)


@pytest.mark.multi_backend
def test_interior_agrees_with_pillow_float_bicubic():
    """Pillow's float BICUBIC uses the same kernel and support but clips at the borders
    instead of mirroring: the two agree away from the borders only."""
    from PIL import Image

    rng = np.random.default_rng(6)
    img = rng.random((40, 48)).astype(np.float32)
    for scale in (0.25, 0.5, 2):
        ours = imresize(img.astype(np.float64), scale)
        pil = np.asarray(
            Image.fromarray(img, "F").resize((ours.shape[1], ours.shape[0]), Image.BICUBIC)
        )
        b = 4
        np.testing.assert_allclose(ours[b:-b, b:-b], pil[b:-b, b:-b], atol=1e-6)
        assert np.abs(ours - pil).max() > 1e-3  # the borders differ: Pillow is not MATLAB


@pytest.mark.multi_backend
def test_float_is_not_clipped_and_uint8_is():
    img = np.zeros((8, 8), np.float64)
    img[:, 4:] = 1.0
    up = imresize(img, 4)
    assert up.max() > 1.0 and up.min() < 0.0  # cubic overshoot kept for floats
    up8 = imresize((img * 255).astype(np.uint8), 4)
    assert up8.max() == 255 and up8.min() == 0


@pytest.mark.multi_backend
def test_bicubic_lr_and_modcrop():
    rng = np.random.default_rng(7)
    hr = _image(rng, (18, 23, 3), np.uint8)
    hr_c, lr = bicubic_lr(hr, 4)
    assert hr_c.shape == (16, 20, 3) and modcrop(hr, 4).shape == (16, 20, 3)
    np.testing.assert_array_equal(lr, _ref_imresize(hr[:16, :20], (0.25, 0.25), (4, 5)))


@pytest.mark.multi_backend
def test_bad_input_errors():
    with pytest.raises(ValueError, match="shape"):
        imresize(np.zeros((2, 4, 4, 3)), 0.5)
    with pytest.raises(TypeError, match="bool"):
        imresize(np.zeros((4, 4), bool), 0.5)
    with pytest.raises(ValueError, match="exactly one"):
        imresize(np.zeros((4, 4)), 0.5, output_shape=(2, 2))
    with pytest.raises(ValueError, match="smaller than the scale"):
        modcrop(np.zeros((3, 8)), 4)


# ---- TensorFlow version -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_imresize_tf_is_bit_identical(dtype):
    import tensorflow as tf

    from keras_fasrgan.data.imresize import imresize_tf

    rng = np.random.default_rng(8)
    img = _image(rng, (20, 28, 3), dtype)
    for scale in (0.25, 1 / 3, 2):
        np.testing.assert_array_equal(imresize_tf(tf.constant(img), scale).numpy(),
                                      imresize(img, scale))
        graph = tf.function(lambda x, s=scale: imresize_tf(x, s))  # Grappler-optimised
        np.testing.assert_array_equal(graph(tf.constant(img)).numpy(), imresize(img, scale))
    batch = np.stack([img, img[::-1]])
    out = imresize_tf(batch, 0.25).numpy()
    np.testing.assert_array_equal(out[1], imresize(img[::-1], 0.25))


def test_imresize_tf_in_tf_data_equals_real_matlab_outputs():
    import tensorflow as tf

    from keras_fasrgan.data.imresize import imresize_tf

    baboon = tf.data.Dataset.from_tensors(_baboon().astype(np.float64) / 255.0)
    for name, scale in MATLAB_FILES.items():
        out = next(iter(baboon.map(lambda x, s=scale: imresize_tf(x, s)))).numpy()
        np.testing.assert_array_equal(_im2uint8(out), _matlab_output(name), err_msg=name)


def test_imresize_tf_in_tf_data_static_and_dynamic():
    import tensorflow as tf

    from keras_fasrgan.data.imresize import imresize_tf

    rng = np.random.default_rng(9)
    images = [_image(rng, (16, 24, 3), np.uint8), _image(rng, (12, 20, 3), np.uint8)]
    static = tf.data.Dataset.from_tensors(images[0]).map(lambda x: imresize_tf(x, 0.25))
    assert static.element_spec.shape == (4, 6, 3)
    np.testing.assert_array_equal(next(iter(static)).numpy(), imresize(images[0], 0.25))
    dynamic = tf.data.Dataset.from_generator(
        lambda: iter(images), output_signature=tf.TensorSpec((None, None, 3), tf.uint8)
    ).map(lambda x: imresize_tf(x, 0.25))
    for got, img in zip(dynamic, images):
        np.testing.assert_array_equal(got.numpy(), imresize(img, 0.25))
