"""Test helper: find where an augmented `(lr, hr)` patch pair was cut from a whole image."""

import numpy as np


def match_patch(hr_full, lr_full, hr_patch, lr_patch, scale):
    """The first place `hr_patch`, un-flipped / un-transposed, sits in `hr_full`.

    Tries the 8 hflip / vflip / transpose combinations and returns `(y, x, lr_expected,
    lr_got)` for the first exact HR match: `lr_expected` is the block of `lr_full` at
    `(y // scale, x // scale)`, `lr_got` is `lr_patch` undone the same way. `None` when the HR
    patch is found nowhere. Alignment (`y`, `x` multiples of `scale`) is left to the caller.

    Example:
    >>> match = match_patch(hr_c, lr_full, hp, lp, 4)  # doctest: +SKIP
    """
    p = hr_patch.shape[0]
    q = p // scale
    for hflip in (False, True):
        for vflip in (False, True):
            for transpose in (False, True):
                def undo(a):
                    a = np.swapaxes(a, 0, 1) if transpose else a
                    a = a[::-1] if vflip else a
                    return a[:, ::-1] if hflip else a

                h, lr_p = undo(hr_patch), undo(lr_patch)
                ys, xs = np.nonzero(np.all(hr_full[: -p + 1 or None, : -p + 1 or None]
                                           == h[0, 0], axis=-1))
                for y, x in zip(ys, xs):
                    if np.array_equal(hr_full[y:y + p, x:x + p], h):
                        lr_expected = lr_full[y // scale:y // scale + q, x // scale:x // scale + q]
                        return y, x, lr_expected, lr_p
    return None
