"""The training loop: D steps, G steps, iterations, divergence detection.

One Trainer is one run. It never raises on a diverging run: a NaN/inf loss or parameter puts it into a
``diverged`` state (with the iteration and the phase where it happened) and further steps do nothing.
"""
from __future__ import annotations

import copy
import math
from typing import Callable

import numpy as np
import torch
from torch.func import functional_call

from . import distributions, fastpath, losses, nets, reasons
from .config import TrainConfig
from .live import Divergence

LR_FLOOR = 0.01  # the learning-rate factor a cosine decay ends at
POOL_SIZE = 65_536  # real samples drawn once per run; batches are drawn from this pool (like GAN Lab's atlas)
HISTORY_KEPT = 20_000  # loss history rows kept: a live session can run for hours at hundreds of iterations/s


def make_optimizer(name: str, params, lr: float, beta1: float, beta2: float) -> torch.optim.Optimizer:
    params = list(params)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)  # stepped by optimiser_step; holds the lr for live changes
    if name == "adam":
        # fused kernel: for these tiny nets the per-tensor overhead of the foreach path, not the arithmetic, is the cost
        return torch.optim.Adam(params, lr=lr, betas=(beta1, beta2), fused=True)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=beta2, foreach=True)
    raise ValueError(f"unknown optimiser {name!r}")


def optimiser_step(opt: torch.optim.Optimizer, params: list[torch.Tensor], loss: torch.Tensor) -> None:
    """Backward and one optimiser step. Plain SGD is applied directly: for nets this small, torch.optim's
    per-call bookkeeping costs more than the update itself."""
    for p in params:
        p.grad = None
    loss.backward()
    if isinstance(opt, torch.optim.SGD):
        with torch.no_grad():
            torch._foreach_add_(params, [p.grad for p in params], alpha=-opt.param_groups[0]["lr"])
    else:
        opt.step()


def lr_factor(iteration: int, decay_steps: int) -> float:
    """Cosine annealing from 1 to LR_FLOOR over ``decay_steps`` iterations (1 when the decay is off)."""
    if decay_steps <= 0:
        return 1.0
    t = min(iteration / decay_steps, 1.0)
    return LR_FLOOR + (1 - LR_FLOOR) * 0.5 * (1 + math.cos(math.pi * t))


def set_lr(opt_d: torch.optim.Optimizer, opt_g: torch.optim.Optimizer, config: TrainConfig, factor: float) -> None:
    for opt, lr in ((opt_d, config.lr_d), (opt_g, config.lr_g)):
        for group in opt.param_groups:
            group["lr"] = lr * factor


def run_steps(step: Callable[[], bool], n: int) -> int:
    """Call ``step`` up to n times, stopping at the first False (a diverged run); returns how many succeeded."""
    done = 0
    while done < n and step():
        done += 1
    return done


def all_finite(params: list[torch.Tensor]) -> bool:
    """All weights finite? One sum over all weights instead of a check per tensor: a NaN or ±inf anywhere makes
    the sum non-finite (a float32 overflow of the sum also counts, and also means the run has blown up)."""
    return math.isfinite(torch.cat([p.reshape(-1) for p in params]).sum().item())


