"""Hand-written forward/backward for the common case, in NumPy, on the Trainer's own weights.

For nets this small (GAN Lab's are 2→8→2 and 2→8→1) autograd's per-op bookkeeping costs several times the
arithmetic (benchmarks/toy2d_speed.py prints both paths' speed). The
kernel works on NumPy views of the torch parameters and optimiser state, so the two paths share one set of weights
and can take turns (a live change to an ineligible setting just switches back to autograd). It draws its random
numbers from the trainer's torch generator in the same order, so both paths follow the same run;
tests/test_fastpath.py checks them against each other.

Eligible: plain MLPs (no spectral norm), losses with NumPy derivatives beside their torch form in losses.py (all
but WGAN-GP, whose penalty needs a double backward), SGD or Adam, no unrolling, no G EMA. The kernel also carries
lazy R1 when D's activation is piecewise linear (ReLU, leaky ReLU: ``_Net.r1``); for tanh and ELU the trainer sends
the penalised D steps to autograd.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .losses import Loss
from .nets import Layers

OPTIMIZERS = ("sgd", "adam")
LEAKY_SLOPE = 0.01  # nn.LeakyReLU's default, which nets.mlp uses
PIECEWISE_LINEAR = ("relu", "leaky_relu")


def eligible(loss: Loss, opt_d: str, opt_g: str, spectral_norm: bool, unrolled_k: int) -> bool:
    """Can the kernel do this run's updates? Its loss must have NumPy derivatives (losses.Loss.d_numpy/g_numpy).
    G's weight average (g_ema) is the trainer's, after any update: it does not exclude the kernel."""
    return (loss.d_numpy is not None and loss.g_numpy is not None and opt_d in OPTIMIZERS and opt_g in OPTIMIZERS
            and not spectral_norm and unrolled_k == 0)


def activate(name: str | None, z: np.ndarray) -> np.ndarray:
    """The hidden layers' activation (nets.ACTIVATIONS' names)."""
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "tanh":
        return np.tanh(z)
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))  # ELU, α = 1


def activate_grad(name: str | None, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Its derivative, from the input z and the output a."""
    if name == "relu":
        return (a > 0).astype(np.float32)
    if name == "leaky_relu":
        return np.where(z > 0, np.float32(1), np.float32(LEAKY_SLOPE))
    if name == "tanh":
        return 1 - a * a
    return np.where(z > 0, np.float32(1), a + 1)


