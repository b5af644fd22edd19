"""The datasets of a training run: from a folder (DIV2K or photos), a dataset or a function.

Examples:
    >>> train_ds = training_dataset("~/photos", config, start_step=0, cache_dir="/tmp/lr")
"""

import os


def _folder(data):
    return os.path.expanduser(os.fspath(data))


def training_dataset(data, config, start_step=0, cache_dir=None):
    """`(lr, hr)` training batches of `config` from `data`, starting at iteration `start_step`.

    Args:
        data: a DIV2K root (`DIV2K_train_HR/` inside) or a folder of HR photos (PNG/JPEG,
            subfolders one level deep; see `keras_fasrgan.data.photo_folder`), a
            `tf.data.Dataset` of batches (skipped to `start_step`), or a function
            `start_step -> dataset`.
        config: the `TrainingConfig` (scale, patch and batch size, augmentation, seed).
        start_step: iterations already done; a folder's stream starts at that
            iteration's batch, the one an uninterrupted run would read there.
        cache_dir: where LR images are cached (see `--cache-dir`).
    """
    import tensorflow as tf

    if callable(data) and not isinstance(data, tf.data.Dataset):
        return data(start_step)
    if isinstance(data, tf.data.Dataset):
        return data.skip(start_step) if start_step else data
    from keras_fasrgan.data import hr_folder_dataset

    return hr_folder_dataset(
        _folder(data),
        split="train",
        scale=config.scale,
        patch_size=config.patch_size,
        batch_size=config.batch_size,
        augment=config.augment,
        cache_dir=cache_dir,
        seed=int(config.seed),
        start=int(start_step) * int(config.batch_size),
        subimages=config.subimages,
    )


def validation_dataset(val_data, config, val_patch_size=None, val_images=None, cache_dir=None,
                       copies=1):
    """`(lr, hr)` validation pairs (batch 1): a DIV2K root (`DIV2K_valid_HR/`), a folder of
    photos, or a dataset; None without `val_data`. Center crops of `val_patch_size` (whole
    images when None); only the first `val_images` when given; each batch repeated `copies`
    times along the batch axis (one copy per device under JAX's `DataParallel`)."""
    import tensorflow as tf

    if val_data is None:
        return None
    if isinstance(val_data, tf.data.Dataset):
        ds = val_data
    else:
        from keras_fasrgan.data import hr_folder_dataset

        ds = hr_folder_dataset(
            _folder(val_data),
            split="valid",
            scale=config.scale,
            patch_size=val_patch_size,
            batch_size=1,
            cache_dir=cache_dir,
        )
    if val_images:
        ds = ds.take(int(val_images))
    if copies > 1:

        def repeat(*batch):
            batch = batch[0] if len(batch) == 1 else batch
            return tf.nest.map_structure(lambda x: tf.repeat(x, copies, axis=0), batch)

        ds = ds.map(repeat)
    return ds


def first_pair(dataset):
    """The first `(lr, hr)` example of a batched dataset as NumPy arrays, or None."""
    for batch in dataset.take(1):
        if isinstance(batch, dict):
            lr, hr = batch["lr"], batch["hr"]
        else:
            lr, hr = batch[0], batch[1]
        return lr.numpy()[0], hr.numpy()[0]
    return None
