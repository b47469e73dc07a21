"""The 2D VAE: the ELBO terms, training, sampling, and how it compares with a GAN of the same size."""
import math

import numpy as np
import pytest
import torch

from toy2d import metrics, presets
from toy2d.config import TrainConfig
from toy2d.vae import VAE, VAEConfig


def test_like_takes_the_gans_layers_data_and_seed():
    gan = TrainConfig(data="moons", noise_dim=3, g_depth=3, g_width=32, d_depth=1, d_width=16, lr_g=2e-3, seed=7)
    v = VAEConfig.like(gan, beta=0.5)
    assert (v.data, v.noise_dim, v.dec_depth, v.dec_width, v.enc_depth, v.enc_width, v.lr, v.seed, v.beta) == \
        ("moons", 3, 3, 32, 1, 16, 2e-3, 7, 0.5)


@pytest.mark.parametrize("change, message", [(dict(lr=0.0), "learning rate"), (dict(beta=math.nan), "β"),
                                             (dict(noise_dim=0), "latent"), (dict(data="nope"), "data"),
                                             (dict(sigma0=0.0), "σ")])
def test_bad_settings_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        VAE(VAEConfig(**change))


def test_kl_term_matches_torch_distributions():
    vae = VAE(VAEConfig(seed=1))
    x = vae.pool[:64]
    mu, log_var = vae.encoder((x - vae.mean) / vae.scale).chunk(2, dim=1)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * log_var))
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    expected = torch.distributions.kl_divergence(q, p).sum(dim=1).mean()
    _, kl = vae.losses(x)
    assert kl.item() == pytest.approx(expected.item(), rel=1e-5)


def test_training_raises_the_elbo_and_covers_every_mode_with_blurry_samples():
    gan = presets.resolve("ring8")[0]
    vae = VAE(VAEConfig.like(gan))
    vae.run(1500)
    first = np.mean([r + k for _, r, k in vae.history[:100]])
    last = np.mean([r + k for _, r, k in vae.history[-100:]])
    assert last < first - 1.0  # −ELBO fell by more than a nat per point
    r = metrics.evaluate(vae.dist, vae.sample(metrics.N_DIVERGENCE), with_w1=False)
    assert r.modes_covered == 8  # "covers everything"…
    assert r.hq_fraction < 0.5  # …but most samples sit between modes (the decoder's σ is wider than the modes)
    assert vae.sigma > 3 * 0.01


def test_samples_are_decoder_mean_plus_sigma_noise_and_seeded():
    vae = VAE(VAEConfig(learn_sigma=False, sigma0=0.5))
    a, b = vae.sample(2000, seed=3), vae.sample(2000, seed=3)
    assert np.array_equal(a, b)
    gen = torch.Generator().manual_seed(3)
    mean = vae.g_sample(vae.noise(2000, gen)).detach().numpy()
    assert np.std(a - mean) == pytest.approx(vae.sigma, rel=0.05)
    assert vae.reconstruct(vae.pool[:5].numpy()).shape == (5, 2)


def test_a_blown_up_weight_stops_the_run_without_raising():
    vae = VAE(VAEConfig())
    assert vae.run(5) == 5
    with torch.no_grad():
        next(vae.decoder.parameters())[0, 0] = float("inf")
    assert vae.run(10) == 0
    assert vae.diverged is not None and "iteration 6" in vae.diverged.message()
    assert not vae.step() and vae.iteration == 5
