"""scikit-learn's 8×8 handwritten digits (1 797 images with labels): what the live digit GANs learn."""
from __future__ import annotations

import functools
import torch

CLASSES = 10
SIDE = 8


@functools.cache
def load() -> tuple[torch.Tensor, torch.Tensor]:
    """(1797, 64) float in [-1, 1] (flattened 8×8, ink bright) and (1797,) int labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float32) / 8.0 - 1.0   # pixel values are 0 … 16
    return x, torch.tensor(data.target, dtype=torch.long)
