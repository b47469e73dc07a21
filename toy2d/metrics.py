"""Sample-based metrics between real and fake 2D samples, done correctly.

GAN Lab's grid KL/JS drops off-grid fakes, reads a third of its real histogram and adds an unnormalised ε. Here:
every sample lands in exactly one of B×B+1 bins (the last one is an overflow bin for everything outside the box),
smoothing is added to every bin and then renormalised, and each divergence is reported beside its real-vs-real
floor, the value two independent real samples of the same sizes give, so "how close to perfect" has a scale.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import math

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from .distributions import Distribution, Mixture

Box = tuple[float, float, float, float]  # xmin, xmax, ymin, ymax

HIST_BINS = 40
SMOOTHING = 0.01  # pseudo-count per bin before renormalising: 16 in all, 0.2 % of a 10 000-sample histogram
N_DIVERGENCE = 10_000
N_MODES = 2_500  # literature protocol
N_W1 = 1_000


def histogram(x: np.ndarray, box: Box, bins: int = HIST_BINS) -> np.ndarray:
    """Counts in bins×bins cells over ``box`` plus one overflow cell (last) for everything outside or non-finite."""
    x = np.asarray(x, dtype=np.float64)
    xmin, xmax, ymin, ymax = box
    with np.errstate(invalid="ignore"):
        i = np.floor((x[:, 0] - xmin) / (xmax - xmin) * bins)
        j = np.floor((x[:, 1] - ymin) / (ymax - ymin) * bins)
    inside = np.isfinite(i) & np.isfinite(j) & (i >= 0) & (i < bins) & (j >= 0) & (j < bins)
    flat = np.full(len(x), bins * bins, dtype=np.int64)
    flat[inside] = (i[inside] * bins + j[inside]).astype(np.int64)
    return np.bincount(flat, minlength=bins * bins + 1).astype(np.float64)


def _probabilities(counts: np.ndarray, smoothing: float) -> np.ndarray:
    p = counts + smoothing
    return p / p.sum()


def kl_js_bits(real: np.ndarray, fake: np.ndarray, box: Box, bins: int = HIST_BINS,
               smoothing: float = SMOOTHING) -> tuple[float, float]:
    """(KL(real‖fake), JS(real, fake)) in bits between smoothed histograms."""
    p = _probabilities(histogram(real, box, bins), smoothing)
    q = _probabilities(histogram(fake, box, bins), smoothing)
    m = 0.5 * (p + q)
    kl = float(np.sum(p * np.log2(p / q)))
    js = float(0.5 * np.sum(p * np.log2(p / m)) + 0.5 * np.sum(q * np.log2(q / m)))
    return kl, js


def nearest_modes(x: np.ndarray, mixture: Mixture) -> tuple[np.ndarray, np.ndarray]:
    """Index of each sample's nearest mode and its distance in that mode's σ units (Mahalanobis, diagonal)."""
    diff = (np.asarray(x, dtype=np.float64)[:, None, :] - mixture.centres[None]) / mixture.sigmas[None]
    d2 = np.where(np.isfinite(diff).all(-1), (diff**2).sum(-1), np.inf)
    idx = d2.argmin(axis=1)
    return idx, np.sqrt(d2[np.arange(len(x)), idx])


def modes_hit(x: np.ndarray, mixture: Mixture, radius: float = 3.0) -> tuple[tuple[int, ...], float]:
    """(indices of the covered modes, high-quality fraction). A sample is high quality within ``radius``·σ of its
    nearest mode; a mode is covered when at least one high-quality sample is nearest to it (PacGAN / VEEGAN)."""
    idx, dist = nearest_modes(x, mixture)
    hq = dist <= radius
    return tuple(int(i) for i in np.unique(idx[hq])), float(hq.mean())


def mode_quality(x: np.ndarray, mixture: Mixture, radius: float = 3.0) -> tuple[int, float]:
    """(modes covered, high-quality fraction): see modes_hit."""
    hit, hq = modes_hit(x, mixture, radius)
    return len(hit), hq


def wasserstein1(a: np.ndarray, b: np.ndarray) -> float:
    """Exact W1 between two equal-size empirical measures (an optimal assignment under Euclidean cost)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if len(a) != len(b):
        raise ValueError("wasserstein1 needs equal sample sizes")
    cost = cdist(a, b)
    if not np.isfinite(cost).all():
        return float("inf")
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def metric_box(dist: Distribution, margin: float = 0.25, seed: int = 2024) -> Box:
    """A fixed box per data set for the histogram metrics: the real data's extent, padded by ``margin`` of it."""
    x = dist.sample(20_000, np.random.default_rng(seed))
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = margin * (hi - lo).max()
    return (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))


@dataclass(frozen=True)
class Report:
    kl_bits: float
    js_bits: float
    kl_floor_bits: float
    js_floor_bits: float
    w1: float
    w1_floor: float
    modes_covered: int | None
    modes_total: int | None
    hq_fraction: float | None
    modes_hit: tuple[int, ...] | None = None  # which modes are covered (indices into the mixture's centres)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Reference:
    """Real samples and the real-vs-real floors for one data set: computed once, reused by every evaluate() call."""

    real: np.ndarray
    box: Box
    kl_floor_bits: float
    js_floor_bits: float
    w1_floor: float


def reference(dist: Distribution, seed: int = 777, box: Box | None = None, with_w1: bool = True) -> Reference:
    """``with_w1=False`` leaves the W1 floor out (NaN): most of the cost (an exact assignment), for callers that
    never compute W1 (the live lab's evaluate(with_w1=False))."""
    rng = np.random.default_rng(seed)
    real_a = dist.sample(N_DIVERGENCE, rng)
    real_b = dist.sample(N_DIVERGENCE, rng)
    box = box or metric_box(dist)
    kl0, js0 = kl_js_bits(real_a, real_b, box)
    w1 = wasserstein1(real_a[:N_W1], real_b[:N_W1]) if with_w1 else math.nan
    return Reference(real_a, box, kl0, js0, w1)


def evaluate(dist: Distribution, fake: np.ndarray, ref: Reference | None = None, with_w1: bool = True) -> Report:
    """All metrics of a fake sample against ``dist``. ``fake`` needs ≥ N_DIVERGENCE rows. Pass the same ``ref``
    to score several samples against one reference (and skip recomputing the floors). ``with_w1=False`` skips
    the exact W1 (most of the cost; reported as NaN) for live views that refresh every second."""
    fake = np.asarray(fake, dtype=np.float64)
    if len(fake) < N_DIVERGENCE:
        raise ValueError(f"evaluate needs at least {N_DIVERGENCE} fake samples, got {len(fake)}")
    ref = ref or reference(dist)
    kl, js = kl_js_bits(ref.real, fake[:N_DIVERGENCE], ref.box)
    w1 = wasserstein1(ref.real[:N_W1], fake[:N_W1]) if with_w1 else math.nan
    covered = total = hq = hit = None
    if dist.mixture is not None:
        hit, hq = modes_hit(fake[:N_MODES], dist.mixture)
        covered, total = len(hit), len(dist.mixture.centres)
    return Report(kl, js, ref.kl_floor_bits, ref.js_floor_bits, w1, ref.w1_floor, covered, total, hq, hit)
