"""What a teaching preset's run is doing, measured: the numbers behind "G has collapsed onto one clump at iteration
900". The lab's page shows a preset's explanation, what to watch for and, once the run's numbers say the phenomenon
has happened, one line saying so; the preset tests check the same signs on several seeds, so a claim the class reads
is a claim the run was measured to make.

A Track takes what a frame already has (the fixed batch of fakes and their arrows) every frame, and the metrics
(modes, high-quality share, JS) whenever they are evaluated. Shapes are relative to the real data's own size, so one
threshold holds on any data set: ``spread`` is the fakes' RMS distance from their own mean over the data's,
``reach`` their mean distance from the data's centre over the data's, ``offset`` the distance between the two
centres over the data's RMS radius. ``turns`` counts the fakes' centre winding round the data's centre (the
Dirac-GAN cycle); steps of more than a third of a turn between two looks are not counted, since their direction is
unknowable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import metrics, probe

MAX_TURN_STEP = 2 * math.pi / 3
# A state a sign reported (a clump, modes covered, G stuck, a settled centre) that has not held for this many
# iterations has changed, and the story says so: a class keeps watching long after the preset's steps, and a latched
# claim the screen contradicts teaches the wrong thing. Short enough to follow the screen (~1.5 s at the lab's
# speed), long enough that a clump hopping to its next spot or a mode briefly dropped is not a change.
LOST_AFTER = 500
MIN_OFFSET = 0.05  # centres closer than this (of the data's RMS radius) jitter: their angle means nothing


@dataclass
class Track:
    """One run's measured shape, updated frame by frame. ``happened`` keeps the first time a sign held; ``changed``
    says, while it lasts, that the state it reported has since gone (see LOST_AFTER)."""

    centre: np.ndarray  # the real data's mean
    scale: float  # the real data's RMS distance from its mean
    reach_scale: float  # the real data's mean distance from its mean
    iteration: int = 0
    spread: float = math.nan
    reach: float = math.nan
    offset: float = math.nan
    arrow: float = math.nan  # median length of the fakes' −∇ₓ L_G
    turns: float = 0.0
    modes: int | None = None
    modes_total: int | None = None
    hq: float | None = None  # fraction
    js: float | None = None
    happened: "Happened | None" = None
    changed: "Happened | None" = None
    _angle: float | None = field(default=None, repr=False)
    _failing_since: int | None = field(default=None, repr=False)

    @classmethod
    def of(cls, real: np.ndarray, modes_total: int | None = None) -> "Track":
        real = np.asarray(real, dtype=np.float64)
        centre = real.mean(0)
        d = np.linalg.norm(real - centre, axis=1)
        return cls(centre=centre, scale=float(np.sqrt((d**2).mean())) or 1.0, reach_scale=float(d.mean()) or 1.0,
                   modes_total=modes_total)

    def see(self, iteration: int, fake: np.ndarray, arrow_norm: np.ndarray) -> None:
        """A frame's fixed fakes and the lengths of their arrows."""
        fake = np.asarray(fake, dtype=np.float64)
        fake = fake[np.isfinite(fake).all(1)]
        self.iteration = iteration
        if not len(fake):
            return
        mean = fake.mean(0)
        self.spread = float(np.sqrt(((fake - mean) ** 2).sum(1).mean())) / self.scale
        self.reach = float(np.linalg.norm(fake - self.centre, axis=1).mean()) / self.reach_scale
        rel = mean - self.centre
        self.offset = float(np.linalg.norm(rel)) / self.scale
        finite = np.isfinite(arrow_norm)
        self.arrow = float(np.median(arrow_norm[finite])) if finite.any() else math.nan
        angle = math.atan2(rel[1], rel[0])
        if self._angle is not None and self.offset > MIN_OFFSET:
            step = (angle - self._angle + math.pi) % (2 * math.pi) - math.pi
            if abs(step) <= MAX_TURN_STEP:
                self.turns += abs(step) / (2 * math.pi)
        self._angle = angle

    def measured(self, modes: int | None, hq: float | None, js: float | None) -> None:
        """The latest evaluated metrics (metrics.evaluate)."""
        self.modes, self.hq, self.js = modes, hq, js

    def check(self, sign: "Sign | None") -> "Happened | None":
        """``sign``'s line from the first frame it held; ``changed`` set once a state it reported has not held for
        LOST_AFTER iterations, and cleared when it holds again. An event (the fakes reached the data, the centre
        circled) stays true once it happened."""
        if sign is None:
            return self.happened
        now = sign(self)
        if self.happened is None:
            self.happened = now
        elif now is not None:
            self._failing_since, self.changed = None, None
        elif self.happened.kind in CHANGES:
            if self._failing_since is None:
                self._failing_since = self.iteration
            if self.changed is None and self.iteration - self._failing_since >= LOST_AFTER:
                self.changed = CHANGES[self.happened.kind](self, self._failing_since)
        return self.happened


