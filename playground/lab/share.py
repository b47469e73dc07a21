"""A fair share of a worker's time for each playing page, whatever its settings.

A frame used to train at least one iteration: six pages with settings just under the cost limit (39 ms of a core
per iteration) held their worker in turn, and a normal page on it fell from 15.6 to 2.1 frames a second. Here each
page playing on a worker earns time at 1/N of the wall clock (N: the pages that played on it in the last second)
and spends what its frames measure — training, and the view's heavy layers and metrics (``charge``). A heavy run
(an iteration over LIGHT_S) trains only while the page's credit covers the next iteration, and computes its heavy
layers and metrics only while it has credit left: when its share is spent it trains zero iterations and still
answers with the view (the fakes move, the rest is the last one drawn). So a heavy run trains fewer iterations a
second and never makes the other pages wait longer; light runs (GAN Lab's preset, the default ring) train as
before.

Used by a worker's ``Groups`` for runs trained alone (grouped runs are small, and share their group steps), and by
the registry for runs in the app's own process. Thread-safe.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from toy2d.trainer import Trainer

PLAYING_S = 1.0  # a page that asked for a play frame this recently counts among those sharing the worker
FIRST_CREDIT_S = 0.05  # what a page that starts playing has in hand (one frame's training budget)
CREDIT_MAX_S = 0.2  # training time a page may hold in hand (a page that paused does not come back with seconds)
COST_WEIGHT = 0.3  # how fast the measured cost of an iteration follows a change (moving average)
# A run whose iteration takes at most this long trains as a frame always did (at least one iteration, more within
# the frame's budget): the default ring and GAN Lab's preset. At class scale, gating them too only took iterations
# from a class without making it fairer (benchmarks/RESULTS.md, 2026-12-07).
LIGHT_S = 0.005


class Shares:
    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self._credit: dict[str, float] = {}  # page → training seconds it may spend now
        self._seen: dict[str, float] = {}  # page → when it last asked to train
        self._cost: dict[str, tuple[Trainer, float]] = {}  # page → (its run, seconds per iteration measured)
        self._lock = threading.Lock()

    def credit(self, page: str) -> float:
        """``page``'s credit now (seconds it may still spend), earned since it last asked."""
        now = self.clock()
        with self._lock:
            return self._earn(page, now)

    def charge(self, page: str, seconds: float) -> None:
        """``page`` spent ``seconds`` of the worker on something besides training (its view, its metrics)."""
        with self._lock:
            if page in self._seen:
                self._credit[page] = self._credit.get(page, 0.0) - seconds

    def _earn(self, page: str, now: float) -> float:
        """Bring ``page``'s credit up to now; returns it. Called with the lock held."""
        for other in [p for p, at in self._seen.items() if now - at > PLAYING_S and p != page]:
            del self._seen[other]
            self._credit.pop(other, None)
            self._cost.pop(other, None)
        last = self._seen.get(page)
        self._seen[page] = now
        sharing = max(1, len(self._seen))
        cap = max(CREDIT_MAX_S, 2 * self.cost(page))
        earned = FIRST_CREDIT_S if last is None else (now - last) / sharing
        credit = min(cap, self._credit.get(page, 0.0) + earned)
        self._credit[page] = credit
        return credit

    def cost(self, page: str, t: Trainer | None = None) -> float:
        """Seconds one iteration of ``page``'s run took lately (0 until measured, or for another run)."""
        run, seconds = self._cost.get(page, (None, 0.0))
        return seconds if t is None or run is t else 0.0

    def train(self, page: str, t: Trainer, n: int, deadline: float) -> int:
        """Up to n iterations of ``t``: the first if ``page``'s credit covers it, more until ``deadline``
        (perf_counter: the frame's own budget, as a frame always trained) or the credit is spent. Returns how many
        it trained (0 when the share is spent, or when the run has diverged)."""
        now = self.clock()
        with self._lock:
            credit = self._earn(page, now)
            cost = self.cost(page, t)
        if (credit <= 0 or cost > credit) and cost > LIGHT_S:
            return 0
        done, start = 0, self.clock()
        while done < n:
            if not t.step():
                break
            done += 1
            now = self.clock()
            if now > deadline or (now - start >= credit and cost > LIGHT_S):
                break
        spent = self.clock() - start
        with self._lock:
            self._credit[page] = self._credit.get(page, 0.0) - spent
            if done:
                old = self.cost(page, t)
                measured = spent / done
                self._cost[page] = (t, measured if old == 0 else old + COST_WEIGHT * (measured - old))
        return done

    def within(self, page: str) -> bool:
        """May ``page``'s frame compute its heavy layers and metrics now (when due)? Yes while it has credit, and
        always for a light run."""
        with self._lock:
            light = self.cost(page) <= LIGHT_S
        return light or self.credit(page) > 0

    def playing(self) -> int:
        """Pages sharing the worker now."""
        now = self.clock()
        with self._lock:
            return sum(1 for at in self._seen.values() if now - at <= PLAYING_S)

    def release(self, page: str) -> None:
        with self._lock:
            for table in (self._credit, self._seen, self._cost):
                table.pop(page, None)
