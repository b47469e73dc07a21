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


def luma(picture: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 Y in [16, 235], as super-resolution papers measure (on the luminance only)."""
    rgb = picture.astype(np.float64)
    return 16 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255


def psnr_y(a: np.ndarray, b: np.ndarray, border: int = 4) -> float:
    """PSNR in dB of two uint8 RGB pictures on Y, ``border`` pixels shaved off each side (the SRGAN paper's
    protocol for 4×)."""
    ya, yb = (luma(p)[border:-border or None, border:-border or None] for p in (a, b))
    mse = float(np.mean((ya - yb) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def ssim_y(a: np.ndarray, b: np.ndarray, border: int = 4) -> float:
    """SSIM on Y (Gaussian-weighted 11×11 windows, as Wang et al.), ``border`` pixels shaved off each side."""
    ya, yb = (luma(p)[border:-border or None, border:-border or None] for p in (a, b))
    return float(structural_similarity(ya, yb, data_range=255, gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False))


def line_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """How well two pictures' XDoG line drawings agree (correlation of the drawings, 1 = the same lines): a
    translation that keeps the face keeps its lines, whatever it does to colour and texture."""
    from .sketch import xdog

    la, lb = (xdog(p).astype(np.float64).ravel() for p in (a, b))
    la, lb = la - la.mean(), lb - lb.mean()
    return float((la @ lb) / (np.linalg.norm(la) * np.linalg.norm(lb) + 1e-12))