Sign = Callable[[Track], "Happened | None"]


def follow(trainer: Any, steps: int, sign: Sign | None = None, every: int = 20, metrics_every: int = 100) -> Track:
    """Train ``steps`` iterations looking as the lab's page does (the fixed fakes every ``every`` iterations, the
    metrics every ``metrics_every``), checking ``sign`` at each look: what a class would have been told."""
    mixture = trainer.dist.mixture
    track = Track.of(trainer.pool.numpy(), None if mixture is None else len(mixture.centres))
    reference = metrics.reference(trainer.dist)
    while trainer.iteration < steps and not trainer.diverged:
        trainer.run(min(every, steps - trainer.iteration))
        track.see(trainer.iteration, *probe.fakes_and_arrow_norms(trainer))
        if trainer.iteration % metrics_every < every:
            r = metrics.evaluate(trainer.dist, trainer.sample(metrics.N_DIVERGENCE), reference, with_w1=False)
            track.measured(r.modes_covered, r.hq_fraction, r.js_bits)
        track.check(sign)
    return track


# ---- the signs: each reads a Track and says, in one line, that its phenomenon has happened -------------------------
# What each says, in English (the UI's catalogue takes these, and has the Korean under happened.<kind>); the fields
# come filled in, already formatted.
SAYINGS = {
    "covers_all": "G covers all {modes} modes ({hq} % of samples on one) at iteration {iteration}.",
    "covers_most": "G covers {modes} of {total} modes at iteration {iteration}.",
    "collapsed": "G has collapsed: all its samples in one clump {width} % as wide as the data, at iteration "
                 "{iteration}.",
    "stuck": "G's gradients have vanished: arrows of length {arrow}, fakes still in the middle at iteration "
             "{iteration}.",
    "reached": "Strong gradients have pushed the fakes out to the data by iteration {iteration}.",
    "circles": "The fakes' centre has circled the data's centre {turns} times by iteration {iteration} without "
               "settling.",
    "settles": "The cycle is damped: the fakes' centre sits on the data's centre at iteration {iteration}, after "
               "{turns} turns.",
    "settles_at_once": "The cycle is damped: the fakes' centre sits on the data's centre at iteration {iteration}, "
                       "without completing a turn.",
    # what changed since, when a state stopped holding (Track.changed)
    "broke_up": "Since iteration {iteration} the clump has broken up: D caught up, and the fakes now spread "
                "{width} % as wide as the data.",
    "lost_modes": "Since iteration {iteration} G no longer covers every mode well: {modes} of {total} now.",
    "escaped": "Since iteration {iteration} G has escaped the middle: D's confidence slipped, the gradients came "
               "back and the fakes moved out.",
    "drifted": "Since iteration {iteration} the fakes' centre has drifted off the data's centre again.",
}


