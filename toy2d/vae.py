"""A 2D variational autoencoder, built to be compared with a GAN of the same size on the same data.

Model: z ~ N(0, I), x | z ~ N(decoder(z), σ²I) with one learned σ; the encoder gives q(z|x) = N(μ(x), diag s²(x)).
Training maximises the ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)) with the reparameterisation z = μ + s·ε.
Sampling draws z from the prior and adds the decoder's noise σ·ε, as the model says: that noise is where a VAE's
"blur" comes from in 2D. The decoder has the GAN generator's layers and the encoder the discriminator's
(``VAEConfig.like``), so the two differ only in how they are trained.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from . import distributions, losses, nets, reasons, settings
from .config import TrainConfig
from .settings import setting
from .live import Divergence
from .trainer import POOL_SIZE, all_finite, run_steps

LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class VAEConfig:
    """Each setting declared once (toy2d/settings.py): the VAE panel and validation read it here."""

    data: str = setting("ring8", "data set", "Data", choices=distributions.NAMES)
    points: tuple[tuple[float, float], ...] | None = None
    # the latent size; named like the GAN's noise so probe.manifold can draw the decoder
    noise_dim: int = setting(2, "latent size", "Model", lo=1, hi=64, noun="latent size")
    enc_depth: int = setting(2, "encoder hidden layers", "Model", lo=0, hi=8, noun="encoder depth")
    enc_width: int = setting(64, "encoder neurons per layer", "Model", lo=1, hi=512, noun="encoder width")
    dec_depth: int = setting(2, "decoder hidden layers", "Model", lo=0, hi=8, noun="decoder depth")
    dec_width: int = setting(64, "decoder neurons per layer", "Model", lo=1, hi=512, noun="decoder width")
    act: str = setting("relu", "activation", "Model", choices=tuple(nets.ACTIVATIONS))
    lr: float = setting(1e-3, "learning rate", "Training", lo=0, hi=10, lo_open=True, noun="learning rate")
    batch: int = setting(256, "batch size", "Training", lo=2, hi=4096)
    seed: int = setting(0, "seed", "Data", lo=0, hi=2**31 - 1)
    # weight of the KL term (1 = the ELBO)
    beta: float = setting(1.0, "β (KL weight; 1 = ELBO)", "Training", lo=0, hi=100, noun="β")
    # learn the decoder's noise σ; off: σ stays at sigma0
    learn_sigma: bool = setting(True, "learn the decoder's σ", "Model")
    # σ's start (or fixed value), in units of the data's spread
    sigma0: float = setting(0.1, "decoder σ (start)", "Model", lo=1e-4, hi=10, noun="σ")
    noise: str = setting("gaussian", "prior", "Model", choices=("gaussian",), panel=False)  # a standard normal

    @classmethod
    def like(cls, gan: TrainConfig, **changes) -> "VAEConfig":
        """The VAE matching a GAN config: decoder = G's layers, encoder = D's, G's learning rate, same data/seed."""
        base = cls(data=gan.data, points=gan.points, noise_dim=gan.noise_dim, enc_depth=gan.d_depth,
                   enc_width=gan.d_width, dec_depth=gan.g_depth, dec_width=gan.g_width, act=gan.g_act, lr=gan.lr_g,
                   batch=gan.batch, seed=gan.seed)
        return replace(base, **changes)

    def validate(self) -> "VAEConfig":
        settings.check_all(self)
        return self


