"""A conditional GAN in 2D: the modes of a mixture are the classes, and G and D both get a one-hot label.

G(z, y) should put its samples on mode y; D(x, y) judges whether x is a real sample *of class y*. Per-class metrics
say, for each class, how many of G's samples land on the asked-for mode. ``ConditionalTrainer.for_class(y)``
is what toy2d.probe draws for one class (probe.Drawable), so the lab's view shows it unchanged. The training steps
are the GANTrainer's: this class only builds the nets and says how they take the label.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from . import budget, distributions, metrics, nets
from .config import TrainConfig
from .trainer import POOL_SIZE, GANTrainer

# settings the conditional trainer does not implement, and their off values
UNSUPPORTED = {"unrolled_k": 0, "pack": 1}


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


class ConditionalTrainer(GANTrainer):
    def __init__(self, config: TrainConfig):
        self.config = config.validate()
        for name, off in UNSUPPORTED.items():
            if getattr(config, name) != off:
                raise ValueError(f"{name} is not available for the conditional GAN; set it to {off}")
        self.dist = distributions.get(config.data, config.points)
        if self.dist.mixture is None:
            names = ", ".join(distributions.MIXTURE_NAMES)
            raise ValueError(f"a conditional GAN needs a data set made of modes ({names}); {config.data} has none")
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
        self._setup()

    # ---- how the nets take the label (GANTrainer's hooks) ----------------------------------------------------------
    def real_batch_with(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        i = self.pool_index(n)
        return self.pool[i], self.pool_labels[i]

    def fake_conditions(self, n: int) -> torch.Tensor:
        return torch.randint(0, self.classes, (n,), generator=self.rng)

    def generate(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        return self.g(z, cond)

    def discriminate(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        return self.d(x, cond)

    # ---- sampling -----------------------------------------------------------------------------------------------
    @torch.no_grad()
    def sample(self, n: int, seed: int = 12345, label: int | None = None) -> np.ndarray:
        """n samples from a fixed noise seed; labels uniform over the classes unless ``label`` is given."""
        gen = torch.Generator().manual_seed(seed)
        z = self.noise(n, gen)
        y = (torch.randint(0, self.classes, (n,), generator=gen) if label is None
             else torch.full((n,), self._label(label), dtype=torch.long))
        return self.g_sample(z, y).numpy()  # G's weight average where g_ema is on, as the unconditional trainer

    def _label(self, label: int) -> int:
        if not isinstance(label, (int, np.integer)) or not 0 <= label < self.classes:
            raise ValueError(f"the class must be a whole number from 0 to {self.classes - 1}, got {label!r}")
        return int(label)

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
        return ClassView.of(self, self._label(label))


class _Fixed(nn.Module):
    """A net with its label input fixed, so code written for unconditional nets can call it with x (or z) only."""

    def __init__(self, net: nn.Module, label: int):
        super().__init__()
        self.net, self.label = net, label

    def forward(self, v: torch.Tensor) -> torch.Tensor:
        return self.net(v, torch.full((len(v),), self.label, dtype=torch.long))


@dataclass(frozen=True)
class ClassView:
    """The conditional run seen for a single class, as it is now: what toy2d.probe.frame draws (probe.Drawable)."""

    config: TrainConfig
    loss: Any
    pool: torch.Tensor
    g_sample: nn.Module
    d: nn.Module
    d_params: list[torch.Tensor]
    noise: Callable[..., torch.Tensor]
    iteration: int
    d_steps: int
    g_steps: int
    d_loss: float
    g_loss: float
    diverged: Any
    fast: None = None  # the arrows come from autograd: the NumPy kernel knows no labels
    pack: int = 1  # the conditional D judges single samples

    @classmethod
    def of(cls, t: ConditionalTrainer, label: int) -> "ClassView":
        return cls(t.config, t.loss, t.pool[t.pool_labels == label], _Fixed(t.g_sample, label), _Fixed(t.d, label),
                   t.d_params, t.noise, t.iteration, t.d_steps, t.g_steps, t.d_loss, t.g_loss, t.diverged)
