"""Gradient flow of one iteration (TensorFlow tape): who gets gradients from which loss."""

import tensorflow as tf
from _trainer_testkit import pairs
from _trainer_testkit import tiny_extractor
from _trainer_testkit import tiny_generator
from _trainer_testkit import tiny_unet

from keras_fasrgan import losses as L
from keras_fasrgan.trainers import FAFsSRGAN
from keras_fasrgan.trainers import FASRGAN


def _nonzero(grads):
    return [g is not None and float(tf.reduce_sum(tf.abs(g))) > 0 for g in grads]


def test_fasrgan_d_loss_sends_nothing_to_g_and_attention_mask_is_stopped():
    lr, hr = pairs(2)
    gan = FASRGAN(tiny_generator(), tiny_unet(), perceptual_loss=None)
    g_vars, d_vars = gan.generator.trainable_variables, gan.discriminator.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        g_total, sr, _ = gan.generator_loss(lr, hr)
        d_total, _ = gan.discriminator_loss(hr, sr)
        _, fake_map = gan.discriminate(sr)
        attention = L.attention_loss(sr, hr, fake_map)
    assert all(g is None for g in tape.gradient(d_total, g_vars))
    assert sum(_nonzero(tape.gradient(d_total, d_vars))) > len(d_vars) // 2
    assert sum(_nonzero(tape.gradient(g_total, g_vars))) > len(g_vars) // 2
    assert all(g is None for g in tape.gradient(attention, d_vars))
    assert sum(_nonzero(tape.gradient(attention, g_vars))) > len(g_vars) // 2


def test_fa_fs_srgan_groups_and_extractor_in_both_losses():
    lr, hr = pairs(2)
    gan = FAFsSRGAN(tiny_extractor(), tiny_generator(8), tiny_unet(8), perceptual_loss=None)
    e_ids = {id(v) for v in gan.extractor.trainable_variables}
    assert [id(v) for v in gan.g_variables[: len(e_ids)]] == [id(v) for v in gan.extractor.trainable_variables]
    assert e_ids <= {id(v) for v in gan.d_variables}
    assert not {id(v) for v in gan.generator.trainable_variables} & {id(v) for v in gan.d_variables}
    assert not {id(v) for v in gan.discriminator.trainable_variables} & {id(v) for v in gan.g_variables}
    e_vars = gan.extractor.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        g_total, sr, _ = gan.generator_loss(lr, hr)
        d_total, _ = gan.discriminator_loss(hr, sr)
    assert any(_nonzero(tape.gradient(g_total, e_vars)))
    assert any(_nonzero(tape.gradient(d_total, e_vars)))
    assert all(g is None for g in tape.gradient(d_total, gan.generator.trainable_variables))


def test_e_has_separate_slots_in_each_optimizer():
    import keras

    gan = FAFsSRGAN(tiny_extractor(), tiny_generator(8), tiny_unet(8), perceptual_loss=None)
    gan.compile(run_eagerly=True)
    assert gan.g_optimizer is not gan.d_optimizer
    first_e = gan.extractor.trainable_variables[0]
    g_slot = gan.g_optimizer._momentums[gan.g_optimizer._get_variable_index(first_e)]
    d_slot = gan.d_optimizer._momentums[gan.d_optimizer._get_variable_index(first_e)]
    assert g_slot is not d_slot
    lr, hr = pairs(2)
    gan.fit(lr, hr, batch_size=2, epochs=1, verbose=0)
    a, b = keras.ops.convert_to_numpy(g_slot), keras.ops.convert_to_numpy(d_slot)
    assert abs(a).sum() > 0 and abs(b).sum() > 0 and not (a == b).all()
