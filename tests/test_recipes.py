"""One source of truth for the recipes: the table the trainers, presets, CLI and docs read."""

import pytest

from conftest import ROOT
from keras_fasrgan.recipes import RECIPES
from keras_fasrgan.recipes import get_recipe
from keras_fasrgan.recipes import recipe_table


def test_recipes_hold_the_papers_numbers():
    fa_fs = get_recipe("FA+Fs-SRGAN")
    assert (fa_fs.learning_rate, fa_fs.batch_size, fa_fs.patch_size) == (2.5e-5, 12, 128)
    assert (fa_fs.extractor_blocks, fa_fs.generator_blocks) == (2, 15)
    assert fa_fs.loss_weights["attention"] == 1e-2 and fa_fs.starts_from == "fa_fs_srgan_psnr"
    for name in ("fs_srgan_psnr", "fa_fs_srgan_psnr"):
        psnr = get_recipe(name)
        assert (psnr.learning_rate, psnr.batch_size, psnr.patch_size) == (2e-4, 16, 192)
        assert psnr.milestones == (50_000, 100_000, 200_000, 600_000, 800_000, 1_000_000)
        assert psnr.trainer == "SRModel" and psnr.has_extractor and psnr.loss_terms == ("pixel",)
    assert get_recipe("Fs-SRGAN").batch_size == 32
    with pytest.raises(TypeError):
        get_recipe("fasrgan").loss_weights["pixel"] = 1.0  # read-only: copy it to change it
    with pytest.raises(ValueError, match="Unknown recipe"):
        get_recipe("srgan")


@pytest.mark.parametrize("page", ["training_runs.md", "methods.md"])
def test_the_docs_print_the_table_from_the_recipes(page):
    assert recipe_table() in (ROOT / "docs" / page).read_text()


def test_fasrgan_train_help_prints_the_table(capsys):
    from keras_fasrgan.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert recipe_table().splitlines()[-1] in out
    for name in RECIPES:
        assert f"{name}_x4" in out
