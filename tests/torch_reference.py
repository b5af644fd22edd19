"""Independent PyTorch forwards of the official blocks, for parity tests.

Written from the official code's definitions with `torch.nn.functional` only, so they share
nothing with the Keras implementation but the weights handed to them.
"""

import numpy as np


def to_torch_conv(kernel, bias):
    """Keras HWIO kernel + bias -> torch OIHW weight + bias tensors."""
    import torch

    weight = torch.from_numpy(np.ascontiguousarray(np.transpose(np.asarray(kernel), (3, 2, 0, 1))))
    return weight, torch.from_numpy(np.asarray(bias))


def conv(x, kernel, bias):
    import torch.nn.functional as F

    w, b = to_torch_conv(kernel, bias)
    return F.conv2d(x, w, b, padding=w.shape[-1] // 2)


def rdb(x, convs):
    """ResidualDenseBlock_5C. `convs`: five (kernel, bias) pairs."""
    import torch
    import torch.nn.functional as F

    feats = [x]
    for k, b in convs[:4]:
        feats.append(F.leaky_relu(conv(torch.cat(feats, 1), k, b), 0.2))
    x5 = conv(torch.cat(feats, 1), *convs[4])
    return x5 * 0.2 + x


def rrdb(x, blocks):
    """RRDB. `blocks`: three lists of five (kernel, bias) pairs."""
    out = x
    for convs in blocks:
        out = rdb(out, convs)
    return out * 0.2 + x


def keras_rdb_weights(layer):
    import keras

    return [(keras.ops.convert_to_numpy(c.kernel), keras.ops.convert_to_numpy(c.bias))
            for c in layer.convs]


def keras_rrdb_weights(layer):
    return [keras_rdb_weights(b) for b in (layer.rdb1, layer.rdb2, layer.rdb3)]


def nchw(x):
    import torch

    return torch.from_numpy(np.ascontiguousarray(np.transpose(np.asarray(x), (0, 3, 1, 2))))


def nhwc(t):
    return np.transpose(t.detach().numpy(), (0, 2, 3, 1))


def keras_kb(layer):
    """(kernel, bias) of a Keras conv or dense layer as NumPy arrays."""
    import keras

    return keras.ops.convert_to_numpy(layer.kernel), keras.ops.convert_to_numpy(layer.bias)


def conv_s(x, kernel, bias, stride, padding):
    """A strided conv with explicit zero padding (PyTorch semantics)."""
    import torch.nn.functional as F

    w, b = to_torch_conv(kernel, bias)
    return F.conv2d(x, w, b, stride=stride, padding=padding)


def batch_norm(x, layer, eps, training):
    """`nn.BatchNorm2d` with the Keras layer's gamma, beta and running statistics.

    `training=True` normalises with the batch statistics (biased variance), as PyTorch's
    train mode; the running statistics are copied, so nothing is updated.
    """
    import keras
    import torch
    import torch.nn.functional as F

    gamma, beta, mean, var = (
        torch.from_numpy(keras.ops.convert_to_numpy(v).copy())
        for v in (layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance)
    )
    return F.batch_norm(x, mean, var, gamma, beta, training=training, momentum=0.1, eps=eps)


def linear(x, layer):
    """`nn.Linear` with a Keras Dense layer's weights (Keras kernel is (in, out))."""
    import torch
    import torch.nn.functional as F

    kernel, bias = keras_kb(layer)
    return F.linear(x, torch.from_numpy(np.ascontiguousarray(kernel.T)), torch.from_numpy(bias))


def flatten_like_keras(x):
    """Flatten an NCHW tensor in the NHWC order of a Keras Flatten."""
    return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
