"""pix2pix (Isola et al.) scaled to 64×64: a U-Net generator and a PatchGAN discriminator.

The U-Net's skip connections carry the sketch's line positions straight to the output layers, so the bottleneck
only has to decide colours and shading; the PatchGAN judges overlapping patches (here ~34×34 pixels of a 64×64
picture, the same share of the picture as 70×70 of 256×256) so it punishes blur locally, which is what λ·L1 alone
cannot do.
"""
from __future__ import annotations

import torch
from torch import nn


def down(cin: int, cout: int, norm: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, 4, 2, 1, bias=not norm)]
    if norm:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.LeakyReLU(0.2, True))
    return nn.Sequential(*layers)


def up(cin: int, cout: int, dropout: bool = False) -> nn.Sequential:
    layers: list[nn.Module] = [nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout)]
    if dropout:
        layers.append(nn.Dropout(0.5))
    layers.append(nn.ReLU(True))
    return nn.Sequential(*layers)


class UNetGenerator(nn.Module):
    """(N, in_ch, 64, 64) in [-1, 1] → (N, out_ch, 64, 64) in [-1, 1]; six halvings down to 1×1 and back, with a
    skip from each encoder level to its decoder level. Channels are capped (`cap`) to keep the weights small."""

    def __init__(self, in_ch: int = 1, out_ch: int = 3, ngf: int = 32, cap: int = 128, depth: int = 6):
        super().__init__()
        widths = [min(ngf * 2 ** i, cap) for i in range(depth)]
        self.downs = nn.ModuleList([down(in_ch, widths[0], norm=False)] +
                                   [down(widths[i - 1], widths[i], norm=i < depth - 1) for i in range(1, depth)])
        self.ups = nn.ModuleList()
        for i in reversed(range(1, depth)):
            cin = widths[i] if i == depth - 1 else widths[i] * 2
            self.ups.append(up(cin, widths[i - 1], dropout=i >= depth - 3))
        self.out = nn.Sequential(nn.ConvTranspose2d(widths[0] * 2, out_ch, 4, 2, 1), nn.Tanh())
        self.config = dict(in_ch=in_ch, out_ch=out_ch, ngf=ngf, cap=cap, depth=depth)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for layer in self.downs:
            x = layer(x)
            skips.append(x)
        x = skips.pop()
        for layer in self.ups:
            x = torch.cat([layer(x), skips.pop()], 1)
        return self.out(x)


class PatchDiscriminator(nn.Module):
    """(N, ch, 64, 64) → (N, 1, 14, 14) logits, one per overlapping ~34×34 patch."""

    def __init__(self, in_ch: int = 4, ndf: int = 32, norm: str = "batch"):
        super().__init__()
        def norm_layer(c: int) -> nn.Module:
            return nn.BatchNorm2d(c) if norm == "batch" else nn.InstanceNorm2d(c, affine=True)
        self.net = nn.Sequential(
            nn.Conv2d(in_ch, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), norm_layer(ndf * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 1, 1, bias=False), norm_layer(ndf * 4), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 4, 1, 4, 1, 1))
        self.config = dict(in_ch=in_ch, ndf=ndf, norm=norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
