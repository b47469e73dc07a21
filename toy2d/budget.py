"""What one iteration and one frame of a 2D run cost, estimated from its settings before anything runs.

A public Space shares one CPU between every visitor, and the live lab checks its per-frame time budget only after
a whole iteration: one iteration of the largest settings the panel offers took 79 s. So a run whose iteration or
view would hold a core for too long is refused up front, with a message naming the settings to lower.

The estimate is milliseconds on one core: multiply-adds at a measured rate plus a measured overhead per layer pass
(small nets are bound by it). ``benchmarks/budget.py`` fits the constants and prints estimate against measurement;
it only has to be right within a factor of ~2, the limits leave that much headroom.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .reasons import Refused


class Shape(Protocol):
    """What the cost depends on: a TrainConfig has it (config.py imports this module, so not the other way)."""

    batch: int
    pack: int
    noise_dim: int
    g_depth: int
    g_width: int
    d_depth: int
    d_width: int
    d_spectral_norm: bool
    loss: str
    gp_lambda: float
    r1_gamma: float
    r1_every: int
    unrolled_k: int
    k_d: int
    k_g: int

# Fitted by benchmarks/budget.py (see benchmarks/RESULTS.md).
MACS_PER_MS = 15e6  # multiply-adds per millisecond, one core
PASS_MS = 0.08  # fixed cost of one layer's forward or backward pass (what small nets pay for)
AUTOGRAD_PASS_MS = 0.28  # the same through autograd's double backward (gradient penalty, R1, unrolling)
SPECTRAL_NORM_FACTOR = 5.0  # a D layer pass with its power iteration, against a plain one

# One iteration (k_d D steps + k_g G steps) may hold a core this long: with the frame's share of the training
# budget and its view, a page's frame then stays near 100 ms however it is set, and so does the wait it can cause
# to the other pages of its worker.
ITERATION_MS_LIMIT = 40.0
# Weights per net. The view runs D on 4 096 grid points and the metrics G on 10 000 noises each frame, whatever
# the training speed: this bound keeps that view's cost near the iteration limit (benchmarks/budget.py prints it).
NET_WEIGHTS_LIMIT = 25_000


def mlp_weights(n_in: int, n_out: int, depth: int, width: int) -> int:
    sizes = [n_in] + [width] * depth + [n_out]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


@dataclass(frozen=True)
class Cost:
    g_weights: int
    d_weights: int
    iteration_ms: float


def estimate(config: Shape, extra_inputs: int = 0) -> Cost:
    """The cost of ``config``; ``extra_inputs`` widens both nets' inputs (a conditional GAN's one-hot labels)."""
    c, b = config, config.batch
    wg = mlp_weights(c.noise_dim + extra_inputs, 2, c.g_depth, c.g_width)
    wd = mlp_weights(2 * c.pack + extra_inputs, 1, c.d_depth, c.d_width)
    bd = b / c.pack  # D's rows: packs of samples
    lg, ld = c.g_depth + 1, c.d_depth + 1
    sn = SPECTRAL_NORM_FACTOR if c.d_spectral_norm else 1.0
    # D step: D forward and backward on real + fake, G forward on the fake batch
    d_macs, d_passes, d_auto = 6 * wd * bd + wg * b, 2 * ld * sn + lg, 0.0
    if c.loss == "wgan-gp" and c.gp_lambda > 0:  # D and its input gradient on B interpolates, then backward
        d_macs, d_auto = d_macs + 9 * wd * bd, d_auto + 3 * ld
    if c.r1_gamma > 0:  # the same on the real batch, every r1_every-th D step
        d_macs, d_auto = d_macs + 9 * wd * bd / c.r1_every, d_auto + 3 * ld / c.r1_every
    # G step: G forward and backward, D forward and backward (to its input); each unrolled D step on real + fake,
    # with its graph kept, then differentiated through
    g_macs = 3 * (wg * b + wd * bd) + c.unrolled_k * 12 * wd * bd
    g_passes, g_auto = 2 * lg + 2 * ld * sn, c.unrolled_k * 4 * ld
    rate = MACS_PER_MS / (1 + b / 4096)  # batches of thousands of rows no longer fit the caches: measured ~2× slower
    iteration = (c.k_d * (d_macs / rate + d_passes * PASS_MS + d_auto * AUTOGRAD_PASS_MS)
                 + c.k_g * (g_macs / rate + g_passes * PASS_MS + g_auto * AUTOGRAD_PASS_MS))
    return Cost(wg, wd, iteration)


def check(config: Shape, extra_inputs: int = 0) -> None:
    """Raise ValueError, naming what to lower, when ``config`` would hold a shared core too long."""
    cost = estimate(config, extra_inputs)
    for net, weights, depth, width in (("G", cost.g_weights, "g_depth", "g_width"),
                                       ("D", cost.d_weights, "d_depth", "d_width")):
        if weights > NET_WEIGHTS_LIMIT:
            raise Refused("too_many_weights", net=net, weights=f"{weights:,}", most=f"{NET_WEIGHTS_LIMIT:,}",
                          width=width, width_value=getattr(config, width), depth=depth,
                          depth_value=getattr(config, depth))
    if cost.iteration_ms > ITERATION_MS_LIMIT:
        raise Refused("too_slow", ms=f"{cost.iteration_ms:,.0f}", most=f"{ITERATION_MS_LIMIT:.0f}",
                      what=_heaviest(config))


def _heaviest(config: Shape) -> tuple[str, ...]:
    """The settings that multiply the cost most, relative to the default run's, heaviest first."""
    c = config
    factors = {"batch": c.batch / 256, "k_d": float(c.k_d), "k_g": float(c.k_g),
               "unrolled_k": 1.0 + c.unrolled_k, "d_width": c.d_width / 64, "g_width": c.g_width / 64,
               "d_depth": (c.d_depth + 1) / 3, "g_depth": (c.g_depth + 1) / 3}
    if c.r1_gamma > 0:
        factors["r1_every"] = 1.0 + 1.0 / c.r1_every  # raising r1_every lowers the cost
    heavy = sorted((f for f in factors if factors[f] > 1), key=lambda f: -factors[f])[:3] or ["batch"]
    return tuple(f"{f} ({getattr(c, f)})" if f != "r1_every" else f"r1_every ({c.r1_every}: raise it)" for f in heavy)
