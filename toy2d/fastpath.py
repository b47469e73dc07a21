"""Hand-written forward/backward for the common case, in NumPy, on the Trainer's own weights.

For nets this small (GAN Lab's are 2→8→2 and 2→8→1) autograd's per-op bookkeeping costs several times the
arithmetic: an iteration of GAN Lab's preset takes ~1.8 ms through autograd and a fraction of that here. The
kernel works on NumPy views of the torch parameters and optimiser state, so the two paths share one set of weights
and can take turns (a live change to an ineligible setting just switches back to autograd). It draws its random
numbers from the trainer's torch generator in the same order, so both paths follow the same run;
tests/test_fastpath.py checks them against each other.

Eligible: plain MLPs (no spectral norm), losses without penalties (minimax, non-saturating, least squares, hinge,
WGAN with clipping), SGD or Adam, no unrolling, no G EMA. With R1 the kernel does every G step and the D steps
that carry no penalty (lazy R1 applies it on every k-th D step); the trainer sends the penalised ones to autograd,
which needs the double backward.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

if TYPE_CHECKING:
    from .trainer import Trainer

LOSSES = ("minimax", "nonsaturating", "least-squares", "hinge", "wgan")
OPTIMIZERS = ("sgd", "adam")
LEAKY_SLOPE = 0.01  # nn.LeakyReLU's default, which nets.mlp uses


def eligible(trainer: "Trainer") -> bool:
    c = trainer.config
    return (c.loss in LOSSES and c.opt_d in OPTIMIZERS and c.opt_g in OPTIMIZERS and not c.d_spectral_norm
            and c.unrolled_k == 0 and c.g_ema == 0)


def _sigmoid(h: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * h))  # stable for any h


def _softplus(h: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, h)


# d_loss(h_real, h_fake) → (loss, ∂/∂h_real, ∂/∂h_fake); g_loss(h_fake) → (loss, ∂/∂h_fake); means over the batch
def _d_loss(name: str, hr: np.ndarray, hf: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    nr, nf = len(hr), len(hf)
    if name in ("minimax", "nonsaturating"):
        return (float(_softplus(-hr).mean() + _softplus(hf).mean()), (_sigmoid(hr) - 1) / nr, _sigmoid(hf) / nf)
    if name == "least-squares":
        return (float(0.5 * ((hr - 1) ** 2).mean() + 0.5 * (hf ** 2).mean()), (hr - 1) / nr, hf / nf)
    if name == "hinge":
        return (float(np.maximum(0, 1 - hr).mean() + np.maximum(0, 1 + hf).mean()),
                -(1 - hr > 0).astype(np.float32) / nr, (1 + hf > 0).astype(np.float32) / nf)
    # wgan
    return (float(hf.mean() - hr.mean()), np.full_like(hr, -1.0 / nr), np.full_like(hf, 1.0 / nf))


def _g_loss(name: str, hf: np.ndarray) -> tuple[float, np.ndarray]:
    n = len(hf)
    if name == "nonsaturating":
        return float(_softplus(-hf).mean()), (_sigmoid(hf) - 1) / n
    if name == "minimax":
        return float(-_softplus(hf).mean()), -_sigmoid(hf) / n
    if name == "least-squares":
        return float(0.5 * ((hf - 1) ** 2).mean()), (hf - 1) / n
    return float(-hf.mean()), np.full_like(hf, -1.0 / n)  # hinge and wgan share L_G = −E[h]


class _Net:
    """An affine map, an MLP and an affine map (one of the two is the identity), as NumPy views."""

    def __init__(self, net: nn.Sequential):
        mods = list(net)
        affine_in = mods[0] if not isinstance(mods[0], nn.Sequential) else None
        mlp = mods[1] if affine_in is not None else mods[0]
        affine_out = mods[1] if affine_in is None else None
        self.in_shift, self.in_scale = self._affine(affine_in)
        self.out_shift, self.out_scale = self._affine(affine_out)
        self.linears = [m for m in mlp if isinstance(m, nn.Linear)]
        acts = [m for m in mlp if not isinstance(m, nn.Linear)]
        self.act = type(acts[0]).__name__ if acts else None
        self.W = [m.weight.detach().numpy() for m in self.linears]
        self.b = [m.bias.detach().numpy() for m in self.linears]
        self.params = [p for m in self.linears for p in (m.weight, m.bias)]
        self.views = [p.detach().numpy() for p in self.params]

    @staticmethod
    def _affine(m: nn.Module | None) -> tuple[np.ndarray | float, float]:
        if m is None:
            return 0.0, 1.0
        return m.shift.numpy(), float(m.scale)

    def _act(self, z: np.ndarray) -> np.ndarray:
        if self.act == "ReLU":
            return np.maximum(z, 0)
        if self.act == "LeakyReLU":
            return np.where(z > 0, z, LEAKY_SLOPE * z)
        if self.act == "Tanh":
            return np.tanh(z)
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))  # ELU, α = 1

    def _act_grad(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        if self.act == "ReLU":
            return (a > 0).astype(np.float32)
        if self.act == "LeakyReLU":
            return np.where(z > 0, np.float32(1), np.float32(LEAKY_SLOPE))
        if self.act == "Tanh":
            return 1 - a * a
        return np.where(z > 0, np.float32(1), a + 1)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list]:
        h = (self.in_shift + x * self.in_scale).astype(np.float32, copy=False)
        cache = []
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = np.dot(h, W.T)  # np.dot: several times faster than @ for these tiny float32 shapes
            z += b
            if i < last:
                a = self._act(z)
                cache.append((h, z, a))
                h = a
            else:
                cache.append((h, None, None))
                h = z
        return (self.out_shift + h * self.out_scale).astype(np.float32, copy=False), cache

    def backward(self, g_out: np.ndarray, cache: list, want_params: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        """Gradient w.r.t. the input and (if wanted) each parameter, in self.params order."""
        g = g_out * self.out_scale
        grads: list[np.ndarray] = []
        for i in range(len(self.W) - 1, -1, -1):
            h_in = cache[i][0]
            if want_params:
                grads.append(g.sum(axis=0))  # bias
                grads.append(np.dot(g.T, h_in))  # weight
            g = np.dot(g, self.W[i])
            if i > 0:
                _, z, a = cache[i - 1]
                g = g * self._act_grad(z, a)
        grads.reverse()
        return g * self.in_scale, grads


class Kernel:
    """One trainer's fast D and G updates. Build a new one whenever the trainer's nets or optimisers change."""

    def __init__(self, trainer: "Trainer"):
        self.t = trainer
        self.g = _Net(trainer.g)
        self.d = _Net(trainer.d)
        self.d_state = self._state(trainer.opt_d, self.d.params)
        self.g_state = self._state(trainer.opt_g, self.g.params)

    @staticmethod
    def _state(opt: torch.optim.Optimizer, params: list[torch.Tensor]) -> list[tuple] | None:
        """NumPy views of Adam's moments and step count, created in torch's own layout if Adam has not run yet."""
        if not isinstance(opt, torch.optim.Adam):
            return None
        views = []
        for p in params:
            s = opt.state[p]
            if not s:
                s["step"] = torch.zeros((), dtype=torch.float32)
                s["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                s["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            views.append((s["step"], s["exp_avg"].numpy(), s["exp_avg_sq"].numpy()))
        return views

    @staticmethod
    def _apply(opt: torch.optim.Optimizer, views: list[np.ndarray], grads: list[np.ndarray], state) -> None:
        group = opt.param_groups[0]
        lr = group["lr"]
        if state is None:  # SGD
            for p, g in zip(views, grads):
                p -= lr * g
            return
        b1, b2 = group["betas"]
        eps = group["eps"]
        for p, g, (step, m, v) in zip(views, grads, state):
            step += 1
            t = float(step)
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps
            p -= (lr / (1 - b1 ** t)) * m / denom

    def _noise(self, n: int) -> np.ndarray:
        return self.t.noise(n).numpy()

    def d_step(self) -> float:
        """One D update on a fresh batch; returns D's loss. Nothing is updated if the loss is not finite."""
        with np.errstate(all="ignore"):  # a diverging run overflows; the trainer reports the non-finite loss
            return self._d_step()

    def g_step(self) -> float:
        """One G update through the (fixed) D; returns G's loss. Nothing is updated if the loss is not finite."""
        with np.errstate(all="ignore"):
            return self._g_step()

    def sample_gradients(self, x: np.ndarray) -> np.ndarray:
        """∂/∂x of each sample's own G loss through D (not the batch mean's): the live view's arrows, for a
        fraction of autograd's cost (its forward and backward took ~0.8 of a ~15 ms frame)."""
        with np.errstate(all="ignore"):
            h, cache = self.d.forward(x)
            _, g_h = _g_loss(self.t.config.loss, h)
            g_x, _ = self.d.backward(g_h * len(x), cache, want_params=False)
        return g_x

    def _d_step(self) -> float:
        t, b = self.t, self.t.config.batch
        real = t.real_batch(b).numpy()
        fake, _ = self.g.forward(self._noise(b))
        h, cache = self.d.forward(np.concatenate([real, fake]))
        value, g_real, g_fake = _d_loss(t.config.loss, h[:b], h[b:])
        if not np.isfinite(value):
            return value
        _, grads = self.d.backward(np.concatenate([g_real, g_fake]), cache, want_params=True)
        self._apply(t.opt_d, self.d.views, grads, self.d_state)
        if t.loss.weight_clip:
            for p in self.d.views:
                np.clip(p, -t.config.clip, t.config.clip, out=p)
        return value

    def _g_step(self) -> float:
        t = self.t
        fake, g_cache = self.g.forward(self._noise(t.config.batch))
        h, d_cache = self.d.forward(fake)
        value, g_h = _g_loss(t.config.loss, h)
        if not np.isfinite(value):
            return value
        g_x, _ = self.d.backward(g_h, d_cache, want_params=False)
        _, grads = self.g.backward(g_x, g_cache, want_params=True)
        self._apply(t.opt_g, self.g.views, grads, self.g_state)
        return value
