"""Presets hold the official recipes, each builds its trainer, and every key must apply."""

import json

import numpy as np
import pytest

from keras_fasrgan.training import PRESETS
from keras_fasrgan.training import available_configs
from keras_fasrgan.training import build_trainer
from keras_fasrgan.training import load_config
from keras_fasrgan.training import save_config
from keras_fasrgan.training import tiny_overrides

GAN_MILESTONES = [50_000, 100_000, 200_000, 300_000]
PSNR_MILESTONES = [50_000, 100_000, 200_000, 600_000, 800_000, 1_000_000]
# name: (trainer class, G blocks, E blocks, D class, batch, HR patch, lr, total iterations),
# written from the paper and the authors' training options, independently of the recipes.
OFFICIAL = {
    "psnr_x4": ("SRModel", 23, None, None, 16, 128, 2e-4, 1_000_000),
    "fs_srgan_psnr_x4": ("SRModel", 16, 1, None, 16, 192, 2e-4, 1_000_000),
    "fa_fs_srgan_psnr_x4": ("SRModel", 15, 2, None, 16, 192, 2e-4, 1_000_000),
    "esrgan_x4": ("ESRGAN", 23, None, "VGGDiscriminator", 16, 128, 1e-4, 500_000),
    "fasrgan_x4": ("FASRGAN", 23, None, "UNetDiscriminator", 16, 128, 1e-4, 500_000),
    "fs_srgan_x4": ("FsSRGAN", 16, 1, "VGGDiscriminator", 32, 192, 1e-4, 500_000),
    "fa_fs_srgan_x4": ("FAFsSRGAN", 15, 2, "UNetDiscriminator", 12, 128, 2.5e-5, 500_000),
}


def tiny(name, **more):
    return load_config(name, dict(tiny_overrides(load_config(name)), **more))


def test_available_configs():
    assert available_configs() == sorted(OFFICIAL)


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_preset_holds_official_numbers_and_builds(name):
    cls, nb, nb_e, d_cls, batch, patch, lr, total = OFFICIAL[name]
    config = load_config(name)
    assert config.generator["num_blocks"] == nb
    assert config.generator["filters"] == 64 and config.generator["growth_channels"] == 32
    assert (config.extractor or {}).get("num_blocks") == nb_e
    assert (config.batch_size, config.patch_size, config.learning_rate) == (batch, patch, lr)
    assert config.total_steps == total and config.gamma == 0.5 and config.scale == 4
    if d_cls is None:
        assert config.milestones == PSNR_MILESTONES
        assert config.loss_weights == {"pixel": 1.0} and config.vgg_weights is None
    else:
        assert config.milestones == GAN_MILESTONES
        w = config.loss_weights
        assert (w["pixel"], w["perceptual"], w["adversarial"]) == (1e-2, 1.0, 5e-3)
        if d_cls == "UNetDiscriminator":
            assert w["map"] == 5e-3
            assert w["attention"] == (1e-2 if name == "fa_fs_srgan_x4" else 5e-2)
        else:
            assert set(w) == {"pixel", "perceptual", "adversarial"}

    trainer = build_trainer(tiny(name), jit_compile=False)
    assert type(trainer).__name__ == cls
    assert trainer.generator.get_config()["num_blocks"] == 1
    assert (trainer.extractor is not None) == (nb_e is not None)
    if nb_e is not None:
        assert trainer.generator.get_config()["in_channels"] == trainer.extractor.filters == 8
    optimizers = getattr(trainer.optimizer, "optimizers", [trainer.optimizer])
    assert [float(o.learning_rate) for o in optimizers] == pytest.approx([lr] * len(optimizers))
    if d_cls is not None:
        assert type(trainer.discriminator).__name__ == d_cls
        assert trainer.discriminator.get_config()["input_size"] == 32
        assert trainer.discriminator.get_config()["in_channels"] == (8 if nb_e else 3)
        assert trainer.loss_weights == config.loss_weights
        assert trainer.perceptual_loss is None


