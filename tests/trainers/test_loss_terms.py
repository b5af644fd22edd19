"""The loss terms of a method are data (its recipe's weights), not class flags."""

import pytest
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet
from _trainer_testkit import tiny_vgg

from keras_fasrgan.recipes import get_recipe
from keras_fasrgan.trainers import ESRGAN
from keras_fasrgan.trainers import FAFsSRGAN
from keras_fasrgan.trainers import FASRGAN
from keras_fasrgan.trainers import FsSRGAN
from keras_fasrgan.trainers import LossSpec
from keras_fasrgan.trainers import SRModel

GAN = ("pixel", "perceptual", "adversarial")


@pytest.mark.parametrize(
    "recipe,terms",
    [("psnr", ("pixel",)), ("esrgan", GAN), ("fasrgan", GAN + ("map", "attention")),
     ("fs_srgan", GAN), ("fa_fs_srgan", GAN + ("map", "attention"))],
)
def test_each_recipe_lists_its_terms(recipe, terms):
    spec = LossSpec.for_recipe(recipe)
    assert spec.terms == terms
    assert spec.uses_score_map == ("map" in terms)
    assert dict(spec.weights) == dict(get_recipe(recipe).loss_weights)
    assert "perceptual" not in LossSpec.for_recipe(recipe, perceptual=False).terms


def test_trainers_read_their_terms_from_the_recipe():
    gan = FAFsSRGAN(tiny_extractor(), tiny_generator(8), tiny_unet(8), perceptual_loss=None)
    assert gan.loss_spec.terms == ("pixel", "adversarial", "map", "attention")
    assert gan.loss_weights["attention"] == 1e-2
    assert not any(hasattr(cls, "uses_attention") for cls in (ESRGAN, FASRGAN, FsSRGAN))
    assert SRModel(tiny_generator(), loss_weights={"pixel": 2.0}).loss_spec.weights == {"pixel": 2.0}


def test_a_term_the_method_does_not_have_is_an_error():
    with pytest.raises(ValueError, match="Unknown loss weight 'map'"):
        ESRGAN(tiny_generator(), tiny_vgg(), perceptual_loss=None, loss_weights={"map": 1e-2})
    with pytest.raises(ValueError, match="Unknown loss weight 'attention'"):
        FsSRGAN(tiny_extractor(), tiny_generator(8), tiny_vgg(8), perceptual_loss=None,
                loss_weights={"attention": 1.0})


def test_a_score_map_the_method_would_not_train_is_an_error():
    with pytest.raises(ValueError, match="score map .* would never train"):
        ESRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None)
    with pytest.raises(ValueError, match="recipe has no feature extractor E"):
        FASRGAN(tiny_generator(8), tiny_unet(8), perceptual_loss=None, extractor=tiny_extractor())
