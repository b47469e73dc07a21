"""What the image models' training loops share: the learning-rate schedule, the optimiser, batches of pairs, the
sample grids they save as they go and the record of a run (their checkpoints are models/checkpoints.py's)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from PIL import Image
from torch import nn

from .imaging import montage


def device(name: str) -> torch.device:
    """Where a loop trains: ``name`` (cpu or cuda), the CPU where CUDA was asked for but there is none."""
    return torch.device(name if name != "cuda" or torch.cuda.is_available() else "cpu")


def linear_decay(step: int, steps: int) -> float:
    """pix2pix's schedule: constant for the first half, then linearly to zero."""
    half = steps // 2
    return 1.0 if step < half else max(0.0, 1.0 - (step - half) / max(1, steps - half))


def with_batch_statistics(nets: list[nn.Module], fn):
    """``fn()`` under no_grad with BatchNorm normalising by the batch's own statistics and its running averages
    left untouched (momentum 0): a generator that changes every step of a live run is drawn as it trains (its
    running averages lag far behind and would draw garbage early on), and drawing does not change it."""
    norms = [m for net in nets for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.momentum = 0.0
    try:
        with torch.no_grad():
            return fn()
    finally:
        for m, momentum in zip(norms, saved):
            m.momentum = momentum


def adam(params, lr: float) -> torch.optim.Adam:
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))


def batch(rng: np.random.Generator, n: int, size: int, *tensors: torch.Tensor) -> list[torch.Tensor]:
    idx = torch.from_numpy(rng.integers(0, n, size))
    flip = torch.from_numpy(rng.random(size) < 0.5)
    out = []
    for t in tensors:
        b = t[idx]
        b[flip] = b[flip].flip(-1)  # the same mirror for a pair's sketch and face
        out.append(b)
    return out


def save_grid(path: Path, cols: int, nets: Sequence[nn.Module], draw: Callable[[], list[np.ndarray]]) -> None:
    """A loop's sample grid: ``draw()``'s rows of uint8 pictures, drawn under no_grad with ``nets`` in eval mode
    (BatchNorm's running statistics, no dropout; each net's mode is put back after), saved as one PNG."""
    modes = [net.training for net in nets]
    for net in nets:
        net.eval()
    try:
        with torch.no_grad():
            rows = draw()
    finally:
        for net, mode in zip(nets, modes):
            net.train(mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(montage.grid(np.concatenate(rows), cols=cols)).save(path)


def meta(command: str, args: argparse.Namespace, step: int, seconds: float, data_s: float,
         history: list[dict[str, float]], **extra: object) -> dict:
    """A run's record: its command and settings, how long it took, its losses early, late and at the end (means of
    each key over the first and last 10 and the last 100 rows), and what the family adds (``extra``)."""
    tail = history[-100:]

    def mean_of(rows: list[dict[str, float]]) -> dict[str, float]:
        return {k: round(float(np.mean([h[k] for h in rows])), 4) for k in rows[-1]} if rows else {}
    return {"command": command, "seed": args.seed, "steps": step, "batch": args.batch,
            "faces": getattr(args, "faces", None),
            "seconds": round(seconds, 1), "data_seconds": round(data_s, 1), "threads": args.threads,
            "first": mean_of(history[:10]), "last": mean_of(history[-10:]), "final": mean_of(tail),
            "torch": str(torch.__version__), **extra}
