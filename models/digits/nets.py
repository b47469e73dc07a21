"""The live digit GANs' nets: a DCGAN generator and discriminator at toy scale (both optionally conditional on the
label) and CycleGAN's translator. Pictures travel as flat 64-vectors in [-1, 1]; each net reshapes to 1×8×8 inside."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .data import SIDE

PIXELS = SIDE * SIDE


class Generator(nn.Module):
    """z (+ one-hot label) → 8×8: a linear layer to 64×2×2, then two stride-2 transposed convolutions with
    BatchNorm and ReLU (the DCGAN recipe at toy scale), tanh out."""

    def __init__(self, noise_dim: int, classes: int = 0, width: int = 64):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(noise_dim + classes, width * 4), nn.BatchNorm1d(width * 4), nn.ReLU(True))
        self.up = nn.Sequential(nn.ConvTranspose2d(width, width // 2, 4, 2, 1), nn.BatchNorm2d(width // 2),
                                nn.ReLU(True), nn.ConvTranspose2d(width // 2, 1, 4, 2, 1), nn.Tanh())
        self.width = width
        self.classes = classes

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        if self.classes:
            z = torch.cat([z, F.one_hot(labels, self.classes).float()], 1)
        return self.up(self.fc(z).view(-1, self.width, 2, 2)).view(-1, PIXELS)


class Discriminator(nn.Module):
    """8×8 (+ the label as 10 constant channels) → one logit: two stride-2 convolutions, LeakyReLU, no
    normalisation (so the WGAN-GP penalty stays per-sample)."""

    def __init__(self, classes: int = 0, width: int = 32):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1 + classes, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
                                 nn.Conv2d(width, width * 2, 4, 2, 1), nn.LeakyReLU(0.2, True), nn.Flatten(),
                                 nn.Linear(width * 2 * 4, 1))
        self.classes = classes

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        x = x.view(-1, 1, SIDE, SIDE)
        if self.classes:
            maps = F.one_hot(labels, self.classes).float()[:, :, None, None].expand(-1, -1, SIDE, SIDE)
            x = torch.cat([x, maps], 1)
        return self.net(x).view(-1)


class Translator(nn.Module):
    """8×8 → 8×8 for CycleGAN: down to 4×4, two residual blocks, back up; InstanceNorm, tanh out."""

    def __init__(self, width: int = 16):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1), nn.InstanceNorm2d(width, affine=True), nn.ReLU(True),
                                  nn.Conv2d(width, width * 2, 4, 2, 1), nn.InstanceNorm2d(width * 2, affine=True),
                                  nn.ReLU(True))
        self.blocks = nn.ModuleList([nn.Sequential(nn.Conv2d(width * 2, width * 2, 3, 1, 1),
                                                   nn.InstanceNorm2d(width * 2, affine=True), nn.ReLU(True),
                                                   nn.Conv2d(width * 2, width * 2, 3, 1, 1),
                                                   nn.InstanceNorm2d(width * 2, affine=True)) for _ in range(2)])
        self.up = nn.Sequential(nn.ConvTranspose2d(width * 2, width, 4, 2, 1), nn.InstanceNorm2d(width, affine=True),
                                nn.ReLU(True), nn.Conv2d(width, 1, 3, 1, 1), nn.Tanh())

    def forward(self, x: Tensor) -> Tensor:
        h = self.down(x.view(-1, 1, SIDE, SIDE))
        for block in self.blocks:
            h = h + block(h)
        return self.up(h).view(-1, PIXELS)
