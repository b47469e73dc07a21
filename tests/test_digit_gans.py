"""The live digit GANs: shapes, losses that fall, conditioning that works, divergence that stops cleanly."""
import dataclasses
import math

import numpy as np
import pytest
import torch

from models.digits import data as digits, live as digit_gans
from models.digits.live import DigitConfig, DigitGAN
from models.digits.nets import Discriminator, Generator, Translator


def test_nets_shapes():
    z, labels = torch.randn(5, 16), torch.arange(5)
    assert Generator(16).train()(z).shape == (5, 784)
    assert Generator(16, 10)(z, labels).shape == (5, 784)
    assert Discriminator()(torch.randn(5, 784)).shape == (5,)
    assert Discriminator(10)(torch.randn(5, 784), labels).shape == (5,)
    assert Translator()(torch.randn(5, 784)).shape == (5, 784)


@pytest.mark.parametrize("model", digit_gans.MODELS)
@pytest.mark.slow
def test_a_few_hundred_steps_learn_something(model):
    gan = DigitGAN(DigitConfig(model=model, seed=1))
    before = gan.metrics()["frechet"]
    gan.run(300)
    after = gan.metrics()
    assert after["frechet"] < 0.7 * before
    grid = gan.grid()
    assert grid.shape == ((6, 10, 28, 28) if model == "cyclegan" else (10, 10, 28, 28))
    assert 0 <= grid.min() and grid.max() <= 1
    if model == "cyclegan":
        first = np.mean([h["cycle"] for h in gan.history[:20]])
        assert np.mean([h["cycle"] for h in gan.history[-20:]]) < first


@pytest.mark.slow
def test_the_conditional_gan_draws_the_digit_it_is_asked_for():
    gan = DigitGAN(DigitConfig(model="cgan", seed=0))
    gan.run(1200)
    assert gan.metrics()["accuracy"] > 0.75  # the benchmark measures the ≥90 % goal (about 1 500 iterations)


def test_runs_are_reproducible_and_wgan_gp_and_hinge_run():
    a, b = DigitGAN(DigitConfig(model="dcgan", seed=3)), DigitGAN(DigitConfig(model="dcgan", seed=3))
    a.run(5)
    b.run(5)
    assert a.history == b.history
    for loss in ("wgan-gp", "hinge", "wgan", "least-squares"):
        gan = DigitGAN(DigitConfig(model="cgan", loss=loss, optimizer="rmsprop", lr_d=1e-4, lr_g=1e-4))
        gan.run(5)
        assert all(math.isfinite(v) for v in gan.history[-1].values())


def test_bad_settings_are_refused():
    for bad, msg in (({"model": "vae"}, "model"), ({"lr_d": 0}, "lr d"), ({"batch": 1}, "batch"),
                     ({"k_d": 1.5}, "whole number"), ({"lr_g": float("nan")}, "lr g"),
                     ({"model": "cyclegan", "domain_a": 4, "domain_b": 4}, "two different"),
                     ({"loss": "nope"}, "unknown loss")):
        with pytest.raises(ValueError, match=msg):
            DigitConfig(**bad).validate()


def test_divergence_stops_the_run_with_a_reason():
    gan = DigitGAN(DigitConfig(model="dcgan"))
    gan.run(2)
    gan.loss = dataclasses.replace(gan.loss, d_loss=lambda r, f: (r.mean() - f.mean()) * float("nan"))
    gan.run(5)
    said = gan.diverged.message()
    assert said.startswith("the D loss became nan") and "at iteration 3" in said and "learning rates" in said
    assert "{" not in said and gan.iteration == 3  # the losses that broke, not the whole record


def test_walks_and_display_leave_the_model_unchanged():
    gan = DigitGAN(DigitConfig(model="cgan"))
    gan.run(20)
    state = {k: v.clone() for k, v in gan.g.state_dict().items()}
    frames = gan.walk(7, seed=2, label=4)
    gan.grid()
    gan.metrics()
    assert frames.shape == (7, 28, 28)
    assert all(torch.equal(state[k], v) for k, v in gan.g.state_dict().items() if k in state
               and not k.endswith("num_batches_tracked"))
    with pytest.raises(ValueError, match="no latent space"):
        DigitGAN(DigitConfig(model="cyclegan")).walk()
    assert digits.CLASSES == 10
