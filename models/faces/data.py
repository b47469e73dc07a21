"""Training data made on the fly from the faces DCGAN: (sketch, face) pairs for pix2pix and two unpaired face
domains for CycleGAN. Seeds make every set reproducible; held-out seeds never overlap the training ones."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from ..imaging import sketch
from . import latent
from .infer import FacesDCGAN

SIDE = 64  # the faces DCGAN draws 64 × 64: every family that learns from its faces works at this side
HELD_OUT_FIRST_SEED = 1_000_000   # evaluation faces: seeds 1 000 000 … ; training uses 0 … n − 1
BATCH = 256


def faces(model: FacesDCGAN, seeds: list[int]) -> np.ndarray:
    """(N, 64, 64, 3) uint8 faces for the seeds (truncation 1)."""
    out = [model.images(latent.from_seeds(seeds[i:i + BATCH], model.nz)) for i in range(0, len(seeds), BATCH)]
    return np.concatenate(out) if out else np.zeros((0, 64, 64, 3), np.uint8)


def shrink(pictures: np.ndarray, side: int) -> np.ndarray:
    """(N, H, W, 3) uint8 pictures at ``side`` px, Lanczos-filtered so nothing aliases: StyleGAN's 32-px training
    faces."""
    return np.stack([np.asarray(Image.fromarray(p).resize((side, side), Image.LANCZOS)) for p in pictures])


def sketches(pictures: np.ndarray) -> np.ndarray:
    """(N, 64, 64) uint8 XDoG line drawings."""
    return np.stack([sketch.xdog(p) for p in pictures])


def to_tensor(pictures: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W[, C]) → float (N, C, H, W) in [-1, 1], the range the generators work in."""
    x = torch.from_numpy(np.array(pictures, copy=True)).float() / 127.5 - 1
    return x[:, None] if x.ndim == 3 else x.permute(0, 3, 1, 2).contiguous()


def to_pictures(x: torch.Tensor) -> np.ndarray:
    """float (N, C, H, W) in [-1, 1] → uint8 (N, H, W, 3); one channel is repeated to grey RGB."""
    x = ((x.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
    return np.repeat(x, 3, axis=3) if x.shape[3] == 1 else x


def paint(pictures: np.ndarray, style: int, work_side: int = 256) -> np.ndarray:
    """Faces rendered by one built-in style of the style-transfer network: the 'painting' domain of our CycleGAN.
    Rendered at 256 px and shrunk back, so the brush strokes are face-sized, not pixel-sized."""
    from ..style_transfer import fast as fast_style

    weights = fast_style.style_weights({style: 1.0})
    out = []
    for p in pictures:
        big = np.asarray(Image.fromarray(p).resize((work_side, work_side), Image.BICUBIC))
        styled = fast_style.stylise(big, weights)
        out.append(np.asarray(Image.fromarray(styled).resize(p.shape[1::-1], Image.LANCZOS)))
    return np.stack(out)