@dataclass(frozen=True)
class Happened:
    """A sign's line: which saying, with its fields; str() is the English."""
    kind: str
    fields: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        return SAYINGS[self.kind].format(**dict(self.fields))


def said(kind: str, **fields: Any) -> Happened:
    return Happened(kind, tuple(fields.items()))
def covers_all(min_share: float = 0.7) -> Sign:
    """Every mode covered with at least ``min_share`` of the samples high quality."""
    def sign(t: Track) -> Happened | None:
        if t.modes is not None and t.modes == t.modes_total and (t.hq or 0) >= min_share:
            return said("covers_all", modes=t.modes, hq=f"{100 * t.hq:.0f}", iteration=f"{t.iteration:,}")
        return None
    return sign


def covers_most(at_least: int) -> Sign:
    def sign(t: Track) -> Happened | None:
        if t.modes is not None and t.modes >= at_least:
            return said("covers_most", modes=t.modes, total=t.modes_total, iteration=f"{t.iteration:,}")
        return None
    return sign


def collapsed(after: int, below: float) -> Sign:
    """After ``after`` iterations (G starts as a small blob), the fakes sit in a clump under ``below`` of the data's
    spread."""
    def sign(t: Track) -> Happened | None:
        if t.iteration >= after and t.spread < below:
            return said("collapsed", width=f"{100 * t.spread:.0f}", iteration=f"{t.iteration:,}")
        return None
    return sign


def stuck(after: int, reach_below: float, arrow_below: float) -> Sign:
    """After ``after`` iterations the fakes are still near the centre and their arrows are nearly zero."""
    def sign(t: Track) -> Happened | None:
        if t.iteration >= after and t.reach < reach_below and t.arrow < arrow_below:
            return said("stuck", arrow=f"{t.arrow:.1e}", iteration=f"{t.iteration:,}")
        return None
    return sign


def reached(at_least: float, arrow_above: float) -> Sign:
    """The fakes have moved out to the data (mean distance from its centre at least ``at_least`` of the data's),
    pushed by arrows longer than ``arrow_above``."""
    def sign(t: Track) -> Happened | None:
        if t.reach >= at_least and t.arrow > arrow_above:
            return said("reached", iteration=f"{t.iteration:,}")
        return None
    return sign


def circles(turns: float) -> Sign:
    def sign(t: Track) -> Happened | None:
        if t.turns >= turns:
            return said("circles", turns=f"{t.turns:.0f}", iteration=f"{t.iteration:,}")
        return None
    return sign


def settles(after: int, offset_below: float, turns_below: float) -> Sign:
    def sign(t: Track) -> Happened | None:
        if t.iteration >= after and t.offset < offset_below and t.turns < turns_below:
            if t.turns < 0.95:  # "after 0.0 turns" read as nonsense
                return said("settles_at_once", iteration=f"{t.iteration:,}")
            return said("settles", iteration=f"{t.iteration:,}", turns=f"{t.turns:.0f}")
        return None
    return sign


def _modes_now(t: Track) -> dict[str, Any]:
    return dict(modes="?" if t.modes is None else t.modes, total="?" if t.modes_total is None else t.modes_total)


# A state's sign → what the story says once that state has gone (fed the Track and the iteration it went at).
CHANGES: dict[str, Callable[[Track, int], Happened]] = {
    "collapsed": lambda t, i: said("broke_up", iteration=f"{i:,}", width=f"{100 * t.spread:.0f}"),
    "covers_all": lambda t, i: said("lost_modes", iteration=f"{i:,}", **_modes_now(t)),
    "covers_most": lambda t, i: said("lost_modes", iteration=f"{i:,}", **_modes_now(t)),
    "stuck": lambda t, i: said("escaped", iteration=f"{i:,}"),
    "settles": lambda t, i: said("drifted", iteration=f"{i:,}"),
    "settles_at_once": lambda t, i: said("drifted", iteration=f"{i:,}"),
}
