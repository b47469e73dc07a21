"""Runs trained in lock-step and measured at the same iterations, so their curves can share one axis.

Any model with ``step() -> bool``, ``sample(n) -> array``, ``iteration``, ``diverged`` and ``dist`` takes part:
the GAN Trainer, the conditional trainer and the VAE all do. Every run is scored against one Reference (same real
samples, same floors), so a difference in a metric is a difference between the runs, not between draws.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from . import metrics, modes
from .live import LiveTrainer

EVAL_EVERY = 100  # iterations between measurements while training


class Steppable(LiveTrainer, Protocol):
    """A 2D run in a comparison: a live trainer with its data set, drawn from."""
    dist: Any

    def sample(self, n: int) -> np.ndarray: ...


@dataclass
class Lane:
    """One run in a comparison and what was measured on it."""

    name: str
    model: Any
    rows: list[dict] = field(default_factory=list)  # one per measurement: iteration, kl, js, modes_now, …
    mode_history: modes.ModeHistory | None = None


class LockStep:
    def __init__(self, named_models: dict[str, Steppable], eval_every: int = EVAL_EVERY,
                 mode_window: int = modes.DEFAULT_WINDOW):
        if len(named_models) < 2:
            raise ValueError("a comparison needs at least two runs")
        dists = {m.dist.name for m in named_models.values()}
        if len(dists) != 1:
            raise ValueError(f"runs compared side by side must share a data set, got {', '.join(sorted(dists))}")
        if eval_every < 1:
            raise ValueError("eval_every must be at least 1")
        first = next(iter(named_models.values()))
        self.dist = first.dist
        self.reference = metrics.reference(self.dist)
        self.eval_every = eval_every
        mixture = self.dist.mixture
        self.lanes = [Lane(name, m, mode_history=None if mixture is None else
                             modes.ModeHistory(len(mixture.centres), mode_window))
                       for name, m in named_models.items()]
        self.iteration = 0
        self.measure()

    def step(self, n: int = 1) -> None:
        """n iterations of every run that has not diverged, measuring all runs every ``eval_every`` iterations.
        A diverged run stays where it stopped; the others go on."""
        for _ in range(n):
            self.iteration += 1
            for t in self.lanes:
                if not t.model.diverged:
                    t.model.step()
            if self.iteration % self.eval_every == 0:
                self.measure()

    def measure(self) -> None:
        """Score every run now (a run that diverged keeps its last good row)."""
        for t in self.lanes:
            if t.model.diverged:
                continue
            r = metrics.evaluate(self.dist, t.model.sample(metrics.N_DIVERGENCE), self.reference, with_w1=False)
            row = dict(iteration=self.iteration, kl=r.kl_bits, js=r.js_bits, modes_now=r.modes_covered,
                       modes_recent=None, hq=r.hq_fraction)
            if t.mode_history is not None:
                t.mode_history.record(self.iteration, r.modes_hit)
                row["modes_recent"] = t.mode_history.recent()
            if t.rows and t.rows[-1]["iteration"] == self.iteration:
                t.rows[-1] = row
            else:
                t.rows.append(row)

    def latest(self) -> dict[str, dict]:
        return {t.name: (t.rows[-1] if t.rows else {}) for t in self.lanes}

    def summary(self) -> str:
        """One line per run with its latest numbers, for a caption or a log."""
        lines = []
        for t in self.lanes:
            row = t.rows[-1] if t.rows else {}
            parts = [f"{t.name}: iteration {t.model.iteration}", f"JS {_fmt(row.get('js'))} bits"]
            if row.get("modes_now") is not None:
                parts.append(f"modes {row['modes_now']} now / {row['modes_recent']} in the last "
                             f"{t.mode_history.window} it.")
                parts.append(f"{100 * row['hq']:.0f}% high quality")
            if t.model.diverged:
                parts.append(f"DIVERGED: {t.model.diverged.message()}")
            lines.append(", ".join(parts))
        return "\n".join(lines)


def _fmt(v: float | None) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.3f}"
