"""Presets hold the official recipes (DESIGN 1.3-1.5) and each builds its trainer."""

import json

import pytest

from keras_fasrgan.training import PRESETS
from keras_fasrgan.training import TINY_OVERRIDES
from keras_fasrgan.training import available_configs
from keras_fasrgan.training import build_trainer
from keras_fasrgan.training import load_config
from keras_fasrgan.training import save_config

GAN_MILESTONES = [50_000, 100_000, 200_000, 300_000]
# name: (trainer class, G blocks, E blocks, D class, batch, HR patch, lr, total iterations)
OFFICIAL = {
    "psnr_x4": ("SRModel", 23, None, None, 16, 128, 2e-4, 1_000_000),
    "esrgan_x4": ("ESRGAN", 23, None, "VGGDiscriminator", 16, 128, 1e-4, 500_000),
    "fasrgan_x4": ("FASRGAN", 23, None, "UNetDiscriminator", 16, 128, 1e-4, 500_000),
    "fs_srgan_x4": ("FsSRGAN", 16, 1, "VGGDiscriminator", 32, 192, 1e-4, 500_000),
    "fa_fs_srgan_x4": ("FAFsSRGAN", 15, 2, "UNetDiscriminator", 12, 128, 2.5e-5, 500_000),
}


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
    if name == "psnr_x4":
        assert config.milestones == [50_000, 100_000, 200_000, 600_000, 800_000, 1_000_000]
    else:
        assert config.milestones == GAN_MILESTONES
        w = config.loss_weights
        assert (w["pixel"], w["perceptual"], w["adversarial"]) == (1e-2, 1.0, 5e-3)
        if "fa" in name.split("_")[0]:
            assert w["map"] == 5e-3
            assert w["attention"] == (1e-2 if name == "fa_fs_srgan_x4" else 5e-2)
    assert "pretrained_generator" in config.to_dict()

    trainer = build_trainer(load_config(name, TINY_OVERRIDES), jit_compile=False)
    assert type(trainer).__name__ == cls
    assert trainer.generator.get_config()["num_blocks"] == 1
    if d_cls is not None:
        assert type(trainer.discriminator).__name__ == d_cls
        assert trainer.discriminator.get_config()["input_size"] == 32
        assert trainer.discriminator.get_config()["in_channels"] == (8 if nb_e else 3)
        lrs = [float(o.learning_rate) for o in trainer.optimizer.optimizers]
        assert lrs == pytest.approx([lr, lr])
        if name != "esrgan_x4" and name != "fs_srgan_x4":
            assert trainer.loss_weights["attention"] == config.loss_weights["attention"]
    else:
        assert float(trainer.optimizer.learning_rate) == pytest.approx(lr)
    assert (trainer.extractor is not None) == (nb_e is not None)
    assert trainer.perceptual_loss is None if d_cls else True


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
