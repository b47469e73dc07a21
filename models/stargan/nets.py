"""StarGAN (Choi et al. 2018): one generator G(x, c) that translates a picture into any of k domains, and one
discriminator with two heads, real/fake and which domain. The nets only; training is models/stargan/train.py.

Smaller than the paper's for a CPU (64×64 pictures, 32 base channels, 4 residual blocks at 16×16); instance norm
and the target domain given as constant planes beside the picture, as in the paper.
"""
from __future__ import annotations

import torch
from torch import nn


def _down(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 4, 2, 1, bias=False), nn.InstanceNorm2d(cout, affine=True), nn.ReLU(True)]


class ResidualBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(ch, ch, 3, 1, 1, bias=False), nn.InstanceNorm2d(ch, affine=True),
                                  nn.ReLU(True), nn.Conv2d(ch, ch, 3, 1, 1, bias=False),
                                  nn.InstanceNorm2d(ch, affine=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class StarGenerator(nn.Module):
    """(N, 3, 64, 64) in [−1, 1] and (N, k) one-hot target domains → (N, 3, 64, 64) in [−1, 1]."""

    def __init__(self, domains: int = 4, ngf: int = 32, blocks: int = 4):
        super().__init__()
        self.config = {"domains": domains, "ngf": ngf, "blocks": blocks}
        layers = [nn.Conv2d(3 + domains, ngf, 7, 1, 3, bias=False), nn.InstanceNorm2d(ngf, affine=True), nn.ReLU(True),
                  *_down(ngf, 2 * ngf), *_down(2 * ngf, 4 * ngf), *[ResidualBlock(4 * ngf) for _ in range(blocks)]]
        for cin in (4 * ngf, 2 * ngf):
            layers += [nn.ConvTranspose2d(cin, cin // 2, 4, 2, 1, bias=False), nn.InstanceNorm2d(cin // 2, affine=True),
                       nn.ReLU(True)]
        layers += [nn.Conv2d(ngf, 3, 7, 1, 3), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        planes = c[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
        return self.net(torch.cat([x, planes], 1))


class StarDiscriminator(nn.Module):
    """PatchGAN trunk; ``src``: real/fake scores on a 4×4 grid of patches (WGAN critic), ``cls``: domain logits."""

    def __init__(self, domains: int = 4, ndf: int = 32, size: int = 64):
        super().__init__()
        self.config = {"domains": domains, "ndf": ndf, "size": size}
        layers, cin = [], 3
        for i in range(4):  # 64 → 4
            cout = ndf * 2 ** i
            layers += [nn.Conv2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.01)]
            cin = cout
        self.trunk = nn.Sequential(*layers)
        self.src = nn.Conv2d(cin, 1, 3, 1, 1, bias=False)
        self.cls = nn.Conv2d(cin, domains, size // 16, bias=False)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(x)
        return self.src(h), self.cls(h).flatten(1)
