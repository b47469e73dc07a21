"""Named 2D toy distributions.

Each data set is a seedable sampler returning float32 ``(n, 2)`` arrays. Gaussian mixtures also carry their mode
centres and per-mode standard deviations so that the metrics can score mode coverage and sample quality.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .reasons import Refused

Sampler = Callable[[np.random.Generator, int], np.ndarray]

POINTS_JITTER = 0.01  # std of the jitter added around user points, as a fraction of the cloud's extent
MAX_POINTS = 100_000  # user point clouds above this size are refused rather than silently subsampled


@dataclass(frozen=True)
class Mixture:
    """Equal-weight Gaussian mixture with axis-aligned covariances."""

    centres: np.ndarray  # (k, 2)
    sigmas: np.ndarray  # (k, 2) per-axis standard deviations

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.sample_labelled(rng, n)[0]

    def sample_labelled(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(points, index of the mode each came from): the labels a conditional GAN trains on."""
        idx = rng.integers(0, len(self.centres), size=n)
        return (self.centres[idx] + rng.standard_normal((n, 2)) * self.sigmas[idx]).astype(np.float32), idx


@dataclass(frozen=True)
class Distribution:
    name: str
    description: str
    sampler: Sampler
    mixture: Mixture | None = None

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        return np.asarray(self.sampler(rng, int(n)), dtype=np.float32).reshape(-1, 2)


def _mixture(centres: Sequence[Sequence[float]], sigmas: Sequence[Sequence[float]] | float) -> Mixture:
    c = np.asarray(centres, dtype=np.float64)
    s = np.broadcast_to(np.asarray(sigmas, dtype=np.float64), c.shape).copy()
    return Mixture(c, s)


def ring8_centres() -> np.ndarray:
    # endpoint excluded: linspace(0, 2π, 8) would put the last mode on the first one and give 7 modes
    angles = 2 * np.pi * np.arange(8) / 8
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _line(rng: np.random.Generator, n: int) -> np.ndarray:
    t = rng.random(n)
    x = 0.8 - 0.75 * t + 0.01 * rng.standard_normal(n)
    y = 0.6 + 0.3 * t + 0.01 * rng.standard_normal(n)
    return np.stack([x, y], axis=1)


def _ellipse(rng: np.random.Generator, n: int) -> np.ndarray:
    theta = 2 * np.pi * rng.random(n)
    x = 0.5 + 0.3 * np.cos(theta) + 0.025 * rng.standard_normal(n)
    y = 0.45 + 0.25 * np.sin(theta) + 0.025 * rng.standard_normal(n)
    return np.stack([x, y], axis=1)


def _moons(rng: np.random.Generator, n: int) -> np.ndarray:
    upper = rng.random(n) < 0.5
    t = np.pi * rng.random(n)
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], axis=1) + 0.05 * rng.standard_normal((n, 2))


def _spiral(rng: np.random.Generator, n: int) -> np.ndarray:
    # two interleaved arms, radius growing linearly with angle
    t = np.sqrt(rng.random(n)) * 3 * np.pi
    arm = np.where(rng.random(n) < 0.5, 0.0, np.pi)
    r = t / (3 * np.pi)
    pts = np.stack([r * np.cos(t + arm), r * np.sin(t + arm)], axis=1)
    return pts + 0.02 * rng.standard_normal((n, 2))


def _swissroll(rng: np.random.Generator, n: int) -> np.ndarray:
    t = 1.5 * np.pi * (1 + 2 * rng.random(n))
    pts = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / 10.0
    return pts + 0.05 * rng.standard_normal((n, 2))


_MIXTURES: dict[str, tuple[str, Mixture]] = {
    "ring8": ("8 Gaussians on the unit circle, σ 0.01 (PacGAN/VEEGAN protocol)", _mixture(ring8_centres(), 0.01)),
    "grid25": (
        "25 Gaussians on {−4,−2,0,2,4}², σ 0.05",
        _mixture([(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], 0.05),
    ),
    "gaussians": (
        "GAN Lab's two Gaussians in the unit square",
        _mixture([(0.3, 0.7), (0.7, 0.4)], [(0.1, 0.1), (0.05, 0.2)]),
    ),
    "disjoint": (
        "GAN Lab's three disjoint Gaussians, σ 0.025",
        _mixture([(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)], 0.025),
    ),
}

_CURVES: dict[str, tuple[str, Sampler]] = {
    "line": ("GAN Lab's line segment", _line),
    "ellipse": ("GAN Lab's ellipse (a continuous ring)", _ellipse),
    "moons": ("two interleaved half-moons", _moons),
    "spiral": ("a two-armed spiral", _spiral),
    "swissroll": ("a 2D Swiss roll", _swissroll),
}

NAMES: tuple[str, ...] = ("ring8", "grid25", "line", "gaussians", "ellipse", "disjoint", "moons", "spiral",
                          "swissroll", "points")
MIXTURE_NAMES: tuple[str, ...] = tuple(_MIXTURES)


def validate_points(points: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """Check a user point cloud; raise ValueError with a message a person can act on."""
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise Refused("points_numbers") from None
    if arr.size == 0:
        raise Refused("points_empty")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise Refused("points_columns", shape=f"shape {arr.shape}")
    if len(arr) < 2:
        raise Refused("points_two")
    if len(arr) > MAX_POINTS:
        raise Refused("points_many", count=f"{len(arr):,}", most=f"{MAX_POINTS:,}")
    if not np.isfinite(arr).all():
        raise Refused("points_finite")
    if np.abs(arr).max() > 1e6:
        raise Refused("points_far")
    return arr


def points_distribution(points: Sequence[Sequence[float]] | np.ndarray) -> Distribution:
    """A distribution that resamples a user point cloud with a small Gaussian jitter."""
    arr = validate_points(points)
    extent = float(np.ptp(arr, axis=0).max()) or 1.0
    jitter = POINTS_JITTER * extent

    def sampler(rng: np.random.Generator, n: int) -> np.ndarray:
        return arr[rng.integers(0, len(arr), size=n)] + jitter * rng.standard_normal((n, 2))

    return Distribution("points", f"{len(arr)} user points, jitter {jitter:.3g}", sampler)


def get(name: str, points: Sequence[Sequence[float]] | np.ndarray | None = None) -> Distribution:
    """Look up a data set by name; ``points`` is required for (and only used by) ``points``."""
    if name == "points":
        if points is None:
            raise Refused("points_needed")
        return points_distribution(points)
    if name in _MIXTURES:
        desc, mix = _MIXTURES[name]
        return Distribution(name, desc, mix.sample, mix)
    if name in _CURVES:
        desc, fn = _CURVES[name]
        return Distribution(name, desc, fn)
    raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(NAMES)}")
