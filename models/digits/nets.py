"""The live digit GANs' nets at 28×28 (MNIST): a DCGAN generator and discriminator (both optionally conditional on
the label), CycleGAN's translator, and the judge's small classifier. Pictures travel as flat 784-vectors in [-1, 1];
each net reshapes to 1×28×28 inside.

Sized to learn live on one CPU thread (benchmarks/digit_gans.py): G is a linear layer to 7×7 and two stride-2
transposed convolutions (the DCGAN recipe, Radford et al. 2015, at a small width); D two stride-2 convolutions with
no normalisation, so the WGAN-GP penalty stays per sample.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .data import CLASSES, SIDE

PIXELS = SIDE * SIDE
QUARTER = SIDE // 4  # 7: the generator's first feature map, the discriminator's last


def _picture(x: Tensor) -> Tensor:
    return x.view(-1, 1, SIDE, SIDE)


class Generator(nn.Module):
    """z (+ one-hot label) → 28×28: linear to width×7×7, BatchNorm, ReLU; two stride-2 transposed convolutions
    (BatchNorm and ReLU between), tanh out."""

    def __init__(self, noise_dim: int, classes: int = 0, width: int = 64):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(noise_dim + classes, width * QUARTER * QUARTER),
                                nn.BatchNorm1d(width * QUARTER * QUARTER), nn.ReLU(True))
        self.up = nn.Sequential(nn.ConvTranspose2d(width, width // 2, 4, 2, 1), nn.BatchNorm2d(width // 2),
                                nn.ReLU(True), nn.ConvTranspose2d(width // 2, 1, 4, 2, 1), nn.Tanh())
        self.width, self.classes = width, classes

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        if self.classes:
            z = torch.cat([z, F.one_hot(labels, self.classes).float()], 1)
        return self.up(self.fc(z).view(-1, self.width, QUARTER, QUARTER)).view(-1, PIXELS)


class Discriminator(nn.Module):
    """28×28 (+ the label as constant channels) → one logit: two stride-2 convolutions, LeakyReLU, no normalisation;
    a conditional D also reads the label at the logit (a projection, Miyato and Koyama 2018: a class embedding's
    inner product with D's features), which teaches the class sooner than the input channels alone."""

    def __init__(self, classes: int = 0, width: int = 32):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1 + classes, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
                                 nn.Conv2d(width, width * 2, 4, 2, 1), nn.LeakyReLU(0.2, True), nn.Flatten())
        features = width * 2 * QUARTER * QUARTER
        self.out = nn.Linear(features, 1)
        self.embed = nn.Embedding(classes, features) if classes else None
        self.classes = classes

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        x = _picture(x)
        if self.classes:
            maps = F.one_hot(labels, self.classes).float()[:, :, None, None].expand(-1, -1, SIDE, SIDE)
            x = torch.cat([x, maps], 1)
        h = self.net(x)
        score = self.out(h).view(-1)
        if self.embed is not None:
            score = score + (self.embed(labels) * h).sum(1) / h.shape[1] ** 0.5
        return score


class Translator(nn.Module):
    """28×28 → 28×28 for CycleGAN: down to 14×14, two residual blocks, back up; InstanceNorm, tanh out."""

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
        h = self.down(_picture(x))
        for block in self.blocks:
            h = h + block(h)
        return self.up(h).view(-1, PIXELS)


class JudgeNet(nn.Module):
    """The judge's classifier: two 3×3 convolutions with 2×2 max-pooling (28 → 14 → 7), a 64-unit hidden layer whose
    activations are the features the Fréchet distance compares, ten logits."""

    def __init__(self, width: int = 16, hidden: int = 64):
        super().__init__()
        self.config = {"width": width, "hidden": hidden}
        self.features = nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.ReLU(True), nn.MaxPool2d(2),
                                      nn.Conv2d(width, width * 2, 3, padding=1), nn.ReLU(True), nn.MaxPool2d(2),
                                      nn.Flatten(), nn.Linear(width * 2 * QUARTER * QUARTER, hidden), nn.ReLU(True))
        self.out = nn.Linear(hidden, CLASSES)

    def hidden(self, x: Tensor) -> Tensor:
        return self.features(_picture(x))

    def forward(self, x: Tensor) -> Tensor:
        return self.out(self.hidden(x))
