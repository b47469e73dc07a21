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
        return _distance(self, self.hidden(x))


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


def _features_and_classes(j: Judge, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pass of the judge: hidden features and predicted classes (a live frame pays for it once)."""
    with torch.inference_mode():
        h = j.net.hidden(torch.as_tensor(x, dtype=torch.float32))
        return h.numpy().astype(np.float64), j.net.out(h).argmax(1).numpy()


def _histogram(pred: np.ndarray) -> np.ndarray:
    counts = np.bincount(pred, minlength=CLASSES)
    return counts / max(1, counts.sum())


def _per_class(pred: np.ndarray, requested: np.ndarray) -> np.ndarray:
    return np.array([(pred[requested == c] == c).mean() if (requested == c).any() else np.nan
                     for c in range(CLASSES)])


def _distance(j: Judge, feats: np.ndarray, reference: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    if not np.isfinite(feats).all():  # a diverged generator: no distance to speak of
        return float("nan")
    mean, cov = reference if reference is not None else (j.real_mean, j.real_cov)
    return frechet_between(feats.mean(0), np.cov(feats, rowvar=False), mean, cov, ridge=1e-6)


def statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the judge's features of ``x``: a reference other than the GANs' whole half (a
    CycleGAN's G(a) is compared with the real b's)."""
    feats = judge().hidden(x)
    return feats.mean(0), np.cov(feats, rowvar=False)


def measure(x: np.ndarray, requested: np.ndarray | None = None, min_share: float = 0.02,
            reference: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """Everything the page and the benchmark read from generated digits, from one pass of the judge: the class
    histogram, the classes covered, the Fréchet distance (to the GANs' half, or to ``reference``) and, given the
    classes asked for, the accuracy."""
    j = judge()
    feats, pred = _features_and_classes(j, x)
    hist = _histogram(pred)
    out = {"histogram": hist.tolist(), "classes_covered": int((hist >= min_share).sum()),
           "frechet": _distance(j, feats, reference)}
    if requested is not None:
        per_class = _per_class(pred, requested)
        out.update(accuracy=float(np.nanmean(per_class)), accuracy_per_class=per_class.tolist())
    return out


def class_histogram(x: np.ndarray) -> np.ndarray:
    """Fraction of samples the judge puts in each class."""
    return _histogram(judge().predict(x))


def classes_covered(x: np.ndarray, min_share: float = 0.02) -> int:
    """Classes that get at least `min_share` of the samples (a perfect sampler covers all 10 at ~10 % each)."""
    return int((class_histogram(x) >= min_share).sum())


def accuracy_per_class(x: np.ndarray, requested: np.ndarray) -> np.ndarray:
    """For a conditional generator: per requested class, the share of samples the judge agrees with."""
    return _per_class(judge().predict(x), requested)


def frechet(x: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to real and generated hidden features (0 for identical sets)."""
    return judge().distance(x)


GOAL_TIMES_FLOOR = 3.0  # the DCGAN goal's distance, in real-vs-real floors


def classes_covered_and_close(metrics: dict, floor: float) -> bool:
    """The DCGAN goal on a run's metrics: all ten digits drawn, at a distance within 3× the real-vs-real floor."""
    return metrics["classes_covered"] == CLASSES and metrics["frechet"] <= GOAL_TIMES_FLOOR * floor


def learned(x: np.ndarray) -> bool:
    """The DCGAN goal on samples."""
    return classes_covered_and_close(measure(x), judge().floor)
