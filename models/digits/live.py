"""Small image GANs that train live on real MNIST digits (28×28): DCGAN, conditional GAN and CycleGAN between two
digits.

Pictures travel as flat 784-vectors in [-1, 1] between the nets and the losses, so the 2D engine's loss functions
and gradient penalty (toy2d.losses) apply unchanged; each net reshapes to 1×28×28 inside. The defaults are the recipe
that learns fastest on one CPU thread (benchmarks/digit_gans.py; RESULTS.md has the study): Adam at 2·10⁻³ for both
nets, batch 32, and the digits drawn from G's weight average (0.99), which removes the step-to-step jitter.
"""
from __future__ import annotations

import copy
import functools
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch import Tensor, nn

from toy2d import losses, nets, reasons, settings
from toy2d.live import Divergence
from toy2d.settings import setting

from .. import training
from . import data as digits, judge
from .nets import PIXELS, Discriminator, Generator, Translator
from ..refusals import refused

MODELS = ("dcgan", "cgan", "cyclegan")
OPTIMIZERS = ("adam", "sgd", "rmsprop")
GRID = 10          # the fixed-noise grid is GRID × GRID samples
METRIC_SAMPLES = judge.SAMPLES
LOSS_LABELS = {"d": "D", "g": "G"}  # a step record's keys as a message names them (reasons.STOPPED's net.*)


@dataclass(frozen=True)
class DigitConfig:
    """Each setting declared once (toy2d/settings.py): the digit GANs tab's panel and validation read it here."""

    model: str = setting("cgan", "model", "Model", choices=MODELS)
    loss: str = setting("nonsaturating", "loss", "Model", choices=losses.LOSS_NAMES)
    optimizer: str = setting("adam", "optimiser", "Training", choices=OPTIMIZERS)
    lr_d: float = setting(2e-3, "learning rate D", "Training", lo=1e-6, hi=1.0, noun="lr d")
    lr_g: float = setting(2e-3, "learning rate G", "Training", lo=1e-6, hi=1.0, noun="lr g")
    beta1: float = setting(0.5, "Adam β1", "Training", lo=0.0, hi=0.999, panel=False)
    k_d: int = setting(1, "D steps per iteration (kD)", "Training", lo=1, hi=20, noun="k d")
    k_g: int = setting(1, "G steps per iteration (kG)", "Training", lo=1, hi=20, noun="k g")
    batch: int = setting(32, "batch", "Training", lo=2, hi=1024)
    noise_dim: int = setting(32, "noise dimensions", "Model", lo=1, hi=256)
    g_ema: float = setting(0.99, "G weight EMA (0 = off)", "Training", lo=0.0, hi=0.9999, panel=False)
    gp_lambda: float = setting(10.0, "gradient penalty λ (WGAN-GP)", "Training", lo=0.0, hi=1e4, panel=False)
    clip: float = setting(0.01, "weight clip (WGAN)", "Training", lo=1e-4, hi=10.0, panel=False)
    seed: int = setting(0, "seed", "Training", lo=0, hi=2**31 - 1)
    domain_a: int = setting(3, "digit a", "CycleGAN", lo=0, hi=9, noun="domain a")
    domain_b: int = setting(8, "digit b", "CycleGAN", lo=0, hi=9, noun="domain b")
    lambda_cyc: float = setting(10.0, "λ cycle", "CycleGAN", lo=0.0, hi=1e3, noun="lambda cyc")
    lambda_id: float = setting(5.0, "λ identity", "CycleGAN", lo=0.0, hi=1e3, noun="lambda id")

    def validate(self) -> "DigitConfig":
        losses.get(self.loss)  # its message names the losses there are
        config = replace(self, **settings.whole_numbers(self))
        settings.check_all(config)
        if config.model == "cyclegan" and config.domain_a == config.domain_b:
            raise refused("same_digits")
        return config

    def to_dict(self) -> dict:
        return asdict(self)


def _optimizer(config: DigitConfig, params, lr: float) -> torch.optim.Optimizer:
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(config.beta1, 0.999))
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.SGD(params, lr=lr, momentum=config.beta1)


