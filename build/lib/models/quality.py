"""How close generated pictures are to the real ones, and how sharp: the numbers behind the pix2pix comparison."""
from __future__ import annotations

import numpy as np
from scipy.ndimage import laplace
from skimage.metrics import structural_similarity


def l1(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of uint8 pictures, on the [0, 1] scale."""
    return float(np.abs(a.astype(np.float64) - b.astype(np.float64)).mean() / 255)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM over a batch of (N, H, W, 3) uint8 pictures (7×7 windows: the faces are only 64 px)."""
    return float(np.mean([structural_similarity(x, y, channel_axis=-1, data_range=255, win_size=7)
                          for x, y in zip(a, b)]))


def sharpness(pictures: np.ndarray) -> float:
    """Mean absolute Laplacian of the grey pictures: L1-trained generators average plausible answers and score
    low; real faces score high."""
    grey = pictures.astype(np.float64).mean(-1)
    return float(np.mean([np.abs(laplace(g)).mean() for g in grey]))
