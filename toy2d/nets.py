"""The generator and discriminator: plain MLPs.

G's output layer is linear (no tanh, no clipping to a box) so it can reach any data set's range.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
}


class Affine(nn.Module):
    """x·scale + shift with fixed (non-trained) values."""

    def __init__(self, shift: torch.Tensor, scale: float):
        super().__init__()
        self.register_buffer("shift", shift.detach().clone().float())
        self.scale = float(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.add(self.shift, x, alpha=self.scale)  # one op: shift + scale·x


class Pack(nn.Module):
    """PacGAN's packing (Lin et al. 2018): m consecutive samples side by side as one input of D, (n, 2) → (n/m, 2m).
    D then judges sets of m samples, and a generator that repeats itself makes sets no real batch has."""

    def __init__(self, m: int):
        super().__init__()
        self.m = int(m)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, self.m * x.shape[-1])


def mlp(n_in: int, n_out: int, depth: int, width: int, activation: str, spectral_norm: bool = False) -> nn.Sequential:
    """``depth`` hidden layers of ``width`` units, then a linear output layer."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    sizes = [n_in] + [width] * depth + [n_out]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(a, b)
        layers.append(nn.utils.parametrizations.spectral_norm(linear) if spectral_norm else linear)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def build(noise_dim: int, g_depth: int, g_width: int, g_act: str, d_depth: int, d_width: int, d_act: str,
          d_spectral_norm: bool, seed: int, data_mean: torch.Tensor | None = None,
          data_scale: float = 1.0, pack: int = 1) -> tuple[nn.Module, nn.Module]:
    """Build (G, D) with weights drawn from ``seed`` without disturbing torch's global RNG.

    Both nets work in standardised units: D first maps x to (x − mean)/scale and G's output is mapped back, so the
    same widths and learning rates suit data in the unit square and data spread over ±4 alike. ``pack`` > 1 makes D
    judge packs of that many samples (``Pack``); its input must then hold a multiple of ``pack`` samples."""
    mean = torch.zeros(2) if data_mean is None else data_mean
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        g = nn.Sequential(mlp(noise_dim, 2, g_depth, g_width, g_act), Affine(mean, data_scale))
        body = mlp(2 * pack, 1, d_depth, d_width, d_act, spectral_norm=d_spectral_norm)
        head = [Affine(-mean / data_scale, 1.0 / data_scale)] + ([Pack(pack)] if pack > 1 else [])
        d = nn.Sequential(*head, body)
    return g, d


@dataclass(frozen=True)
class Layers:
    """A net from ``build`` as its parts, for code that computes it by hand (toy2d/fastpath.py): x·in_scale +
    in_shift, the linear layers with ``activation`` between them, then ·out_scale + out_shift. Only ``build``
    knows the order of the modules, so this is where it is read back."""

    in_shift: torch.Tensor | float
    in_scale: float
    linears: list[nn.Linear]
    activation: str | None  # a key of ACTIVATIONS; None for a net without hidden layers
    out_shift: torch.Tensor | float
    out_scale: float
    pack: int = 1  # samples per input row after the input affine (D with PacGAN packing)


def packing(net: nn.Module) -> int:
    """How many samples D takes per input (1 without packing)."""
    return next((m.m for m in net.modules() if isinstance(m, Pack)), 1)


def layers(net: nn.Sequential) -> Layers:
    """The parts of G (MLP, then Affine) or D (Affine, [Pack], then MLP) as ``build`` made them."""
    parts = [m for m in net if not isinstance(m, Pack)]
    first, second = parts
    affine_in, body, affine_out = (None, first, second) if isinstance(first, nn.Sequential) else (first, second, None)
    kinds = {cls: name for name, cls in ACTIVATIONS.items()}
    acts = [kinds[type(m)] for m in body if not isinstance(m, nn.Linear)]
    shift = lambda m: 0.0 if m is None else m.shift  # noqa: E731
    scale = lambda m: 1.0 if m is None else m.scale  # noqa: E731
    return Layers(shift(affine_in), scale(affine_in), [m for m in body if isinstance(m, nn.Linear)],
                  acts[0] if acts else None, shift(affine_out), scale(affine_out), packing(net))


def follow(average: nn.Module, params: list[torch.Tensor], decay: float) -> None:
    """Move ``average``'s weights toward ``params`` by ``1 − decay``: G's weight average over ~1/(1 − decay) steps,
    the generator that is drawn where the trained one still jitters (Yazıcı et al. 2019)."""
    with torch.no_grad():
        torch._foreach_lerp_(list(average.parameters()), params, 1 - decay)
