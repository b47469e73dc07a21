"""A judge for generated digits: a small CNN trained once on the judge's half of MNIST (models/weights/digit_judge.pt,
``python -m models.train digit-judge``). It gives the class histogram of generated samples (mode collapse shows as a
skewed histogram), the accuracy of a conditional GAN on the classes it was asked for, and a Fréchet distance between
real and generated digits in its hidden features (FID's recipe with a judge small enough to run live).

Judge by classes covered and the distance together: an early, collapsed generator draws blobs the classifier calls
one digit with full confidence.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from .. import checkpoints
from ..imaging.frechet import between as frechet_between
from .data import CLASSES, load
from .nets import JudgeNet

SAMPLES = 1000  # generated digits the live metrics judge; the floor compares as many real ones


@dataclass(frozen=True)
class Judge:
    net: JudgeNet
    held_out_accuracy: float  # on the GANs' half, which it never saw
    real_mean: np.ndarray     # hidden features of the GANs' half: what the generators should match
    real_cov: np.ndarray
    floor: float              # distance of SAMPLES real digits of the judge's half: as close as a sampler can get

    def hidden(self, x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return self.net.hidden(torch.as_tensor(x, dtype=torch.float32)).numpy().astype(np.float64)

    def predict(self, x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return self.net(torch.as_tensor(x, dtype=torch.float32)).argmax(1).numpy()

    def distance(self, x: np.ndarray) -> float:
        feats = self.hidden(x)
        if not np.isfinite(feats).all():  # a diverged generator: no distance to speak of
            return float("nan")
        return frechet_between(feats.mean(0), np.cov(feats, rowvar=False), self.real_mean, self.real_cov, ridge=1e-6)


@functools.cache
def judge() -> Judge:
    ck = checkpoints.read(checkpoints.path("digit-judge"))
    net = checkpoints.build(JudgeNet, ck, "judge")
    real, _ = load("gan")
    probe = Judge(net, ck["meta"]["held_out_accuracy"], np.zeros(1), np.zeros((1, 1)), 0.0)
    feats = probe.hidden(real.numpy())
    stats = Judge(net, probe.held_out_accuracy, feats.mean(0), np.cov(feats, rowvar=False), 0.0)
    other, _ = load("judge")
    return Judge(net, stats.held_out_accuracy, stats.real_mean, stats.real_cov,
                 stats.distance(other[:SAMPLES].numpy()))


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
    return judge().distance(x)


def learned(x: np.ndarray) -> bool:
    """The DCGAN goal: all ten digits drawn, at a distance within 3× the real-vs-real floor."""
    return classes_covered(x) == CLASSES and frechet(x) <= 3 * judge().floor