def test_schedule_halves_at_milestones():
    from keras_fasrgan.training import make_optimizer

    schedule = make_optimizer(load_config("fasrgan_x4"))._learning_rate
    assert float(schedule(49_999)) == pytest.approx(1e-4)
    assert float(schedule(50_000)) == pytest.approx(5e-5)
    assert float(schedule(300_000)) == pytest.approx(1e-4 / 16)


def test_json_config_with_base_and_overrides(tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"base": "fasrgan_x4", "patch_size": 96, "generator.num_blocks": 4}))
    config = load_config(path, overrides={"batch_size": 8})
    assert (config.method, config.patch_size, config.batch_size) == ("fasrgan", 96, 8)
    assert config.generator["num_blocks"] == 4 and config.generator["filters"] == 64
    save_config(config, tmp_path / "saved.json")
    assert load_config(tmp_path / "saved.json") == config
    assert PRESETS["fasrgan_x4"].patch_size == 128  # presets are not modified
    # Without a base, a JSON config starts from the preset of its method.
    path.write_text(json.dumps({"method": "esrgan", "batch_size": 4}))
    assert load_config(path).loss_weights == PRESETS["esrgan_x4"].loss_weights


def test_bad_configs_raise_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown config"):
        load_config("fasrgan_x3")
    with pytest.raises(ValueError, match="unknown config field"):
        load_config("fasrgan_x4", {"bacth_size": 2})
    with pytest.raises(ValueError, match="multiple of scale"):
        load_config("fasrgan_x4", {"patch_size": 30})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json"):
        load_config(bad)


@pytest.mark.parametrize(
    "name,overrides,message",
    [
        ("fasrgan_x4", {"extractor.num_blocks": 1}, "extractor.num_blocks.*does not apply"),
        ("psnr_x4", {"extractor": {"num_blocks": 1}}, "no feature extractor"),
        ("esrgan_x4", {"pretrained_extractor": "e.pth"}, "no feature extractor"),
        ("psnr_x4", {"discriminator.input_size": 64}, "does not apply"),
        ("esrgan_x4", {"loss_weights.attention": 1e-2}, r"\['attention'\] do not apply"),
        ("psnr_x4", {"vgg_weights": "imagenet"}, "no perceptual loss"),
        ("fasrgan_x4", {"generator.scale": 2}, "set by the config"),
        ("esrgan_x4", {"discriminator.faithful_bn_epsilon": False}, "not an argument of VGG"),
        ("fs_srgan_x4", {"extractor.blocks": 2}, "not an argument of FeatureExtractor"),
        ("fasrgan_x4", {"method": "esrgan"}, "do not apply to method 'esrgan'"),
    ],
)
def test_a_key_that_does_not_apply_is_an_error(name, overrides, message):
    with pytest.raises(ValueError, match=message):
        load_config(name, overrides)


def test_tiny_overrides_only_hold_keys_that_apply():
    assert not any(k.startswith("extractor.") for k in tiny_overrides(load_config("psnr_x4")))
    fs = tiny("fs_srgan_psnr_x4")
    assert fs.extractor["filters"] == 8 and fs.generator["filters"] == 8
    assert (fs.batch_size, fs.patch_size, fs.vgg_weights) == (2, 32, None)


def test_fs_psnr_stage_trains_e_and_g_with_l1():
    trainer = build_trainer(tiny("fs_srgan_psnr_x4"), jit_compile=False)
    assert trainer.extractor.get_config()["num_blocks"] == 1
    e_ids = {id(v) for v in trainer.extractor.trainable_variables}
    assert e_ids and e_ids <= {id(v) for v in trainer.g_variables}
    assert trainer.loss_spec.terms == ("pixel",)


def test_the_seed_seeds_the_weight_initialisation():
    runs = [build_trainer(tiny("fs_srgan_x4", seed=s), compile=False).get_weights() for s in (3, 3, 4)]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0], runs[1]))
    assert not all(np.array_equal(a, b) for a, b in zip(runs[0], runs[2]))
