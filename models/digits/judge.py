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


Gaussian = tuple[np.ndarray, np.ndarray]  # mean and covariance of the judge's hidden features


def _read(net: JudgeNet, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pass of the judge: hidden features (float64) and predicted classes (a live frame pays for it once)."""
    with torch.inference_mode():
        h = net.hidden(torch.as_tensor(x, dtype=torch.float32))
        return h.numpy().astype(np.float64), net.out(h).argmax(1).numpy()


def _gaussian(feats: np.ndarray) -> Gaussian:
    return feats.mean(0), np.cov(feats, rowvar=False)


def _distance(feats: np.ndarray, reference: Gaussian) -> float:
    if not np.isfinite(feats).all():  # a diverged generator: no distance to speak of
        return float("nan")
    return frechet_between(*_gaussian(feats), *reference, ridge=1e-6)


@dataclass(frozen=True)
class Judge:
    net: JudgeNet
    held_out_accuracy: float  # on the GANs' half, which it never saw
    real: Gaussian            # hidden features of the GANs' half: what the generators should match
    floor: float              # distance of SAMPLES real digits of the judge's half: as close as a sampler can get

    def hidden(self, x: np.ndarray) -> np.ndarray:
        return _read(self.net, x)[0]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return _read(self.net, x)[1]

    def distance(self, x: np.ndarray) -> float:
        return _distance(self.hidden(x), self.real)


@functools.cache
def judge() -> Judge:
    ck = checkpoints.read(checkpoints.path("digit-judge"))
    net = checkpoints.build(JudgeNet, ck, "judge")
    real = _gaussian(_read(net, load("gan")[0].numpy())[0])
    other = _read(net, load("judge")[0][:SAMPLES].numpy())[0]
    return Judge(net, ck["meta"]["held_out_accuracy"], real, _distance(other, real))


def _histogram(pred: np.ndarray) -> np.ndarray:
    counts = np.bincount(pred, minlength=CLASSES)
    return counts / max(1, counts.sum())


def _per_class(pred: np.ndarray, requested: np.ndarray) -> np.ndarray:
    return np.array([(pred[requested == c] == c).mean() if (requested == c).any() else np.nan
                     for c in range(CLASSES)])


def statistics(x: np.ndarray) -> Gaussian:
    """Mean and covariance of the judge's features of ``x``: a reference other than the GANs' whole half (a
    CycleGAN's G(a) is compared with the real b's)."""
    return _gaussian(judge().hidden(x))


def measure(x: np.ndarray, requested: np.ndarray | None = None, min_share: float = 0.02,
            reference: Gaussian | None = None) -> dict:
    """Everything the page and the benchmark read from generated digits, from one pass of the judge: the class
    histogram, the classes covered, the Fréchet distance (to the GANs' half, or to ``reference``) and, given the
    classes asked for, the accuracy."""
    j = judge()
    feats, pred = _read(j.net, x)
    hist = _histogram(pred)
    out = {"histogram": hist.tolist(), "classes_covered": int((hist >= min_share).sum()),
           "frechet": _distance(feats, j.real if reference is None else reference)}
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
