"""GAN objectives and regularisers.

D always outputs a raw score h(x) (a logit for the log-loss family, a critic value for the Wasserstein family), so
every loss below is written on raw scores. Each ``*_d`` returns the discriminator's loss to *minimise*, each ``*_g``
the generator's. σ is the logistic sigmoid; E_r / E_f are means over real / fake samples.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from . import reasons

Tensor = torch.Tensor
Array = np.ndarray

# Beyond this a loss means the nets' outputs have blown up even though they are still finite (Adam at lr 10 reached
# −2.6e6, RMSprop 2.4e27). Every preset and recipe stays under ~150 (the WGAN-GP critic on grid25 is the largest;
# benchmarks/RESULTS.md); the bound leaves almost three orders of magnitude above that, so no working run stops.
LOSS_LIMIT = 1e5


def broken(value: float) -> "reasons.Reason | None":
    """Why a loss value ends the run ("became nan", "reached 2.6e+06, beyond ±10000…"), or None if it is usable."""
    if not math.isfinite(value):
        return reasons.stopped("became", value=str(value))
    if abs(value) > LOSS_LIMIT:
        return reasons.stopped("beyond", value=f"{value:.3g}", limit=f"{LOSS_LIMIT:g}")
    return None


def minimax_d(h_real: Tensor, h_fake: Tensor) -> Tensor:
    """L_D = −E_r[log σ(h)] − E_f[log(1 − σ(h))]  (Goodfellow et al. 2014)."""
    return F.softplus(-h_real).mean() + F.softplus(h_fake).mean()


def minimax_g(h_fake: Tensor) -> Tensor:
    """L_G = E_f[log(1 − σ(h))]: the saturating form; its gradient vanishes when D confidently rejects fakes."""
    return -F.softplus(h_fake).mean()


def nonsaturating_g(h_fake: Tensor) -> Tensor:
    """L_G = −E_f[log σ(h)]: same fixed point as minimax, strong gradients early in training."""
    return F.softplus(-h_fake).mean()


def least_squares_d(h_real: Tensor, h_fake: Tensor) -> Tensor:
    """L_D = ½E_r[(h − 1)²] + ½E_f[h²]  (LSGAN, a=0, b=1)."""
    return 0.5 * ((h_real - 1) ** 2).mean() + 0.5 * (h_fake**2).mean()


def least_squares_g(h_fake: Tensor) -> Tensor:
    """L_G = ½E_f[(h − 1)²]  (LSGAN, c=1)."""
    return 0.5 * ((h_fake - 1) ** 2).mean()


def hinge_d(h_real: Tensor, h_fake: Tensor) -> Tensor:
    """L_D = E_r[max(0, 1 − h)] + E_f[max(0, 1 + h)]  (geometric GAN / SN-GAN)."""
    return F.relu(1 - h_real).mean() + F.relu(1 + h_fake).mean()


def wasserstein_d(h_real: Tensor, h_fake: Tensor) -> Tensor:
    """L_D = E_f[h] − E_r[h]: the negated Kantorovich–Rubinstein estimate of W1 for a 1-Lipschitz critic."""
    return h_fake.mean() - h_real.mean()


def wasserstein_g(h_fake: Tensor) -> Tensor:
    """L_G = −E_f[h]  (also the hinge generator loss)."""
    return -h_fake.mean()


# ---- the same losses in NumPy, each with its derivative, for toy2d/fastpath.py and toy2d/batched.py -------------
# d(h_real, h_fake) → (loss, ∂/∂h_real, ∂/∂h_fake); g(h_fake) → (loss, ∂/∂h_fake). Losses are means over the last
# axis (the batch), so a leading axis of runs trained together gives one loss per run.
# A loss is fast-path eligible exactly when it has both (penalties need autograd's double backward).
def _sigmoid(h: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * h))  # stable for any h


def _softplus(h: Array) -> Array:
    return np.logaddexp(0.0, h)


def _mean(a: Array) -> Array:
    return a.mean(axis=-1)


def minimax_d_np(hr: Array, hf: Array) -> tuple[Array, Array, Array]:
    nr, nf = hr.shape[-1], hf.shape[-1]
    return _mean(_softplus(-hr)) + _mean(_softplus(hf)), (_sigmoid(hr) - 1) / nr, _sigmoid(hf) / nf


def minimax_g_np(hf: Array) -> tuple[Array, Array]:
    return -_mean(_softplus(hf)), -_sigmoid(hf) / hf.shape[-1]


def nonsaturating_g_np(hf: Array) -> tuple[Array, Array]:
    return _mean(_softplus(-hf)), (_sigmoid(hf) - 1) / hf.shape[-1]


def least_squares_d_np(hr: Array, hf: Array) -> tuple[Array, Array, Array]:
    return (0.5 * _mean((hr - 1) ** 2) + 0.5 * _mean(hf ** 2), (hr - 1) / hr.shape[-1], hf / hf.shape[-1])


def least_squares_g_np(hf: Array) -> tuple[Array, Array]:
    return 0.5 * _mean((hf - 1) ** 2), (hf - 1) / hf.shape[-1]


def hinge_d_np(hr: Array, hf: Array) -> tuple[Array, Array, Array]:
    return (_mean(np.maximum(0, 1 - hr)) + _mean(np.maximum(0, 1 + hf)),
            -(1 - hr > 0).astype(np.float32) / hr.shape[-1], (1 + hf > 0).astype(np.float32) / hf.shape[-1])


def wasserstein_d_np(hr: Array, hf: Array) -> tuple[Array, Array, Array]:
    return (_mean(hf) - _mean(hr), np.full_like(hr, -1.0 / hr.shape[-1]), np.full_like(hf, 1.0 / hf.shape[-1]))


def wasserstein_g_np(hf: Array) -> tuple[Array, Array]:
    return -_mean(hf), np.full_like(hf, -1.0 / hf.shape[-1])


def gradient_penalty(d: Callable[[Tensor], Tensor], real: Tensor, fake: Tensor,
                     generator: torch.Generator | None = None, pack: int = 1) -> Tensor:
    """GP = E_x̂[(‖∇D(x̂)‖ − 1)²], x̂ = εx_r + (1 − ε)x_f, ε ~ U[0,1]  (Gulrajani et al. 2017); multiply by λ.
    Any shape of sample (2D points, pictures): one ε per sample. With packing, x̂ is a pack (one ε per pack) and the
    norm is over the whole pack: D's input. The image loops use it too (StarGAN)."""
    shape = (real.shape[0] // pack,) + (1,) * (real.dim() - 1)
    eps = torch.rand(shape, generator=generator, device=real.device).repeat_interleave(pack, dim=0)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.reshape(len(grad) // pack, -1).norm(dim=1) - 1) ** 2).mean()


def r1_with_scores(d: Callable[[Tensor], Tensor], real: Tensor, pack: int = 1) -> tuple[Tensor, Tensor]:
    """(D(x), R1) with R1 = ½E_r[‖∇D(x)‖²]  (Mescheder et al. 2018); multiply R1 by γ. Works with any loss and any
    shape of sample. The scores come with it so that a loop that also needs D(real) (StyleGAN's lazy R1) pays one
    forward pass. With packing, x is a pack of real samples, D's input."""
    x = real.detach().requires_grad_(True)
    scores = d(x)
    (grad,) = torch.autograd.grad(scores.sum(), x, create_graph=True)
    return scores, 0.5 * (grad**2).reshape(len(grad) // pack, -1).sum(dim=1).mean()


def r1_penalty(d: Callable[[Tensor], Tensor], real: Tensor, pack: int = 1) -> Tensor:
    """R1 alone (see r1_with_scores)."""
    return r1_with_scores(d, real, pack)[1]


@dataclass(frozen=True)
class Loss:
    """One GAN objective and how its D output should be read."""

    name: str
    d_loss: Callable[[Tensor, Tensor], Tensor]
    g_loss: Callable[[Tensor], Tensor]
    output: str  # "probability" (show σ(h)), "score" (show h; boundary between targets) or "critic" (show h)
    boundary: float | None  # value of the shown output on the decision boundary; None: no boundary (critic)
    gradient_penalty: bool = False
    weight_clip: bool = False
    d_numpy: Callable[[Array, Array], tuple[float, Array, Array]] | None = None  # the NumPy twin and derivative
    g_numpy: Callable[[Array], tuple[float, Array]] | None = None

    def shown(self, h: Tensor) -> Tensor:
        """What a heatmap shows: the probability for log losses, the raw score otherwise."""
        return torch.sigmoid(h) if self.output == "probability" else h


LOSSES: dict[str, Loss] = {
    "minimax": Loss("minimax", minimax_d, minimax_g, "probability", 0.5, d_numpy=minimax_d_np, g_numpy=minimax_g_np),
    "nonsaturating": Loss("nonsaturating", minimax_d, nonsaturating_g, "probability", 0.5, d_numpy=minimax_d_np,
                          g_numpy=nonsaturating_g_np),
    "least-squares": Loss("least-squares", least_squares_d, least_squares_g, "score", 0.5,
                          d_numpy=least_squares_d_np, g_numpy=least_squares_g_np),
    "hinge": Loss("hinge", hinge_d, wasserstein_g, "score", 0.0, d_numpy=hinge_d_np, g_numpy=wasserstein_g_np),
    "wgan": Loss("wgan", wasserstein_d, wasserstein_g, "critic", None, weight_clip=True, d_numpy=wasserstein_d_np,
                 g_numpy=wasserstein_g_np),
    "wgan-gp": Loss("wgan-gp", wasserstein_d, wasserstein_g, "critic", None, gradient_penalty=True),
}
LOSS_NAMES: tuple[str, ...] = tuple(LOSSES)


def get(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSS_NAMES)}") from None
