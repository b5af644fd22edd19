"""The trainers' old import paths under keras_fasrgan.models work for one release, warning."""

import importlib
import warnings

import pytest

import keras_fasrgan.models as models
import keras_fasrgan.trainers as trainers

OLD_PATHS = [
    ("keras_fasrgan.models", "FASRGAN", trainers.FASRGAN),
    ("keras_fasrgan.models", "SRModel", trainers.SRModel),
    ("keras_fasrgan.models", "OptimizerGroup", trainers.OptimizerGroup),
    ("keras_fasrgan.models.trainer_base", "GANTrainerBase", trainers.GANTrainerBase),
    ("keras_fasrgan.models.trainer_base", "SRTrainerBase", trainers.SRTrainerBase),
    ("keras_fasrgan.models.sr_model", "SRModel", trainers.SRModel),
    ("keras_fasrgan.models.esrgan", "ESRGAN", trainers.ESRGAN),
    ("keras_fasrgan.models.fasrgan", "FASRGAN", trainers.FASRGAN),
    ("keras_fasrgan.models.fs_srgan", "FsSRGAN", trainers.FsSRGAN),
    ("keras_fasrgan.models.fa_fs_srgan", "FAFsSRGAN", trainers.FAFsSRGAN),
]


def _deprecations(records):
    return [str(r.message) for r in records if issubclass(r.category, DeprecationWarning)
            and "keras_fasrgan" in str(r.message)]


@pytest.mark.parametrize("module,name,new", OLD_PATHS)
def test_old_paths_resolve_with_a_warning_naming_the_new_one(module, name, new):
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        obj = getattr(importlib.import_module(module), name)
    assert obj is new
    (message,) = _deprecations(records)
    assert f"keras_fasrgan.trainers.{name}" in message


def test_old_helpers_still_work():
    from keras_fasrgan.loading import load_generator_weights

    with pytest.warns(DeprecationWarning, match="keras_fasrgan.loading.load_generator_weights"):
        assert models.load_generator_weights is load_generator_weights
    with pytest.warns(DeprecationWarning, match="official_optimizer"):
        from keras_fasrgan.models.sr_model import default_adam
    assert float(default_adam(3e-4).learning_rate) == pytest.approx(3e-4)
    with pytest.warns(DeprecationWarning, match="get_recipe"):
        from keras_fasrgan.models.fa_fs_srgan import FA_FS_SRGAN_LOSS_WEIGHTS
    assert FA_FS_SRGAN_LOSS_WEIGHTS["attention"] == 1e-2
    with pytest.raises(AttributeError):
        models.NoSuchTrainer  # noqa: B018


def test_new_paths_do_not_warn():
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        from keras_fasrgan.models import RRDBNet  # noqa: F401
        from keras_fasrgan.models import UNetDiscriminator  # noqa: F401
        from keras_fasrgan.trainers import FASRGAN  # noqa: F401
        from keras_fasrgan.trainers import SRModel  # noqa: F401
        importlib.reload(trainers)
    assert not _deprecations(records)