def adam_state(opt: torch.optim.Optimizer, p: torch.Tensor) -> dict:
    """Adam's state for ``p`` (step, moments), created in torch's own layout if Adam has not run yet."""
    s = opt.state[p]
    if not s:
        s["step"] = torch.zeros((), dtype=torch.float32)
        s["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        s["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
    return s


AdamTensors = tuple  # (weights, first moments, second moments, step counts): lists of one net's torch tensors


def adam_tensors(opt: torch.optim.Optimizer, params: list[torch.Tensor]) -> AdamTensors:
    """What ``fused_adam`` updates for ``params``: the weights and torch's own Adam state for them."""
    states = [adam_state(opt, p) for p in params]
    return ([p.detach() for p in params], [s["exp_avg"] for s in states], [s["exp_avg_sq"] for s in states],
            [s["step"] for s in states])


def fused_adam(tensors: AdamTensors, grads: list[np.ndarray], lr: float, beta1: float, beta2: float,
               eps: float) -> None:
    """One Adam step of a whole net with torch's fused kernel, the one ``make_optimizer``'s Adam runs, so the
    kernel and autograd round alike. One call per net: a NumPy Adam was a third of a D step (ten small operations
    per weight tensor)."""
    params, m, v, steps = tensors
    torch._foreach_add_(steps, 1)
    torch._fused_adam_(params, [torch.from_numpy(g) for g in grads], m, v, [], steps, lr=lr, beta1=beta1,
                       beta2=beta2, weight_decay=0.0, eps=eps, amsgrad=False, maximize=False)


class _Net:
    """A net's layers as NumPy views of its torch weights (updates in place are the torch weights' updates)."""

    def __init__(self, layers: Layers):
        self.in_shift, self.in_scale = _array(layers.in_shift), float(layers.in_scale)
        self.out_shift, self.out_scale = _array(layers.out_shift), float(layers.out_scale)
        self.act = layers.activation
        self.pack = layers.pack
        self.W = [m.weight.detach().numpy() for m in layers.linears]
        self.b = [m.bias.detach().numpy() for m in layers.linears]
        self.params = [p for m in layers.linears for p in (m.weight, m.bias)]
        self.views = [p.detach().numpy() for p in self.params]

    def _act(self, z: np.ndarray) -> np.ndarray:
        return activate(self.act, z)

    def _act_grad(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return activate_grad(self.act, z, a)

    # One net's products; batched._StackedNet overrides them for a leading axis of runs, and shares the rest.
    @staticmethod
    def _times(h: np.ndarray, W: np.ndarray) -> np.ndarray:
        return np.dot(h, W.T)  # np.dot: several times faster than @ for these tiny float32 shapes

    @staticmethod
    def _add_bias(z: np.ndarray, b: np.ndarray) -> None:
        z += b

    @staticmethod
    def _param_grads(g: np.ndarray, h_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(bias, weight) gradients from the output gradient and the layer's input."""
        return g.sum(axis=0), np.dot(g.T, h_in)

    @staticmethod
    def _back(g: np.ndarray, W: np.ndarray) -> np.ndarray:
        return np.dot(g, W)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list]:
        h = (self.in_shift + x * self.in_scale).astype(np.float32, copy=False)
        if self.pack > 1:
            h = h.reshape(-1, self.pack * h.shape[-1])
        cache = []
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = self._times(h, W)
            self._add_bias(z, b)
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
            if want_params:
                grads.extend(self._param_grads(g, cache[i][0]))
            g = self._back(g, self.W[i])
            if i > 0:
                _, z, a = cache[i - 1]
                g = g * self._act_grad(z, a)
        grads.reverse()  # collected as (bias, weight) from the last layer: reversed, (weight, bias) from the first
        if self.pack > 1:
            g = g.reshape(-1, g.shape[-1] // self.pack)
        return g * self.in_scale, grads


    @property
    def piecewise_linear(self) -> bool:
        """ReLU-family (or no hidden layer): the input gradient is linear in each weight between kinks, so R1's
        double backward is two more passes with no second derivative of the activation (``r1``)."""
        return self.act in PIECEWISE_LINEAR or len(self.W) == 1

    def r1(self, cache: list, rows: int) -> tuple[float, list[np.ndarray]]:
        """R1 = ½ mean ‖∇ₓD‖² over the first ``rows`` input rows of ``cache`` (losses.r1_penalty) and its gradient
        for each parameter (self.params order; the biases' is 0). Piecewise-linear nets only (``piecewise_linear``).

        ∇ₓD = in_scale · δ₀W₀ with δ_L = out_scale and δᵢ = (δᵢ₊₁Wᵢ₊₁) ⊙ sᵢ, sᵢ the activation's slopes (constant
        between kinks). R1 is quadratic in that chain, so its weight gradients come from one sweep back along it:
        ∂R1/∂Wᵢ = δᵢᵀAᵢ with A₀ = in_scale²·(δ₀W₀)/rows and Aᵢ₊₁ = (AᵢWᵢᵀ) ⊙ sᵢ."""
        last = len(self.W) - 1
        slopes = [self._act_grad(z[:rows], a[:rows]) for _, z, a in cache[:last]]
        deltas = [None] * (last + 1)
        delta = np.full((rows, 1), self.out_scale, np.float32)
        for i in range(last, -1, -1):
            deltas[i] = delta
            if i > 0:
                delta = self._back(delta, self.W[i]) * slopes[i - 1]
        g_in = self._back(deltas[0], self.W[0])  # ∂D/∂(the first layer's input), per row
        scale2 = np.float32(self.in_scale * self.in_scale)
        value = 0.5 * float(scale2 * np.einsum("ij,ij->", g_in, g_in)) / rows
        adj = g_in * (scale2 / rows)
        grads: list[np.ndarray] = []
        for i in range(last + 1):
            grads += [np.dot(deltas[i].T, adj), np.zeros_like(self.b[i])]
            if i < last:
                adj = np.dot(adj, self.W[i].T) * slopes[i]
        return value, grads


def _array(v: torch.Tensor | float) -> np.ndarray | float:
    return v.numpy() if isinstance(v, torch.Tensor) else float(v)


class Kernel:
    """One run's fast D and G updates, on what the trainer hands it: the two nets' layers, their optimisers, the
    loss, and where batches come from. Build a new one whenever the nets, optimisers or live settings change."""

    def __init__(self, g: Layers, d: Layers, opt_d: torch.optim.Optimizer, opt_g: torch.optim.Optimizer, loss: Loss,
                 batch: int, clip: float | None, real_batch: Callable[[int], torch.Tensor],
                 noise: Callable[[int], torch.Tensor]):
        """``clip``: D's weights are clipped to ±clip after each update (WGAN), None: not clipped.
        ``real_batch(n)`` and ``noise(n)`` draw from the trainer's own generator, in the order autograd does."""
        self.g, self.d = _Net(g), _Net(d)
        self.opt_d, self.opt_g, self.loss, self.batch, self.clip = opt_d, opt_g, loss, batch, clip
        self.real_batch, self.noise = real_batch, noise
        self.d_state = self._state(opt_d, self.d.params)
        self.g_state = self._state(opt_g, self.g.params)

    @staticmethod
    def _state(opt: torch.optim.Optimizer, params: list[torch.Tensor]) -> AdamTensors | None:
        """Adam's tensors (None for SGD)."""
        return adam_tensors(opt, params) if isinstance(opt, torch.optim.Adam) else None

    @staticmethod
    def _apply(opt: torch.optim.Optimizer, views: list[np.ndarray], grads: list[np.ndarray],
               state: AdamTensors | None) -> None:
        group = opt.param_groups[0]
        if state is None:  # SGD
            for p, g in zip(views, grads):
                p -= group["lr"] * g
            return
        fused_adam(state, grads, group["lr"], *group["betas"], group["eps"])

    def _noise(self, n: int) -> np.ndarray:
        return self.noise(n).numpy()

    @property
    def does_r1(self) -> bool:
        """Can d_step carry the R1 penalty? (D's activation is piecewise linear.)"""
        return self.d.piecewise_linear

    def d_step(self, r1_weight: float = 0.0) -> float:
        """One D update on a fresh batch, with ``r1_weight`` × R1 on its real half (only where ``does_r1``);
        returns D's loss, penalty included, as autograd's step does. Nothing is updated if it is not finite."""
        with np.errstate(all="ignore"):  # a diverging run overflows; the trainer reports the non-finite loss
            return self._d_step(r1_weight)

    def g_step(self) -> float:
        """One G update through the (fixed) D; returns G's loss. Nothing is updated if the loss is not finite."""
        with np.errstate(all="ignore"):
            return self._g_step()

    def sample_gradients(self, x: np.ndarray) -> np.ndarray:
        """∂/∂x of each sample's own G loss through D (not the batch mean's): the live view's arrows, for a
        fraction of autograd's cost (its forward and backward were most of a frame's probe). With packing, of its
        pack's loss, the packs being consecutive samples of ``x``."""
        with np.errstate(all="ignore"):
            h, cache = self.d.forward(x)
            _, g_h = self.loss.g_numpy(h[:, 0])
            g_x, _ = self.d.backward(g_h[:, None] * len(h), cache, want_params=False)
        return g_x

    def _d_step(self, r1_weight: float) -> float:
        b = self.batch
        real = self.real_batch(b).numpy()
        fake, _ = self.g.forward(self._noise(b))
        h, cache = self.d.forward(np.concatenate([real, fake]))
        n_real = b // self.d.pack  # packs never mix real and fake: the batch is a multiple of the pack size
        value, g_real, g_fake = self.loss.d_numpy(h[:n_real, 0], h[n_real:, 0])
        value = float(value)
        if r1_weight:
            r1, r1_grads = self.d.r1(cache, n_real)
            value += r1_weight * r1
        if not np.isfinite(value):
            return value
        _, grads = self.d.backward(np.concatenate([g_real, g_fake])[:, None], cache, want_params=True)
        if r1_weight:
            grads = [g + np.float32(r1_weight) * r for g, r in zip(grads, r1_grads)]
        self._apply(self.opt_d, self.d.views, grads, self.d_state)
        if self.clip is not None:
            for p in self.d.views:
                np.clip(p, -self.clip, self.clip, out=p)
        return value

    def _g_step(self) -> float:
        fake, g_cache = self.g.forward(self._noise(self.batch))
        h, d_cache = self.d.forward(fake)
        value, g_h = self.loss.g_numpy(h[:, 0])
        value = float(value)
        if not np.isfinite(value):
            return value
        g_x, _ = self.d.backward(g_h[:, None], d_cache, want_params=False)
        _, grads = self.g.backward(g_x, g_cache, want_params=True)
        self._apply(self.opt_g, self.g.views, grads, self.g_state)
        return value
