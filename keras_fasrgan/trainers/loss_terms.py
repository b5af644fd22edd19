"""The GAN trainers' loss terms as data: which terms a method uses, and how each is computed.

A method's terms are the keys of its recipe's `loss_weights` (`keras_fasrgan.recipes`):
ESRGAN and Fs-SRGAN use pixel, perceptual and adversarial; FASRGAN and FA+Fs-SRGAN add the
score-map GAN term and the fine-grained attention term, which need a discriminator with a
score map. `GENERATOR_TERMS` gives each term's formula on the tensors of one G step.

Examples:
    >>> spec = LossSpec.for_recipe("fasrgan", {"attention": 1e-2})
    >>> spec.terms
    ('pixel', 'perceptual', 'adversarial', 'map', 'attention')
    >>> spec.uses_score_map, spec.weights["attention"]
    (True, 0.01)
"""

import collections
import dataclasses

from keras_fasrgan import losses as L
from keras_fasrgan.recipes import SCORE_MAP_TERMS
from keras_fasrgan.recipes import get_recipe

# The tensors of one G step that the terms read (maps are None for a score-only D).
StepTensors = collections.namedtuple(
    "StepTensors", "sr hr real_score fake_score real_map fake_map perceptual_loss"
)

GENERATOR_TERMS = {
    "pixel": lambda t: L.pixel_loss(t.hr, t.sr),
    "perceptual": lambda t: t.perceptual_loss(t.hr, t.sr),
    "adversarial": lambda t: L.relativistic_generator_loss(t.real_score, t.fake_score),
    "map": lambda t: L.score_map_generator_loss(t.real_map, t.fake_map),
    "attention": lambda t: L.attention_loss(t.sr, t.hr, t.fake_map),
}


@dataclasses.dataclass(frozen=True)
class LossSpec:
    """The weighted generator loss terms of one trainer.

    Fields:
        weights: `{term: weight}` for every term of the method (the recipe's, updated with
            the user's overrides; a term the method does not have is an error).
        terms: the terms computed, in logging order (the perceptual term is left out when
            the trainer has no perceptual loss).
    """

    weights: dict
    terms: tuple

    @classmethod
    def for_recipe(cls, recipe, loss_weights=None, perceptual=True):
        """The spec of `recipe` with `loss_weights` overrides; `perceptual=False` drops it."""
        weights = L.resolve_loss_weights(loss_weights, get_recipe(recipe).loss_weights)
        terms = tuple(t for t in weights if perceptual or t != "perceptual")
        return cls(weights, terms)

    @property
    def uses_score_map(self):
        """True when a term reads the discriminator's score map."""
        return any(t in SCORE_MAP_TERMS for t in self.terms)

    def generator_loss(self, tensors):
        """`(weighted total, {term: unweighted value})` for one G step's `StepTensors`."""
        terms = {name: GENERATOR_TERMS[name](tensors) for name in self.terms}
        total = sum(self.weights[name] * value for name, value in terms.items())
        return total, terms

    def discriminator_loss(self, real_score, fake_score, real_map, fake_map):
        """RaGAN on the image scores, plus the score-map term when the method uses the map."""
        if self.uses_score_map:
            return L.discriminator_loss(real_score, fake_score, real_map, fake_map)
        return L.discriminator_loss(real_score, fake_score)
