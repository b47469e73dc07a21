"""4× super-resolution at inference: our SRResNet and SRGAN checkpoints (models/weights, made by
``python -m models.train srresnet|srgan``) and idealo's published RRDN-GAN (models/published), pictures in and out.
Loading and conversion, nothing else."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch

from torch import nn

from .. import checkpoints, published
from . import convert
from .nets import SRResNet

KINDS = ("srresnet", "srgan")  # the generators trained here (checkpoints.FILES names)
PUBLISHED = "rrdn"             # idealo's RRDN-GAN ×4 (published.CONVERTED["rrdn-gans-x4"])
ALL = (*KINDS, PUBLISHED)


@functools.cache
def generator(kind: str) -> nn.Module:
    """The generator ``kind`` (srresnet, srgan or rrdn), on the CPU, in eval mode."""
    if kind == PUBLISHED:
        return convert.build(published.load("rrdn-gans-x4"))
    return from_checkpoint(checkpoints.path(kind)).eval().requires_grad_(False)


def from_checkpoint(path: Path) -> SRResNet:
    """The generator a checkpoint holds, in float32 (as SRGAN's training starts from SRResNet's)."""
    ck = checkpoints.read(Path(path))
    return checkpoints.load_state(SRResNet(**ck["configs"]["generator"]), ck["states"]["generator"])


def meta(kind: str) -> dict:
    return checkpoints.read(checkpoints.path(kind))["meta"]


def to_tensor(picture: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(picture.astype(np.float32)).permute(2, 0, 1)[None] / 255


def to_picture(x: torch.Tensor) -> np.ndarray:
    return (x[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)


def upscale(net: nn.Module, picture: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 → (4h, 4w, 3) uint8."""
    with torch.inference_mode():
        return to_picture(net(to_tensor(picture)))
