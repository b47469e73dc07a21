"""Mode hopping: which modes a run covers now, and which it covered at any time in a recent window.

A generator that hops between modes covers few modes at each moment but many over time; one that has truly
collapsed covers few at all times. Only the two numbers side by side tell these apart, and GAN Lab shows neither.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

DEFAULT_WINDOW = 1_000  # iterations


@dataclass
class ModeHistory:
    """Covered-mode sets of one run at the iterations where they were measured.

    ``kept`` bounds how many are kept for ``timeline``; ``kept=None`` keeps only what ``recent`` needs (the
    window), for a live view that shows no timeline: a classroom page measures twice a second for as long as it
    plays, and 2 000 kept sets were the last thing still growing in a 20-minute load run."""

    total: int  # modes in the data set
    window: int = DEFAULT_WINDOW
    kept: int | None = 2_000
    records: deque = field(default_factory=deque)  # (iteration, frozenset of mode indices), iterations increasing

    def __post_init__(self) -> None:
        if self.total < 1:
            raise ValueError("a mode history needs at least one mode")
        if self.window < 1:
            raise ValueError("the window must be at least one iteration")
        self.records = deque(self.records, maxlen=self.kept)

    def record(self, iteration: int, covered: tuple[int, ...] | set[int] | frozenset[int]) -> None:
        """Add a measurement; one at the iteration of the latest replaces it (a redraw without training)."""
        bad = [m for m in covered if not 0 <= m < self.total]
        if bad:
            raise ValueError(f"mode indices out of range: {bad}")
        if self.records and self.records[-1][0] == int(iteration):
            self.records.pop()
        self.records.append((int(iteration), frozenset(int(m) for m in covered)))
        if self.kept is None:
            while self.records[0][0] < iteration - self.window:
                self.records.popleft()

    def now(self) -> int:
        """Modes covered at the latest measurement (0 before any)."""
        return len(self.records[-1][1]) if self.records else 0

    def recent(self) -> int:
        """Modes covered at any measurement within the last ``window`` iterations (the latest included)."""
        if not self.records:
            return 0
        start = self.records[-1][0] - self.window
        seen: set[int] = set()
        for it, covered in reversed(self.records):
            if it < start:
                break
            seen |= covered
        return len(seen)

    def timeline(self, last: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(iterations (T,), covered (T, total) bool) for the last ``last`` measurements: a picture of hopping."""
        rows = list(self.records)[-last:] if last else list(self.records)
        its = np.array([it for it, _ in rows], dtype=np.int64)
        grid = np.zeros((len(rows), self.total), dtype=bool)
        for t, (_, covered) in enumerate(rows):
            grid[t, list(covered)] = True
        return its, grid
