"""A latent walk from seeds to pictures and a video file: the one recipe the tab, the CLI and the benchmark share."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..imaging import montage, video
from . import latent
from .infer import FacesDCGAN

MAX_FRAMES = 600
VIDEO_SIZES = (64, 128, 256, 512)


@dataclass
class Walk:
    frames: np.ndarray     # (N, size, size, 3) uint8, what the video holds
    path: Path | None
    seconds: float         # latents → frames → file, model loading excluded


def render(model: FacesDCGAN, seeds: list[int], frames: int, mode: str = "slerp", truncation: float = 1.0,
           size: int = 256, fps: int = 24, out: str | Path | None = None) -> Walk:
    """Walk through the seeds' faces in order; write `out` (.mp4 or .gif) when given."""
    if not 2 <= frames <= MAX_FRAMES:
        raise ValueError(f"frames must be between 2 and {MAX_FRAMES}")
    if size not in VIDEO_SIZES:
        raise ValueError(f"size must be one of {', '.join(map(str, VIDEO_SIZES))}")
    if not 1 <= fps <= 60:
        raise ValueError("fps must be between 1 and 60")
    t0 = time.perf_counter()
    keys = latent.from_seeds(seeds, model.nz, truncation)
    pictures = montage.upscale(model.images(latent.walk(keys, frames, mode)), size)
    path = video.write(pictures, out, fps) if out is not None else None
    return Walk(pictures, path, time.perf_counter() - t0)