class GANTrainer:
    """What every 2D GAN trainer here shares: the D and G updates (autograd, or the NumPy kernel where it applies),
    penalties, weight clipping, G's weight average, live settings, the lr schedule and divergence.

    A subclass builds the data, the pool of real samples and the two nets, then calls ``_setup``; it says how the
    nets take a condition through four hooks (the unconditional GAN has none, the conditional one a class label),
    in the spirit of pytorch-CycleGAN-and-pix2pix's BaseModel. Random numbers are drawn in one order for both:
    the real batch (with its conditions), then the noise."""

    config: TrainConfig
    pool: torch.Tensor
    g: torch.nn.Module
    d: torch.nn.Module

    # ---- hooks --------------------------------------------------------------------------------------------------
    def real_batch_with(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """n real samples and their conditions (None: the GAN takes none)."""
        raise NotImplementedError

    def fake_conditions(self, n: int) -> torch.Tensor | None:
        """The conditions G's update generates for (drawn before its noise)."""
        raise NotImplementedError

    def generate(self, z: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        raise NotImplementedError

    def discriminate(self, x: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        raise NotImplementedError

    def _kernel(self) -> "fastpath.Kernel | None":
        """The NumPy kernel for this run's settings, or None (autograd)."""
        return None

    # ---- set-up -------------------------------------------------------------------------------------------------
    def _setup(self) -> None:
        config = self.config
        self.loss = losses.get(config.loss)
        self.g_params = list(self.g.parameters())
        self.d_params = list(self.d.parameters())
        self.pack = nets.packing(self.d)  # samples per D input (PacGAN); batches are multiples of it
        self.all_params = self.d_params + self.g_params
        self.g_sample = copy.deepcopy(self.g) if config.g_ema > 0 else self.g
        self.rng = torch.Generator().manual_seed(config.seed)
        self.opt_d = make_optimizer(config.opt_d, self.d_params, config.lr_d, config.beta1_d, config.beta2_d)
        self.opt_g = make_optimizer(config.opt_g, self.g_params, config.lr_g, config.beta1_g, config.beta2_g)
        self.use_fastpath = True  # tests switch it off to compare with autograd
        self._fast = self._kernel()
        self.iteration = 0
        self.d_steps = 0
        self.g_steps = 0
        self.d_loss = math.nan
        self.g_loss = math.nan
        self.diverged: Divergence | None = None
        self.history: list[tuple[int, float, float]] = []  # (iteration, d_loss, g_loss) after each iteration

    # ---- sampling -----------------------------------------------------------------------------------------------
    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        gen = generator or self.rng
        if self.config.noise == "gaussian":
            return torch.randn(n, self.config.noise_dim, generator=gen)
        return torch.rand(n, self.config.noise_dim, generator=gen) * 2 - 1

    def pool_index(self, n: int) -> torch.Tensor:
        return torch.randint(0, POOL_SIZE, (n,), generator=self.rng)

    # ---- live settings ------------------------------------------------------------------------------------------
    def apply(self, config: TrainConfig) -> None:
        """Apply live settings (learning rates, kD/kG, penalties…) keeping optimiser state.

        Raises ValueError if ``config`` changes something that needs a new trainer (see needs_restart)."""
        config.validate()
        if self.config.needs_restart(config):
            raise ValueError("this change needs a restart: build a new Trainer")
        self.config = config
        self._set_lr()
        for opt, b1, b2 in ((self.opt_d, config.beta1_d, config.beta2_d), (self.opt_g, config.beta1_g, config.beta2_g)):
            for group in opt.param_groups:
                if "betas" in group:
                    group["betas"] = (b1, b2)
                if "alpha" in group:
                    group["alpha"] = b2
        if config.g_ema > 0 and self.g_sample is self.g:
            self.g_sample = copy.deepcopy(self.g)
        elif config.g_ema == 0:
            self.g_sample = self.g
        self._fast = self._kernel()

    @property
    def fast(self) -> "fastpath.Kernel | None":
        """The NumPy kernel doing this run's updates, or None where autograd does them."""
        return self._fast if self.use_fastpath else None

    def lr_factor(self) -> float:
        return lr_factor(self.iteration, self.config.lr_decay_steps)

    def _set_lr(self) -> None:
        set_lr(self.opt_d, self.opt_g, self.config, self.lr_factor())

    # ---- steps --------------------------------------------------------------------------------------------------
    def _diverge(self, phase: str, reason: reasons.Reason) -> bool:
        self.diverged = Divergence(self.iteration + 1, phase, reason)
        return False

    def d_objective(self, real: torch.Tensor, fake: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        """D's full loss on one batch: adversarial term plus the configured penalties (which differentiate D in x
        for fixed conditions)."""
        cfg = self.config
        both = None if cond is None else torch.cat([cond, cond])  # fakes carry the real half's conditions
        h = self.discriminate(torch.cat([real, fake]), both)
        n_real = len(real) // self.pack  # packs never mix real and fake: the batch is a multiple of the pack size
        loss = self.loss.d_loss(h[:n_real], h[n_real:])
        d_x = lambda x: self.discriminate(x, cond)  # noqa: E731
        if self.loss.gradient_penalty and cfg.gp_lambda > 0:
            loss = loss + cfg.gp_lambda * losses.gradient_penalty(d_x, real, fake, self.rng, self.pack)
        if self.r1_due():
            loss = loss + cfg.r1_gamma * cfg.r1_every * losses.r1_penalty(d_x, real, self.pack)
        return loss

    def _check_weights(self) -> bool:
        """False (and diverged, naming the network) if any weight is NaN/inf. Runs once per iteration, not per
        step: a bad weight also makes the next loss non-finite, and that path calls this to say which net broke."""
        if all_finite(self.all_params):
            return True
        phase, net = ("D", "discriminator") if not all_finite(self.d_params) else ("G", "generator")
        return self._diverge(phase, reasons.stopped("weight", net=reasons.stopped(f"net.{net}")))

    def r1_due(self) -> bool:
        """Does this D step carry the R1 penalty? (Lazy R1: every r1_every-th D step.)"""
        return self.config.r1_gamma > 0 and self.d_steps % self.config.r1_every == 0

    def _d_update(self) -> bool:
        fast = self.fast
        return self.took_d_step(fast.d_step() if fast is not None and not self.r1_due() else self._d_penalised())

    def _d_penalised(self) -> float:
        """A D step carrying R1 (or any step autograd must do): the NumPy kernel where it can double-backward D,
        else autograd."""
        fast = self.fast
        if fast is not None and fast.does_r1:
            return fast.d_step(self.config.r1_gamma * self.config.r1_every if self.r1_due() else 0.0)
        return self._d_autograd()

    def took_d_step(self, value: float) -> bool:
        """Count a D update whose loss was ``value`` (toy2d/batched.py makes them for many runs at once); a broken
        loss ends the run. False when it did."""
        if (reason := losses.broken(value)) is not None:
            why = reasons.stopped("loss", net=reasons.stopped("net.discriminator"), why=reason)
            return self._check_weights() and self._diverge("D", why)
        self.d_loss = value
        self.d_steps += 1
        return True

    def _d_autograd(self) -> float:
        """One D update through autograd; returns D's loss. Like the fast kernel's, it updates nothing when the
        loss is not finite."""
        b = self.config.batch
        real, cond = self.real_batch_with(b)
        with torch.no_grad():
            fake = self.generate(self.noise(b), cond)  # the real half's conditions: D must judge the pairing
        loss = self.d_objective(real, fake, cond)
        value = loss.item()
        if not math.isfinite(value):
            return value
        optimiser_step(self.opt_d, self.d_params, loss)
        if self.loss.weight_clip:
            with torch.no_grad():
                torch._foreach_clamp_min_(self.d_params, -self.config.clip)
                torch._foreach_clamp_max_(self.d_params, self.config.clip)
        return value

    def step_d(self) -> bool:
        """One discriminator update. Returns False (and changes nothing) once diverged."""
        return not self.diverged and self._d_update() and self._check_weights()

    def _unrolled_scores(self, fake: torch.Tensor) -> torch.Tensor:
        """D's scores on ``fake`` after k differentiable SGD steps of D (Metz et al. 2017), so that G's gradient
        anticipates how D will react. The unroll uses plain SGD at lr_d and the adversarial loss only."""
        # detached copies: the unroll differentiates through them without touching D's own gradients
        params = {k: p.detach().requires_grad_(True) for k, p in self.d.named_parameters()}
        b = self.config.batch
        for _ in range(self.config.unrolled_k):
            real, _ = self.real_batch_with(b)
            h = functional_call(self.d, params, (torch.cat([real, fake]),))
            d_loss = self.loss.d_loss(h[: b // self.pack], h[b // self.pack:])
            grads = torch.autograd.grad(d_loss, list(params.values()), create_graph=True)
            params = {k: p - self.config.lr_d * g for (k, p), g in zip(params.items(), grads)}
        return functional_call(self.d, params, (fake,))

    def _g_update(self) -> bool:
        return self.took_g_step(self.fast.g_step() if self.fast is not None else self._g_autograd())

    def took_g_step(self, value: float) -> bool:
        """Count a G update whose loss was ``value`` (see took_d_step)."""
        if (reason := losses.broken(value)) is not None:
            why = reasons.stopped("loss", net=reasons.stopped("net.generator"), why=reason)
            return self._check_weights() and self._diverge("G", why)
        self.g_loss = value
        self.g_steps += 1
        if self.g_sample is not self.g:  # the drawn G follows the trained one
            nets.follow(self.g_sample, self.g_params, self.config.g_ema)
        return True

    def _g_autograd(self) -> float:
        """One G update through autograd; returns G's loss and updates nothing when it is not finite."""
        cond = self.fake_conditions(self.config.batch)
        fake = self.generate(self.noise(self.config.batch), cond)
        for p in self.d_params:
            p.requires_grad_(False)
        try:
            h = self._unrolled_scores(fake) if self.config.unrolled_k else self.discriminate(fake, cond)
        finally:
            for p in self.d_params:
                p.requires_grad_(True)
        loss = self.loss.g_loss(h)
        value = loss.item()
        if not math.isfinite(value):
            return value
        optimiser_step(self.opt_g, self.g_params, loss)
        return value

    def step_g(self) -> bool:
        """One generator update. Returns False (and changes nothing) once diverged."""
        return not self.diverged and self._g_update() and self._check_weights()

    def step(self) -> bool:
        """One iteration: k_d D steps then k_g G steps. Returns False if the run is (or became) diverged."""
        if self.diverged:
            return False
        for _ in range(self.config.k_d):
            if not self._d_update():
                return False
        for _ in range(self.config.k_g):
            if not self._g_update():
                return False
        return self.end_iteration()

    def end_iteration(self) -> bool:
        """Close an iteration made of separate step_d/step_g calls (the UI's slow motion does that): count it,
        record the losses, advance the learning-rate schedule. False if the weights are no longer finite."""
        if self.diverged or not self._check_weights():
            return False
        self.iteration += 1
        self.history.append((self.iteration, self.d_loss, self.g_loss))
        if len(self.history) > 2 * HISTORY_KEPT:
            del self.history[:-HISTORY_KEPT]
        if self.config.lr_decay_steps:
            self._set_lr()
        return True

    def run(self, n: int, callback=None) -> int:
        """Up to n iterations; stops early on divergence. ``callback(trainer)`` runs after each iteration.
        Returns the number of iterations done."""
        done = 0
        for _ in range(n):
            if not self.step():
                break
            done += 1
            if callback is not None:
                callback(self)
        return done


class Trainer(GANTrainer):
    """The unconditional 2D GAN: G(z) and D(x), the NumPy kernel where the settings allow it."""

    def __init__(self, config: TrainConfig):
        self.config = config.validate()
        self.dist = distributions.get(config.data, config.points)
        self.pool = torch.from_numpy(self.dist.sample(POOL_SIZE, np.random.default_rng(config.seed)))
        scale = float(self.pool.std(dim=0).pow(2).mean().sqrt()) or 1.0  # one scale for both axes: no distortion
        self.g, self.d = nets.build(config.noise_dim, config.g_depth, config.g_width, config.g_act,
                                    config.d_depth, config.d_width, config.d_act, config.d_spectral_norm, config.seed,
                                    self.pool.mean(dim=0), scale, config.pack)
        self._setup()

    def real_batch(self, n: int) -> torch.Tensor:
        return torch.index_select(self.pool, 0, self.pool_index(n))

    def real_batch_with(self, n: int) -> tuple[torch.Tensor, None]:
        return self.real_batch(n), None

    def fake_conditions(self, n: int) -> None:
        return None

    def generate(self, z: torch.Tensor, cond: None = None) -> torch.Tensor:
        return self.g(z)

    def discriminate(self, x: torch.Tensor, cond: None = None) -> torch.Tensor:
        return self.d(x)

    @torch.no_grad()
    def sample(self, n: int, seed: int = 12345) -> np.ndarray:
        """n generator samples from a fixed noise seed (independent of the training RNG)."""
        return self.g_sample(self.noise(n, torch.Generator().manual_seed(seed))).numpy()

    def _kernel(self) -> "fastpath.Kernel | None":
        c = self.config
        if not fastpath.eligible(self.loss, c.opt_d, c.opt_g, c.d_spectral_norm, c.unrolled_k):
            return None
        return fastpath.Kernel(nets.layers(self.g), nets.layers(self.d), self.opt_d, self.opt_g, self.loss, c.batch,
                               c.clip if self.loss.weight_clip else None, self.real_batch, self.noise)
