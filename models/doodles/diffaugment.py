"""Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"):
the same random translation and cutout applied to real *and* fake pictures before D sees them, in a way gradients
flow through to G. With few pictures D can remember each one and G is pushed towards copies of them (with five
doodles our plain GAN's samples sit nearer the pool than new doodles would: benchmarks/RESULTS.md); shown shifted and
partly hidden, the doodles stop being memorisable, and because fakes are treated the same way G is not taught to
make shifted or holed pictures. The price here: samples become recognisable 3–4× later. The paper's policy for
small sets is colour, translation and cutout; doodles have no colour, so translation (⅛ of the side) and cutout
(half the side) are left.
"""
from __future__ import annotations

import torch
from torch import Tensor

PAPER = -1.0  # the background's value in the nets' [-1, 1] range: what shifting in and cutting out leave


def translate(x: Tensor, gen: torch.Generator, ratio: float = 0.125) -> Tensor:
    """Each picture (N, 1, H, W) shifted by up to ``ratio`` of its side, the uncovered edge filled with paper."""
    n, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sy, sy + 1, (n, 1, 1), generator=gen)
    dx = torch.randint(-sx, sx + 1, (n, 1, 1), generator=gen)
    padded = torch.nn.functional.pad(x, (sx, sx, sy, sy), value=PAPER)
    rows = (torch.arange(h).view(1, h, 1) + dy + sy).expand(n, h, w)
    cols = (torch.arange(w).view(1, 1, w) + dx + sx).expand(n, h, w)
    picked = padded[torch.arange(n).view(n, 1, 1), 0, rows, cols]  # indexing: gradients reach x
    return picked.unsqueeze(1)


def cutout(x: Tensor, gen: torch.Generator, ratio: float = 0.5) -> Tensor:
    """A square of ``ratio`` × the side, somewhere in each picture, set to paper."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = torch.randint(0, h + 1 - ch % 2, (n, 1, 1), generator=gen)
    cx = torch.randint(0, w + 1 - cw % 2, (n, 1, 1), generator=gen)
    ys, xs = torch.arange(h).view(1, h, 1), torch.arange(w).view(1, 1, w)
    hole = ((ys - cy).abs() < ch / 2) & ((xs - cx).abs() < cw / 2)
    return torch.where(hole.unsqueeze(1), torch.full_like(x, PAPER), x)


def augment(x: Tensor, gen: torch.Generator) -> Tensor:
    """The doodles' policy: translation, then cutout."""
    return cutout(translate(x, gen), gen)