class VAE:
    """One VAE run; the same stepping interface as toy2d.trainer.Trainer (step, sample, iteration, diverged)."""

    def __init__(self, config: VAEConfig):
        self.config = config.validate()
        self.dist = distributions.get(config.data, config.points)
        self.pool = torch.from_numpy(self.dist.sample(POOL_SIZE, np.random.default_rng(config.seed)))
        self.mean = self.pool.mean(dim=0)
        self.scale = float(self.pool.std(dim=0).pow(2).mean().sqrt()) or 1.0
        k = config.noise_dim
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.encoder = nets.mlp(2, 2 * k, config.enc_depth, config.enc_width, config.act)
            decoder = nets.mlp(k, 2, config.dec_depth, config.dec_width, config.act)
        self.decoder = decoder
        self.g_sample = nn.Sequential(decoder, nets.Affine(self.mean, self.scale))  # the mean of x given z
        self.log_sigma = nn.Parameter(torch.tensor(math.log(config.sigma0)), requires_grad=config.learn_sigma)
        params = list(self.encoder.parameters()) + list(self.decoder.parameters()) + [self.log_sigma]
        self.params = [p for p in params if p.requires_grad]
        self.opt = torch.optim.Adam(self.params, lr=config.lr)
        self.rng = torch.Generator().manual_seed(config.seed)
        self.iteration = 0
        self.diverged: Divergence | None = None
        self.recon = self.kl = math.nan
        self.history: list[tuple[int, float, float]] = []  # (iteration, reconstruction, KL) in nats per point

    @property
    def sigma(self) -> float:
        """The decoder's noise in data units."""
        return math.exp(self.log_sigma.item()) * self.scale

    def losses(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(−E_q log p(x|z), KL(q‖prior)) per point, averaged over the batch; x in data units. The likelihood is
        measured in standardised units (a constant shift of 2·log(scale) nats from data units)."""
        u = (x - self.mean) / self.scale
        h = self.encoder(u)
        mu, log_var = h.chunk(2, dim=1)
        log_var = log_var.clamp(-30, 20)
        z = mu + torch.exp(0.5 * log_var) * torch.randn(mu.shape, generator=self.rng)
        err = (u - self.decoder(z)) / torch.exp(self.log_sigma)
        recon = 0.5 * (err ** 2).sum(dim=1) + 2 * self.log_sigma + LOG_2PI
        kl = 0.5 * (mu ** 2 + log_var.exp() - 1 - log_var).sum(dim=1)
        return recon.mean(), kl.mean()

    def step(self) -> bool:
        """One Adam step on −ELBO (reconstruction + β·KL). False (and nothing changes) once diverged."""
        if self.diverged:
            return False
        x = torch.index_select(self.pool, 0, torch.randint(0, POOL_SIZE, (self.config.batch,), generator=self.rng))
        recon, kl = self.losses(x)
        loss = recon + self.config.beta * kl
        if (reason := losses.broken(loss.item())) is not None:
            self.diverged = Divergence(self.iteration + 1, "VAE",
                                       reasons.stopped("loss", net=reasons.stopped("net.VAE"), why=reason))
            return False
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        if not all_finite(self.params):
            self.diverged = Divergence(self.iteration + 1, "VAE",
                                       reasons.stopped("weight", net=reasons.stopped("net.VAE")))
            return False
        self.iteration += 1
        self.recon, self.kl = recon.item(), kl.item()
        self.history.append((self.iteration, self.recon, self.kl))
        return True

    def run(self, n: int) -> int:
        return run_steps(self.step, n)

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Draws from the prior (what the probe feeds g_sample to draw the decoder's manifold)."""
        return torch.randn(n, self.config.noise_dim, generator=generator or self.rng)

    @torch.no_grad()
    def sample(self, n: int, seed: int = 12345) -> np.ndarray:
        """n draws from the model: z from the prior, then the decoder's mean plus its noise σ·ε."""
        gen = torch.Generator().manual_seed(seed)
        z = self.noise(n, gen)
        return (self.g_sample(z) + self.sigma * torch.randn(n, 2, generator=gen)).numpy()

    @torch.no_grad()
    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        """The decoder's mean at the encoder's mean: where the autoencoder sends each point."""
        u = (torch.as_tensor(np.asarray(x, dtype=np.float32)) - self.mean) / self.scale
        mu = self.encoder(u).chunk(2, dim=1)[0]
        return self.g_sample(mu).numpy()
