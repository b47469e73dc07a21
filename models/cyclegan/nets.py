"""CycleGAN (Zhu et al.): ResNet generators for unpaired translation, the pretrained vintage one and our own pair.

With unpaired sets nothing says which output is right for an input, so CycleGAN trains two generators,
G: X → Y and F: Y → X, and asks that F(G(x)) ≈ x and G(F(y)) ≈ y (cycle consistency), besides fooling a
discriminator in each domain; an identity term (G(y) ≈ y) keeps colours from drifting.
"""
from __future__ import annotations

import torch
from torch import nn


class ResnetBlock(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim, affine=True), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim, affine=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x)


class ResnetGenerator(nn.Module):
    """7×7 conv, two stride-2 downsamplings, `blocks` residual blocks, two upsamplings, 7×7 conv + tanh; affine
    InstanceNorm. Layer indices match the common CycleGAN layout, so the vintage weights load strictly."""

    def __init__(self, in_ch: int = 3, out_ch: int = 3, ngf: int = 64, blocks: int = 9):
        super().__init__()
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(in_ch, ngf, 7),
                                   nn.InstanceNorm2d(ngf, affine=True), nn.ReLU(True)]
        width = ngf
        for _ in range(2):
            layers += [nn.Conv2d(width, width * 2, 3, 2, 1), nn.InstanceNorm2d(width * 2, affine=True), nn.ReLU(True)]
            width *= 2
        layers += [ResnetBlock(width) for _ in range(blocks)]
        for _ in range(2):
            layers += [nn.ConvTranspose2d(width, width // 2, 3, 2, 1, output_padding=1),
                       nn.InstanceNorm2d(width // 2, affine=True), nn.ReLU(True)]
            width //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(width, out_ch, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)
        self.config = dict(in_ch=in_ch, out_ch=out_ch, ngf=ngf, blocks=blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def round_trip(g: nn.Module, f: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(G(x), F(G(x))): translated and reconstructed."""
    with torch.no_grad():
        there = g(x)
        return there, f(there)
