"""4× super-resolution nets (Ledig et al. 2017, "SRGAN"): an SRResNet-style generator and the SRGAN discriminator.

The nets only; training is models/super_resolution/train.py, the photos and the degradation
models/super_resolution/data.py.

Sized for a CPU in a classroom rather than the paper's GPU: 32 channels and 8 residual blocks instead of 64 and 16,
no batch norm in the blocks (EDSR, Lim et al. 2017: it costs time and does not help super-resolution), 3×3 convs
at the ends instead of 9×9, and a global skip from the bicubic upscale, so the net learns only the detail bicubic
misses. 128×128 → 512×512 stays interactive on one thread (benchmarks/super_resolution.py).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

SCALE = 4


@dataclass(frozen=True)
class SRConfig:
    channels: int = 32
    blocks: int = 8


class ResidualBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(ch, ch, 3, padding=1), nn.PReLU(ch), nn.Conv2d(ch, ch, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class SRResNet(nn.Module):
    """(N, 3, h, w) in [0, 1] → (N, 3, 4h, 4w): bicubic upscale plus the residual the net predicts (not clamped:
    training sees the raw output, pictures clamp)."""

    def __init__(self, channels: int = 32, blocks: int = 8):
        super().__init__()
        self.config = asdict(SRConfig(channels, blocks))
        self.head = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1), nn.PReLU(channels))
        self.body = nn.Sequential(*[ResidualBlock(channels) for _ in range(blocks)],
                                  nn.Conv2d(channels, channels, 3, padding=1))
        up = []
        for _ in range(2):  # two sub-pixel ×2 steps (Shi et al. 2016)
            up += [nn.Conv2d(channels, 4 * channels, 3, padding=1), nn.PixelShuffle(2), nn.PReLU(channels)]
        self.up = nn.Sequential(*up)
        self.tail = nn.Conv2d(channels, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.head(x)
        h = self.tail(self.up(h + self.body(h)))
        return h + F.interpolate(x, scale_factor=SCALE, mode="bicubic", align_corners=False)


class SRDiscriminator(nn.Module):
    """The SRGAN discriminator, smaller: strided conv blocks, LeakyReLU, batch norm after the first, then one logit
    per picture (global average, as for patches of any size)."""

    def __init__(self, channels: int = 32):
        super().__init__()
        self.config = {"channels": channels}
        layers, cin = [nn.Conv2d(3, channels, 3, padding=1), nn.LeakyReLU(0.2)], channels
        for i, cout in enumerate([channels, 2 * channels, 2 * channels, 4 * channels, 4 * channels, 8 * channels]):
            layers += [nn.Conv2d(cin, cout, 3, stride=2 if i % 2 == 0 else 1, padding=1), nn.BatchNorm2d(cout),
                       nn.LeakyReLU(0.2)]
            cin = cout
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(cin, 4 * channels), nn.LeakyReLU(0.2), nn.Linear(4 * channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x * 2 - 1).mean((2, 3))).squeeze(1)
