"""A small style-based generator (Karras et al. 2019, with StyleGAN2's weight demodulation) and its discriminator.
The nets only; training is models/stylegan/train.py.

z → mapping network → w; the synthesis starts from a learned 4×4 constant and, at every resolution (4, 8, 16,
32), takes its own w: each w becomes per-channel styles that scale the convolution weights (modulation), the weights
are renormalised (demodulation: StyleGAN2's replacement for AdaIN, which avoids its droplet artefacts), and
per-pixel noise with a learned strength is added after each convolution. Because every resolution has its own w,
the styles of two faces can be mixed layer by layer: that is what the tab shows.

Smaller than the paper's for a CPU: 32×32 faces, w of 128 numbers, 4 mapping layers instead of 8. All weights use
the paper's equalised learning rate (stored N(0, 1), scaled at run time by 1/√fan-in), so Adam moves every layer
at the same pace; the mapping network learns 100× slower, as in the paper.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

RESOLUTIONS = (4, 8, 16, 32)
GROUPS = {"coarse": (4, 8), "middle": (16,), "fine": (32,)}  # the paper's three bands, scaled to 32 px


def lrelu(x: torch.Tensor) -> torch.Tensor:
    """Leaky ReLU with the gain that keeps the signal's variance (√2), as the paper's layers use."""
    return F.leaky_relu(x, 0.2) * math.sqrt(2)


class EqualLinear(nn.Module):
    def __init__(self, cin: int, cout: int, bias_init: float = 0.0, lr_mul: float = 1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin) / lr_mul)
        self.bias = nn.Parameter(torch.full((cout,), float(bias_init) / lr_mul))
        self.scale, self.lr_mul = lr_mul / math.sqrt(cin), lr_mul

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)


class EqualConv2d(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int, bias: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.scale, self.pad = 1 / math.sqrt(cin * kernel * kernel), kernel // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.pad)


class Mapping(nn.Module):
    """z → w: normalise z onto the sphere, then an MLP. W need not follow z's Gaussian, so the generator can
    'unwarp' it: the reason walks in W change a face more evenly than walks in Z."""

    def __init__(self, z_dim: int, w_dim: int, layers: int, lr_mul: float = 0.01):
        super().__init__()
        dims = [z_dim] + [w_dim] * layers
        self.layers = nn.ModuleList(EqualLinear(a, b, lr_mul=lr_mul) for a, b in zip(dims, dims[1:]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8)
        for layer in self.layers:
            x = lrelu(layer(x))
        return x


class ModulatedConv(nn.Module):
    """A convolution whose input channels are scaled by a style from w, then demodulated so each output channel
    has unit variance again. Done as scale → shared convolution → rescale (StyleGAN2's unfused form), which equals
    per-sample weights and is faster on a CPU than a grouped convolution."""

    def __init__(self, cin: int, cout: int, kernel: int, w_dim: int, demodulate: bool = True, up: bool = False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.affine = EqualLinear(w_dim, cin, bias_init=1.0)  # styles start at 1: the identity modulation
        self.scale, self.pad = 1 / math.sqrt(cin * kernel * kernel), kernel // 2
        self.demodulate, self.up = demodulate, up

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        styles = self.affine(w)  # (N, cin)
        weight = self.weight * self.scale
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        out = F.conv2d(x * styles[:, :, None, None], weight, padding=self.pad)
        if self.demodulate:
            energy = styles.pow(2) @ weight.pow(2).sum((2, 3)).t()  # (N, cout): Σ over cin and taps
            out = out * torch.rsqrt(energy + 1e-8)[:, :, None, None]
        return out


class StyledLayer(nn.Module):
    """Modulated 3×3 convolution, per-pixel noise times a learned strength, bias, leaky ReLU."""

    def __init__(self, cin: int, cout: int, w_dim: int, up: bool = False):
        super().__init__()
        self.conv = ModulatedConv(cin, cout, 3, w_dim, up=up)
        self.noise_strength = nn.Parameter(torch.zeros(()))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        x = self.conv(x, w)
        if noise is not None:
            x = x + self.noise_strength * noise
        return lrelu(x + self.bias[None, :, None, None])


class ToRGB(nn.Module):
    def __init__(self, cin: int, w_dim: int):
        super().__init__()
        self.conv = ModulatedConv(cin, 3, 1, w_dim, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(3))

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return self.conv(x, w) + self.bias[None, :, None, None]


class Synthesis(nn.Module):
    """Learned constant → one block per resolution (two styled layers, one at 4×4), each block's RGB added to the
    upsampled RGB of the blocks before (StyleGAN2's skip generator: no progressive growing needed)."""

    def __init__(self, w_dim: int, channels: dict[int, int]):
        super().__init__()
        self.const = nn.Parameter(torch.randn(channels[4], 4, 4))
        self.blocks = nn.ModuleList()
        self.to_rgb = nn.ModuleList()
        for i, res in enumerate(RESOLUTIONS):
            cin = channels[RESOLUTIONS[i - 1]] if i else channels[4]
            layers = [StyledLayer(cin, channels[res], w_dim)] if i == 0 else \
                [StyledLayer(cin, channels[res], w_dim, up=True), StyledLayer(channels[res], channels[res], w_dim)]
            self.blocks.append(nn.ModuleList(layers))
            self.to_rgb.append(ToRGB(channels[res], w_dim))

    def noise_shapes(self) -> list[tuple[int, int]]:
        """(resolution, layers) per block: the per-pixel noise maps one picture takes."""
        return [(res, len(block)) for res, block in zip(RESOLUTIONS, self.blocks)]

    def forward(self, ws: torch.Tensor, noise: "str | list[torch.Tensor]" = "random") -> torch.Tensor:
        """``ws`` (N, len(RESOLUTIONS), w_dim): one w per resolution. ``noise``: "random", "off", or a list of
        (N, 1, res, res) maps, one per styled layer in order (to hold the noise fixed while styles change)."""
        n = ws.shape[0]
        maps = iter(noise) if isinstance(noise, list) else None
        x = self.const[None].expand(n, -1, -1, -1)
        rgb = None
        for i, (block, to_rgb) in enumerate(zip(self.blocks, self.to_rgb)):
            res = RESOLUTIONS[i]
            for layer in block:
                if maps is not None:
                    layer_noise = next(maps)
                elif noise == "random":
                    layer_noise = torch.randn(n, 1, res, res, device=x.device)
                else:
                    layer_noise = None
                x = layer(x, ws[:, i], layer_noise)
            y = to_rgb(x, ws[:, i])
            rgb = y if rgb is None else F.interpolate(rgb, scale_factor=2, mode="bilinear", align_corners=False) + y
        return rgb


class StyleGenerator(nn.Module):
    """z (N, z_dim) → pictures (N, 3, 32, 32) in about [−1, 1]. ``w_avg``, the mean w tracked during training,
    is where truncation pulls towards."""

    def __init__(self, z_dim: int = 128, w_dim: int = 128, mapping_layers: int = 4, channels: int = 128):
        super().__init__()
        self.config = {"z_dim": z_dim, "w_dim": w_dim, "mapping_layers": mapping_layers, "channels": channels}
        widths = {4: channels, 8: channels, 16: channels // 2, 32: channels // 4}
        self.mapping = Mapping(z_dim, w_dim, mapping_layers)
        self.synthesis = Synthesis(w_dim, widths)
        self.register_buffer("w_avg", torch.zeros(w_dim))
        self.z_dim, self.w_dim, self.n_ws = z_dim, w_dim, len(RESOLUTIONS)

    def ws(self, z: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
        """z → one w per resolution (N, 4, w_dim), truncated towards ``w_avg`` by ψ (1: none, 0: the mean face)."""
        w = self.mapping(z)
        if psi != 1.0:
            w = self.w_avg + psi * (w - self.w_avg)
        return w[:, None].expand(-1, self.n_ws, -1)

    def forward(self, z: torch.Tensor, psi: float = 1.0, noise: "str | list[torch.Tensor]" = "random") -> torch.Tensor:
        return self.synthesis(self.ws(z, psi), noise)


def mix(ws_a: torch.Tensor, ws_b: torch.Tensor, resolutions: "tuple[int, ...]") -> torch.Tensor:
    """A's ws with the given resolutions' ws taken from B (the style-mixing figure's rows and columns)."""
    take = torch.tensor([r in resolutions for r in RESOLUTIONS], device=ws_a.device)[None, :, None]
    return torch.where(take, ws_b, ws_a)


def minibatch_stddev(x: torch.Tensor, group: int = 4) -> torch.Tensor:
    """Append the mean standard deviation over a group of samples as one more channel: a batch of identical
    fakes is then easy to tell from real, which discourages mode collapse (ProGAN, kept by StyleGAN)."""
    n, c, h, w = x.shape
    g = min(group, n)
    while n % g:
        g -= 1
    y = x.reshape(g, -1, c, h, w)
    y = (y.var(0, unbiased=False) + 1e-8).sqrt().mean((1, 2, 3))  # (n / g,)
    y = y.repeat(g)[:, None, None, None].expand(n, 1, h, w)
    return torch.cat([x, y], 1)


class DBlock(nn.Module):
    """Two 3×3 convolutions and a 2× average-pool, with a 1×1 skip (StyleGAN2's residual discriminator)."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv1, self.conv2 = EqualConv2d(cin, cin, 3), EqualConv2d(cin, cout, 3)
        self.skip = EqualConv2d(cin, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.avg_pool2d(lrelu(self.conv2(lrelu(self.conv1(x)))), 2)
        return (y + F.avg_pool2d(self.skip(x), 2)) / math.sqrt(2)


class StyleDiscriminator(nn.Module):
    """(N, 3, 32, 32) → (N,) logits, real high."""

    def __init__(self, channels: int = 128):
        super().__init__()
        self.config = {"channels": channels}
        c32, c16, c8 = channels // 4, channels // 2, channels
        self.from_rgb = EqualConv2d(3, c32, 1)
        self.blocks = nn.Sequential(DBlock(c32, c16), DBlock(c16, c8), DBlock(c8, c8))  # 32 → 4
        self.conv = EqualConv2d(c8 + 1, c8, 3)
        self.fc = EqualLinear(c8 * 16, c8)
        self.out = EqualLinear(c8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.blocks(lrelu(self.from_rgb(x)))
        h = lrelu(self.conv(minibatch_stddev(h)))
        return self.out(lrelu(self.fc(h.flatten(1)))).squeeze(1)
