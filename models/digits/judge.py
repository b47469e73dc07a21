"""A judge for generated digits: a small classifier trained once on the real digits. It gives the class histogram of
generated samples (mode collapse shows as a skewed histogram), the accuracy of a conditional GAN on the classes it was
asked for, and a Fréchet distance between real and generated digits in the classifier's hidden features (FID's recipe
with a judge small enough to run live).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from ..imaging.frechet import between as frechet_between
from .data import CLASSES, load


@dataclass(frozen=True)
class Judge:
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    test_accuracy: float
    real_mean: np.ndarray
    real_cov: np.ndarray

    def hidden(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x @ self.weights[0] + self.biases[0], 0)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (self.hidden(x) @ self.weights[1] + self.biases[1]).argmax(1)


@functools.cache
def judge() -> Judge:
    """An MLP (64 → 64 ReLU → 10) fitted once per process on 80 % of the digits (full-batch Adam, under a second); its
    accuracy on the other 20 % is kept so the UI can say how far to trust it."""
    x, y = load()
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    split = int(0.8 * len(x))
    train, test = order[:split], order[split:]
    gen = torch.Generator().manual_seed(0)
    w1 = (torch.randn(64, 64, generator=gen) * 0.1).requires_grad_(True)
    w2 = (torch.randn(64, CLASSES, generator=gen) * 0.1).requires_grad_(True)
    b1, b2 = torch.zeros(64, requires_grad=True), torch.zeros(CLASSES, requires_grad=True)
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=1e-2)
    for _ in range(300):
        logits = torch.relu(x[train] @ w1 + b1) @ w2 + b2
        loss = torch.nn.functional.cross_entropy(logits, y[train]) + 1e-4 * (w1.square().sum() + w2.square().sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
    weights = (w1.detach().numpy(), w2.detach().numpy())
    biases = (b1.detach().numpy(), b2.detach().numpy())
    probe = Judge(weights, biases, 0.0, np.zeros(1), np.zeros((1, 1)))
    xs = x.numpy()
    feats = probe.hidden(xs)
    accuracy = float((probe.predict(xs[test.numpy()]) == y[test].numpy()).mean())
    return Judge(weights, biases, accuracy, feats.mean(0), np.cov(feats, rowvar=False))


def class_histogram(x: np.ndarray) -> np.ndarray:
    """Fraction of samples the judge puts in each class."""
    counts = np.bincount(judge().predict(x), minlength=CLASSES)
    return counts / max(1, counts.sum())


def classes_covered(x: np.ndarray, min_share: float = 0.02) -> int:
    """Classes that get at least `min_share` of the samples (a perfect sampler covers all 10 at ~10 % each)."""
    return int((class_histogram(x) >= min_share).sum())


def accuracy_per_class(x: np.ndarray, requested: np.ndarray) -> np.ndarray:
    """For a conditional generator: per requested class, the share of samples the judge agrees with."""
    pred = judge().predict(x)
    return np.array([(pred[requested == c] == c).mean() if (requested == c).any() else np.nan
                     for c in range(CLASSES)])


def frechet(x: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to real and generated hidden features (0 for identical sets)."""
    j = judge()
    feats = j.hidden(x)
    if not np.isfinite(feats).all():  # a diverged generator: no distance to speak of
        return float("nan")
    return frechet_between(feats.mean(0), np.cov(feats, rowvar=False), j.real_mean, j.real_cov, ridge=1e-6)
