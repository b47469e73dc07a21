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


class DenseBlock(nn.Module):
    """A residual dense block (RDB, Zhang et al. 2018): ``layers`` 3×3 convolutions, each reading everything before
    it (its input and every earlier layer's output, concatenated), a 3×3 fusion back to the width, and the input
    added back at ``beta`` × the fused residual."""

    def __init__(self, width: int, growth: int, layers: int, beta: float):
        super().__init__()
        self.grow = nn.ModuleList([nn.Conv2d(width + i * growth, growth, 3, padding=1) for i in range(layers)])
        self.fuse = nn.Conv2d(width + layers * growth, width, 3, padding=1)
        self.beta = beta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        for conv in self.grow:
            h = torch.cat([h, F.relu(conv(h))], 1)
        return x + self.beta * self.fuse(h)


class RRDB(nn.Module):
    """Residual in residual (ESRGAN, Wang et al. 2018): dense blocks in a chain, the chain's output added to its
    input at ``beta``."""

    def __init__(self, width: int, growth: int, layers: int, blocks: int, beta: float):
        super().__init__()
        self.blocks = nn.Sequential(*[DenseBlock(width, growth, layers, beta) for _ in range(blocks)])
        self.beta = beta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.beta * self.blocks(x)


@dataclass(frozen=True)
class RRDNConfig:
    """idealo's RRDN names: C convolutions per dense block, D dense blocks per RRDB, G0 width, G growth, T RRDBs."""

    width: int = 32    # G0
    growth: int = 32   # G
    layers: int = 4    # C
    blocks: int = 3    # D
    rrdbs: int = 10    # T
    beta: float = 0.2  # the residuals' scale (idealo's MultiplyBeta layer)


class RRDN(nn.Module):
    """idealo/image-super-resolution's RRDN ×4, the ESRGAN-style generator that was trained with a perceptual and an
    adversarial loss (its weights are published, not ours: models/published). (N, 3, h, w) in [0, 1] →
    (N, 3, 4h, 4w), not clamped (the original clips its output to [0, 1]; pictures clamp)."""

    def __init__(self, width: int = 32, growth: int = 32, layers: int = 4, blocks: int = 3, rrdbs: int = 10,
                 beta: float = 0.2):
        super().__init__()
        self.config = asdict(RRDNConfig(width, growth, layers, blocks, rrdbs, beta))
        self.head = nn.Conv2d(3, width, 3, padding=1)
        self.body = nn.Sequential(*[RRDB(width, growth, layers, blocks, beta) for _ in range(rrdbs)])
        self.body_out = nn.Conv2d(width, width, 3, padding=1)
        self.to_subpixels = nn.Conv2d(width, 3 * SCALE * SCALE, 3, padding=1)
        self.shuffle = nn.PixelShuffle(SCALE)  # torch's channel order; the converter reorders TF's depth_to_space
        self.tail = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.head(x)
        h = h + self.body_out(self.body(h))
        return self.tail(self.shuffle(self.to_subpixels(h)))
