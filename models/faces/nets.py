"""The faces DCGAN's generator: the PyTorch DCGAN tutorial's, so that its published weights load strictly."""
from __future__ import annotations

import torch
from torch import nn

NZ = 100


class DCGANGenerator(nn.Module):
    """z (N, nz) → images (N, nc, 64, 64) in [-1, 1]: five transposed convolutions that double the side each time
    after the first (1 → 4 → 8 → 16 → 32 → 64), BatchNorm + ReLU between, tanh at the end."""

    def __init__(self, nz: int = NZ, ngf: int = 64, nc: int = 3):
        super().__init__()
        widths = [nz, ngf * 8, ngf * 4, ngf * 2, ngf]
        layers: list[nn.Module] = []
        for i, (cin, cout) in enumerate(zip(widths, widths[1:])):
            layers += [nn.ConvTranspose2d(cin, cout, 4, 1 if i == 0 else 2, 0 if i == 0 else 1, bias=False),
                       nn.BatchNorm2d(cout), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)
        self.nz = nz

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.main(z.reshape(z.shape[0], self.nz, 1, 1))
