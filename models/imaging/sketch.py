"""Line drawings from pictures with XDoG (eXtended Difference of Gaussians): the pix2pix training pairs' inputs.

XDoG sharpens a difference of two blurs into dark strokes on white, which looks like a pen sketch rather than
Canny's one-pixel, broken edges; its strokes also have the thickness a mouse or finger draws on the sketch pad.
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

SIGMA = 0.8      # stroke scale in pixels at 64×64
K = 1.6          # ratio of the two blurs
TAU = 0.985      # how much of the wider blur is subtracted (closer to 1: fewer, edge-only lines)
EPSILON = -0.01  # threshold on the difference
PHI = 80.0       # softness of the threshold (higher: harder, inkier lines)


def grey(picture: np.ndarray) -> np.ndarray:
    """uint8 RGB (or grey) → float luminance in [0, 1]."""
    x = picture.astype(np.float32) / 255.0
    return x if x.ndim == 2 else x @ np.array([0.299, 0.587, 0.114], np.float32)


def xdog(picture: np.ndarray, sigma: float = SIGMA, k: float = K, tau: float = TAU, epsilon: float = EPSILON,
         phi: float = PHI) -> np.ndarray:
    """(H, W[, 3]) uint8 → (H, W) uint8 sketch: near-white paper, dark lines."""
    g = grey(picture)
    lo, hi = np.percentile(g, (2, 98))
    g = np.clip((g - lo) / max(hi - lo, 1e-3), 0, 1)  # dark and flat faces get lines too
    d = gaussian_filter(g, sigma) - tau * gaussian_filter(g, sigma * k)
    lines = np.where(d >= epsilon, 1.0, 1.0 + np.tanh(phi * (d - epsilon)))
    return (np.clip(lines, 0, 1) * 255 + 0.5).astype(np.uint8)


def ink_fraction(sketch: np.ndarray) -> float:
    """Share of pixels darker than mid-grey: a quick check that a sketch is neither empty nor a blot."""
    return float((sketch < 128).mean())