class DigitGAN:
    """One live run. `step()` is one iteration: k_d discriminator updates, then k_g generator updates."""

    def __init__(self, config: DigitConfig):
        self.config = config = config.validate()
        self.loss = losses.get(config.loss)
        self.gen = torch.Generator().manual_seed(config.seed)
        torch.manual_seed(config.seed)
        x, y = digits.load()
        self.iteration, self.history = 0, []
        self.diverged: Divergence | None = None
        classes = digits.CLASSES if config.model == "cgan" else 0
        if config.model == "cyclegan":
            self.real_a, self.real_b = x[y == config.domain_a], x[y == config.domain_b]
            self.g, self.f = Translator(), Translator()
            self.d_a, self.d_b = Discriminator(), Discriminator()
            self.opt_g = _optimizer(config, [*self.g.parameters(), *self.f.parameters()], config.lr_g)
            self.opt_d = _optimizer(config, [*self.d_a.parameters(), *self.d_b.parameters()], config.lr_d)
            self.shown_a, self.shown_b = self.real_a[:GRID], self.real_b[:GRID]
        else:
            self.real, self.labels = x, y
            self.g, self.d = Generator(config.noise_dim, classes), Discriminator(classes)
            self.opt_g = _optimizer(config, self.g.parameters(), config.lr_g)
            self.g_params = list(self.g.parameters())
            self.opt_d = _optimizer(config, self.d.parameters(), config.lr_d)
            self.g_sample = copy.deepcopy(self.g) if config.g_ema > 0 else self.g  # what is drawn and judged
            fixed = torch.Generator().manual_seed(12345)
            self.fixed_z = torch.randn(GRID * GRID, config.noise_dim, generator=fixed)
            if config.model == "cgan":  # row r asks for digit r; column c uses noise c in every row
                self.fixed_z = torch.randn(GRID, config.noise_dim, generator=fixed).repeat(GRID, 1)
            self.fixed_labels = torch.arange(GRID).repeat_interleave(GRID) % digits.CLASSES
            self.metric_z = torch.randn(METRIC_SAMPLES, config.noise_dim, generator=fixed)
            self.metric_labels = torch.arange(METRIC_SAMPLES) % digits.CLASSES

    # ---- training ----------------------------------------------------------------------------------------------

    def _batch(self, pool: Tensor, labels: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        idx = torch.randint(0, len(pool), (self.config.batch,), generator=self.gen)
        return pool[idx], (labels[idx] if labels is not None else None)

    def _d_loss(self, d: nn.Module, real: Tensor, fake: Tensor, labels: Tensor | None) -> Tensor:
        score = (lambda v: d(v, labels)) if labels is not None else d
        loss = self.loss.d_loss(score(real), score(fake))
        if self.loss.gradient_penalty:
            loss = loss + self.config.gp_lambda * losses.gradient_penalty(score, real, fake, self.gen)
        return loss

    def _clip(self, *nets: nn.Module) -> None:
        if self.loss.weight_clip:
            with torch.no_grad():
                for net in nets:
                    for p in net.parameters():
                        p.clamp_(-self.config.clip, self.config.clip)

    def _gan_step(self) -> dict[str, float]:
        cfg = self.config
        cond = cfg.model == "cgan"
        for _ in range(cfg.k_d):
            real, labels = self._batch(self.real, self.labels if cond else None)
            z = torch.randn(cfg.batch, cfg.noise_dim, generator=self.gen)
            with torch.no_grad():
                fake = self.g(z, labels)
            d_loss = self._d_loss(self.d, real, fake, labels)
            self.opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_d.step()
            self._clip(self.d)
        for _ in range(cfg.k_g):
            labels = torch.randint(0, digits.CLASSES, (cfg.batch,), generator=self.gen) if cond else None
            z = torch.randn(cfg.batch, cfg.noise_dim, generator=self.gen)
            g_loss = self.loss.g_loss(self.d(self.g(z, labels), labels) if cond else self.d(self.g(z)))
            self.opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            self.opt_g.step()
            if self.g_sample is not self.g:
                nets.follow(self.g_sample, self.g_params, cfg.g_ema)
        return {"d": float(d_loss.detach()), "g": float(g_loss.detach())}

    def _cycle_step(self) -> dict[str, float]:
        cfg = self.config
        for _ in range(cfg.k_d):
            a, _ = self._batch(self.real_a)
            b, _ = self._batch(self.real_b)
            with torch.no_grad():
                fake_b, fake_a = self.g(a), self.f(b)
            d_loss = self._d_loss(self.d_b, b, fake_b, None) + self._d_loss(self.d_a, a, fake_a, None)
            self.opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_d.step()
            self._clip(self.d_a, self.d_b)
        for _ in range(cfg.k_g):
            a, _ = self._batch(self.real_a)
            b, _ = self._batch(self.real_b)
            fake_b, fake_a = self.g(a), self.f(b)
            adv = self.loss.g_loss(self.d_b(fake_b)) + self.loss.g_loss(self.d_a(fake_a))
            cyc = (self.f(fake_b) - a).abs().mean() + (self.g(fake_a) - b).abs().mean()
            ident = (self.g(b) - b).abs().mean() + (self.f(a) - a).abs().mean()
            g_loss = adv + cfg.lambda_cyc * cyc + cfg.lambda_id * ident
            self.opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            self.opt_g.step()
        return {"d": float(d_loss.detach()), "g": float(adv.detach()), "cycle": float(cyc.detach()),
                "identity": float(ident.detach())}

    def step(self) -> dict[str, float]:
        """One iteration; a non-finite loss stops the run (`diverged` says why) instead of raising."""
        if self.diverged:
            return self.history[-1] if self.history else {}
        record = self._cycle_step() if self.config.model == "cyclegan" else self._gan_step()
        self.iteration += 1
        record["iteration"] = self.iteration
        self.history.append(record)
        broke = [(name, why) for name, value in record.items() if name != "iteration"
                 and (why := losses.broken(value)) is not None]
        if broke:
            name, why = broke[0]  # the first loss that broke
            loss = reasons.stopped("loss", net=reasons.stopped(f"net.{LOSS_LABELS.get(name, name)}"), why=why)
            self.diverged = Divergence(self.iteration, LOSS_LABELS.get(name, name), loss, sentence="digits",
                                       advice=(("optimizer", self.config.optimizer),))
        return record

    def run(self, iterations: int) -> None:
        for _ in range(iterations):
            if self.diverged:
                break
            self.step()

    # ---- what the page shows ---------------------------------------------------------------------------------

    def _eval(self, fn):
        """Run the generators for display without changing them (training.with_batch_statistics)."""
        drawn = (self.g, self.f) if self.config.model == "cyclegan" else (self.g_sample,)
        return training.with_batch_statistics(list(drawn), fn)

    def grid(self) -> np.ndarray:
        """(GRID, GRID, 28, 28) in [0, 1] from fixed noise (cGAN: row r is digit r); for CycleGAN six rows:
        a, G(a), F(G(a)), b, F(b), G(F(b)) with GRID examples each."""
        if self.config.model == "cyclegan":
            def rows():
                ga, fb = self.g(self.shown_a), self.f(self.shown_b)
                return torch.stack([self.shown_a, ga, self.f(ga), self.shown_b, fb, self.g(fb)])
            out = self._eval(rows)
        else:
            labels = self.fixed_labels if self.config.model == "cgan" else None
            out = self._eval(lambda: self.g_sample(self.fixed_z, labels)).view(GRID, GRID, PIXELS)
        return ((out.view(out.shape[0], out.shape[1], digits.SIDE, digits.SIDE) + 1) / 2).clamp(0, 1).numpy()

    def samples(self) -> tuple[np.ndarray, np.ndarray | None]:
        """METRIC_SAMPLES generated digits (flat, [-1, 1]) and, for the cGAN, the classes asked for."""
        if self.config.model == "cyclegan":
            return self._eval(lambda: self.g(self.real_a)).numpy(), None
        labels = self.metric_labels if self.config.model == "cgan" else None
        return self._eval(lambda: self.g_sample(self.metric_z, labels)).numpy(), (
            labels.numpy() if labels is not None else None)

    @functools.cached_property
    def reference_b(self) -> judge.Gaussian:
        """What a CycleGAN's G(a) should look like to the judge: the real b's (measured once, on first use)."""
        return judge.statistics(self.real_b.numpy())

    def metrics(self) -> dict:
        x, requested = self.samples()
        cycle = self.config.model == "cyclegan"
        out = judge.measure(x, requested, reference=self.reference_b if cycle else None)
        if cycle:
            out["translated_as_b"] = float(out["histogram"][self.config.domain_b])
        return out

    def walk(self, frames: int = 10, seed: int = 0, label: int = 0) -> np.ndarray:
        """(frames, 28, 28) in [0, 1]: the live generator along a straight line between two seeded latents."""
        if self.config.model == "cyclegan":
            raise refused("no_walk")
        gen = torch.Generator().manual_seed(seed)
        a, b = torch.randn(2, self.config.noise_dim, generator=gen)
        t = torch.linspace(0, 1, frames)[:, None]
        z = (1 - t) * a + t * b
        labels = torch.full((frames,), label, dtype=torch.long) if self.config.model == "cgan" else None
        out = self._eval(lambda: self.g_sample(z, labels))
        return ((out.view(frames, digits.SIDE, digits.SIDE) + 1) / 2).clamp(0, 1).numpy()
