"""Shared by the data-parallel scripts: tiny networks, smooth data, and how far a GAN
iteration's updates are from a reference computation's."""

import numpy as np

HR = 32


def tiny_generator():
    from keras_fasrgan.models import RRDBNet

    return RRDBNet(scale=4, num_blocks=1, filters=8, growth_channels=4)


def smooth_pairs(n, seed):
    """`(lr, hr)`: smooth random HR images (4x4 blocks plus noise) and their 4x box means."""
    rng = np.random.default_rng(seed)
    hr = np.kron(rng.random((n, HR // 4, HR // 4, 3)), np.ones((1, 4, 4, 1)))
    hr = np.clip(hr + 0.05 * rng.standard_normal(hr.shape), 0, 1).astype("float32")
    lr = hr.reshape(n, HR // 4, 4, HR // 4, 4, 3).mean(axis=(2, 4))
    return lr, hr


def _networks(gan):
    """The trainable weights of E + G, and of D, each flattened into one float64 vector.

    Left out: the biases of D's convs that feed a BatchNorm (the DoubleConv blocks'
    conv1/conv2). Training-mode BatchNorm subtracts the batch mean, so the loss does not
    depend on them: their gradient is round-off, made large by the untrained UNet's.
    """
    from keras import ops

    d = [v for v in gan.discriminator.trainable_variables
         if not v.path.endswith(("conv1/bias", "conv2/bias"))]
    return [np.concatenate([np.ravel(ops.convert_to_numpy(v)).astype("float64") for v in vs])
            for vs in (list(gan.g_variables), d)]


def update_error(run, reference, initial):
    """`|run - reference| / |reference - initial|` (L2 norms) of the worse network (E + G, or D).

    A norm over each network, not a maximum over tensors: some tensors move by a few float32
    steps only in one iteration, and their round-off would swamp a per-tensor ratio.
    """
    worst = 0.0
    for a, b, c in zip(_networks(run), _networks(reference), _networks(initial)):
        worst = max(worst, float(np.linalg.norm(a - b) / np.linalg.norm(b - c)))
    return worst
