"""A conditional GAN in 2D: the modes of a mixture are the classes, and G and D both get a one-hot label.

G(z, y) should put its samples on mode y; D(x, y) judges whether x is a real sample *of class y*. Per-class metrics
say, for each class, how many of G's samples land on the asked-for mode. ``ConditionalTrainer.for_class(y)``
looks like an unconditional Trainer for one class, so the probe and the renderer of the 2D lab draw it unchanged.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import budget, distributions, losses, metrics, nets
from .config import TrainConfig
from .trainer import (POOL_SIZE, Divergence, all_finite, lr_factor, make_optimizer, optimiser_step, run_steps,
                      set_lr)

UNSUPPORTED = {"unrolled_k": 0, "g_ema": 0.0}  # settings the conditional trainer does not implement, and their off


class Generator(nn.Module):
    def __init__(self, body: nn.Module, out: nn.Module, classes: int):
        super().__init__()
        self.body, self.out, self.classes = body, out, classes

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.out(self.body(torch.cat([z, nn.functional.one_hot(y, self.classes).float()], dim=1)))


class Discriminator(nn.Module):
    def __init__(self, standardise: nn.Module, body: nn.Module, classes: int):
        super().__init__()
        self.standardise, self.body, self.classes = standardise, body, classes

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.body(torch.cat([self.standardise(x), nn.functional.one_hot(y, self.classes).float()], dim=1))


@dataclass(frozen=True)
class ClassScore:
    label: int
    on_mode: float  # share of G(z, label) within 3σ of mode `label`: the conditional accuracy
    high_quality: float  # share within 3σ of any mode
    nearest: int  # the mode most of G(z, label) is nearest to


class ConditionalTrainer:
    def __init__(self, config: TrainConfig):
        self.config = config.validate()
        for name, off in UNSUPPORTED.items():
            if getattr(config, name) != off:
                raise ValueError(f"{name} is not available for the conditional GAN; set it to {off}")
        self.dist = distributions.get(config.data, config.points)
        if self.dist.mixture is None:
            raise ValueError(f"a conditional GAN needs a data set made of modes ({', '.join(distributions.MIXTURE_NAMES)}); "
                             f"{config.data} has none")
        self.mixture = self.dist.mixture
        self.classes = len(self.mixture.centres)
        budget.check(config, extra_inputs=self.classes)  # both nets also read the one-hot label
        x, y = self.mixture.sample_labelled(np.random.default_rng(config.seed), POOL_SIZE)
        self.pool, self.pool_labels = torch.from_numpy(x), torch.from_numpy(y)
        mean = self.pool.mean(dim=0)
        scale = float(self.pool.std(dim=0).pow(2).mean().sqrt()) or 1.0
        k = self.classes
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.g = Generator(nets.mlp(config.noise_dim + k, 2, config.g_depth, config.g_width, config.g_act),
                               nets.Affine(mean, scale), k)
            self.d = Discriminator(nets.Affine(-mean / scale, 1.0 / scale),
                                   nets.mlp(2 + k, 1, config.d_depth, config.d_width, config.d_act,
                                            spectral_norm=config.d_spectral_norm), k)
        self.g_params, self.d_params = list(self.g.parameters()), list(self.d.parameters())
        self.loss = losses.get(config.loss)
        self.rng = torch.Generator().manual_seed(config.seed)
        self.opt_d = make_optimizer(config.opt_d, self.d_params, config.lr_d, config.beta1_d, config.beta2_d)
        self.opt_g = make_optimizer(config.opt_g, self.g_params, config.lr_g, config.beta1_g, config.beta2_g)
        self.iteration = self.d_steps = self.g_steps = 0
        self.d_loss = self.g_loss = math.nan
        self.diverged: Divergence | None = None
        self.history: list[tuple[int, float, float]] = []

    # ---- sampling -----------------------------------------------------------------------------------------------
    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        gen = generator or self.rng
        if self.config.noise == "gaussian":
            return torch.randn(n, self.config.noise_dim, generator=gen)
        return torch.rand(n, self.config.noise_dim, generator=gen) * 2 - 1

    def _real(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        i = torch.randint(0, POOL_SIZE, (n,), generator=self.rng)
        return self.pool[i], self.pool_labels[i]

    @torch.no_grad()
    def sample(self, n: int, seed: int = 12345, label: int | None = None) -> np.ndarray:
        """n samples from a fixed noise seed; labels uniform over the classes unless ``label`` is given."""
        gen = torch.Generator().manual_seed(seed)
        z = self.noise(n, gen)
        y = (torch.randint(0, self.classes, (n,), generator=gen) if label is None
             else torch.full((n,), self._label(label), dtype=torch.long))
        return self.g(z, y).numpy()

    def _label(self, label: int) -> int:
        if not isinstance(label, (int, np.integer)) or not 0 <= label < self.classes:
            raise ValueError(f"the class must be a whole number from 0 to {self.classes - 1}, got {label!r}")
        return int(label)

    # ---- training -----------------------------------------------------------------------------------------------
    def _d_step(self) -> float:
        cfg = self.config
        real, y = self._real(cfg.batch)
        with torch.no_grad():
            fake = self.g(self.noise(cfg.batch), y)  # the same labels as the real half: D must judge the pairing
        h = self.d(torch.cat([real, fake]), torch.cat([y, y]))
        loss = self.loss.d_loss(h[: cfg.batch], h[cfg.batch:])
        d_y = lambda x: self.d(x, y)  # noqa: E731  (penalties differentiate D in x for fixed labels)
        if self.loss.gradient_penalty and cfg.gp_lambda > 0:
            loss = loss + cfg.gp_lambda * losses.gradient_penalty(d_y, real, fake, self.rng)
        if cfg.r1_gamma > 0 and self.d_steps % cfg.r1_every == 0:
            loss = loss + cfg.r1_gamma * cfg.r1_every * losses.r1_penalty(d_y, real)
        value = loss.item()
        if math.isfinite(value):
            optimiser_step(self.opt_d, self.d_params, loss)
            if self.loss.weight_clip:
                with torch.no_grad():
                    for p in self.d_params:
                        p.clamp_(-cfg.clip, cfg.clip)
        return value

    def _g_step(self) -> float:
        cfg = self.config
        y = torch.randint(0, self.classes, (cfg.batch,), generator=self.rng)
        fake = self.g(self.noise(cfg.batch), y)
        for p in self.d_params:
            p.requires_grad_(False)
        try:
            loss = self.loss.g_loss(self.d(fake, y))
        finally:
            for p in self.d_params:
                p.requires_grad_(True)
        value = loss.item()
        if math.isfinite(value):
            optimiser_step(self.opt_g, self.g_params, loss)
        return value

    def _phase(self, phase: str) -> bool:
        value = self._d_step() if phase == "D" else self._g_step()
        if (reason := losses.broken(value)) is not None:
            self.diverged = Divergence(self.iteration + 1, phase, f"the {phase} loss {reason}")
            return False
        if phase == "D":
            self.d_loss, self.d_steps = value, self.d_steps + 1
        else:
            self.g_loss, self.g_steps = value, self.g_steps + 1
        return True

    def step(self) -> bool:
        """One iteration: k_d D steps then k_g G steps. False if the run is (or became) diverged."""
        if self.diverged:
            return False
        for phase in "D" * self.config.k_d + "G" * self.config.k_g:
            if not self._phase(phase):
                return False
        if not all_finite(self.d_params + self.g_params):
            self.diverged = Divergence(self.iteration + 1, "D/G", "a weight became NaN or infinite (learning rate "
                                                                  "too high?)")
            return False
        self.iteration += 1
        self.history.append((self.iteration, self.d_loss, self.g_loss))
        if self.config.lr_decay_steps:
            set_lr(self.opt_d, self.opt_g, self.config, lr_factor(self.iteration, self.config.lr_decay_steps))
        return True

    def run(self, n: int) -> int:
        return run_steps(self.step, n)

    # ---- per-class metrics --------------------------------------------------------------------------------------
    def class_scores(self, n_per_class: int = 500, radius: float = 3.0) -> list[ClassScore]:
        scores = []
        for c in range(self.classes):
            x = self.sample(n_per_class, seed=1000 + c, label=c)
            idx, dist = metrics.nearest_modes(x, self.mixture)
            hq = dist <= radius
            counts = np.bincount(idx, minlength=self.classes)
            scores.append(ClassScore(c, float((hq & (idx == c)).mean()), float(hq.mean()), int(counts.argmax())))
        return scores

    def for_class(self, label: int) -> "ClassView":
        return ClassView(self, self._label(label))


class _Fixed(nn.Module):
    """A net with its label input fixed, so code written for unconditional nets can call it with x (or z) only."""

    def __init__(self, net: nn.Module, label: int):
        super().__init__()
        self.net, self.label = net, label

    def forward(self, v: torch.Tensor) -> torch.Tensor:
        return self.net(v, torch.full((len(v),), self.label, dtype=torch.long))


class ClassView:
    """The conditional run seen as an unconditional one for a single class: what toy2d.probe.frame reads."""

    def __init__(self, trainer: ConditionalTrainer, label: int):
        self.trainer, self.label = trainer, label
        self.g_sample = _Fixed(trainer.g, label)
        self.d = _Fixed(trainer.d, label)
        self.pool = trainer.pool[trainer.pool_labels == label]

    def __getattr__(self, name: str):  # config, noise, loss, d_params, iteration, losses, diverged…
        return getattr(self.trainer, name)
