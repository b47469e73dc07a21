"""4× super-resolution at inference: our SRResNet and SRGAN checkpoints (models/weights, made by
``python -m models.train srresnet|srgan``), pictures in and out. Loading and conversion, nothing else."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch

from .. import checkpoints
from .nets import SRResNet

KINDS = ("srresnet", "srgan")  # the trained generators (checkpoints.FILES names)


@functools.cache
def generator(kind: str) -> SRResNet:
    """The trained generator ``kind`` (srresnet or srgan), on the CPU, in eval mode."""
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


def upscale(net: SRResNet, picture: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 → (4h, 4w, 3) uint8."""
    with torch.inference_mode():
        return to_picture(net(to_tensor(picture)))
