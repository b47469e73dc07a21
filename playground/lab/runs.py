"""The live lab's runs by page: one Run per open page, found by its Gradio session or by its frame token.

app.py builds one Registry and hands it to the lab tab. Runs live in this process (LabSession) or, once
start_workers has been called, in worker processes (lab_workers.RemoteSession): both are lab_session.Run.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from toy2d.config import TrainConfig

from .. import limits
from ..catalogue import phrase
from . import session as lab_session
from .session import LabSession, Run
from .share import Shares
from .workers import NoRoom, RemoteSession, WorkerPool

PLAYING_WINDOW_S = 1.0  # a page that asked for a training frame this recently counts as playing


class ServerFull(RuntimeError):
    """No run can be opened for a new page: limits.MAX_LIVE_RUNS are live (or kept for classes), or its address
    holds limits.RUNS_PER_ADDRESS."""


def no_places(holds_run: Callable[[str], bool]) -> int:
    return 0


class Registry:
    """Sessions by Gradio session hash. A page gets one on first contact and loses it when it closes.

    The page's frame loop reaches its session by the session's random token instead: Gradio's server functions
    are not told the session hash, and an unguessable token keeps one page from driving another's run.
    Sessions live in this process, or in worker processes once start_workers has been called (lab_workers.py)."""

    def __init__(self, idle_s: float | None = None, max_runs: int | None = None) -> None:
        self._sessions: dict[str, Run] = {}
        self._tokens: dict[str, str] = {}  # a run's token → its page's key
        self._seen: dict[str, float] = {}  # key → when its page last reached its run (time.monotonic)
        self._played: dict[str, float] = {}  # token → when its page last asked for a training frame
        self._address: dict[str, str] = {}  # key → the address that opened it
        self._lock = threading.Lock()
        self._pool = None
        self._shares = Shares()
        # Class mode's places (classroom.Classes): how many its classes keep free of other pages' runs, and whether
        # a page holds one of them (a student, or a page opened with a class's link)
        self.kept_places: Callable[[Callable[[str], bool]], int] = no_places
        self.seated: Callable[[str], bool] = lambda key: False
        self.idle_s = limits.RUN_IDLE_S if idle_s is None else idle_s
        self.max_runs = limits.MAX_LIVE_RUNS if max_runs is None else max_runs
        self._last_reap = time.monotonic()

    def start_workers(self, n: int, ray_address: str | None = None) -> None:
        """New sessions go to ``n`` worker processes from now on (0: stay in this process); with ``ray_address``, to
        ``n`` Ray actors on that cluster instead (0: one per CPU it has). A cluster that cannot be reached raises
        cluster.ClusterUnreachable naming it: the app does not quietly run the lab on this machine instead."""
        self.stop_workers()
        if ray_address:
            from . import cluster

            cluster.connect(ray_address)
            self._pool = WorkerPool(n or max(1, cluster.cpus()), make=cluster.maker())
        elif n > 0:
            self._pool = WorkerPool(n)

    def worker_count(self) -> int:
        """Workers the runs are spread over (0: runs live in this process)."""
        return 0 if self._pool is None else len(self._pool.workers)

    def stop_workers(self) -> None:
        """Back to in-process sessions; the sessions held by workers end."""
        if self._pool is None:
            return
        with self._lock:
            remote = [k for k, s in self._sessions.items() if not isinstance(s, LabSession)]
        for key in remote:
            self.drop(key)
        self._pool.stop()
        self._pool = None

    def get(self, key: str, config: TrainConfig | None = None, address: str = "") -> Run:
        """The page's LabSession (or its RemoteSession when workers run), made on first contact. ServerFull when
        limits.MAX_LIVE_RUNS runs are live even after the idle ones were freed, counting the places classes keep
        for their students as taken unless this page holds one; or when ``address`` holds
        limits.RUNS_PER_ADDRESS runs already (a class's students do not count: their places are the class's)."""
        self._maybe_reap()
        with self._lock:
            s = self._sessions.get(key)
            if s is not None:
                self._seen[key] = time.monotonic()
        if s is None:
            self._admit(key, address)
            if self._pool is None:
                s = LabSession(config)  # built outside the registry lock: it takes a moment
                s.train_play, s.shares = self._shares.train, self._shares  # pages here share its time fairly
            else:
                try:
                    s = RemoteSession(self._pool, config)
                except NoRoom:
                    raise ServerFull(phrase("lab.msg.server_full", runs=len(self._sessions))) from None
            with self._lock:
                kept = self._sessions.setdefault(key, s)
                self._tokens[kept.token] = key
                self._seen[key] = time.monotonic()
                self._address.setdefault(key, address)
            if kept is not s:
                s.close()  # another thread made this page's session first
            s = kept
        return s

    def _admit(self, key: str, address: str) -> None:
        """Raise ServerFull if a new run for ``key`` (from ``address``) does not fit."""
        seated = self.seated(key)
        for attempt in range(2):  # the second time after freeing the idle runs
            with self._lock:
                keys = set(self._sessions)
                mine = sum(1 for k, a in self._address.items() if a == address and not self.seated(k))
            kept = 0 if seated else self.kept_places(keys.__contains__)
            if not seated and address and mine >= limits.RUNS_PER_ADDRESS:
                raise ServerFull(phrase("lab.msg.address_full", runs=limits.RUNS_PER_ADDRESS))
            if len(keys) + kept < self.max_runs:
                return
            if attempt == 0:
                self.reap()
        raise ServerFull(phrase("lab.msg.server_full", runs=self.max_runs))

    def peek(self, key: str) -> Run | None:
        """The page's run if it has one (the class wall looks without making runs or keeping them alive)."""
        with self._lock:
            return self._sessions.get(key)

    def by_token(self, token: str) -> Run | None:
        """The run a page's frame loop names (and a sign that the page is still there)."""
        self._maybe_reap()
        with self._lock:
            key = self._tokens.get(token)
            if key is None:
                return None
            self._seen[key] = time.monotonic()
            return self._sessions[key]

    # ---- runs nobody is using ----------------------------------------------------------------------------------
    def _maybe_reap(self) -> None:
        """Free idle runs at most every few seconds, on the calls pages make anyway (no thread of its own)."""
        if time.monotonic() - self._last_reap >= min(10.0, self.idle_s / 2):
            self.reap()

    def reap(self) -> list[str]:
        """Free every run whose page has not reached it for idle_s: raw API calls open runs no page ever closes,
        and a page that is really open pings its run every limits.PAGE_PING_S. Returns the keys freed."""
        now = time.monotonic()
        self._last_reap = now
        with self._lock:
            idle = [k for k, t in self._seen.items() if now - t > self.idle_s]
        for key in idle:
            self.drop(key)
        return idle

    def share_budget(self, session: Run, playing: bool) -> None:
        """Give ``session`` its share of the per-frame training budget: divided by the pages playing now (asked
        for a training frame within PLAYING_WINDOW_S) per worker process, since the workers train side by side, so
        that with many pages each frame trains less and every page keeps its frame rate."""
        now = time.perf_counter()
        with self._lock:
            if playing:
                self._played[session.token] = now
            count = sum(1 for t in self._played.values() if now - t < PLAYING_WINDOW_S)
        lanes = len(self._pool.workers) if self._pool is not None else 1
        session.frame_budget_s = lab_session.FRAME_TRAIN_BUDGET_S * min(1.0, lanes / max(1, count))

    def drop(self, key: str) -> None:
        with self._lock:
            s = self._sessions.pop(key, None)
            self._seen.pop(key, None)
            self._address.pop(key, None)
            if s is not None:
                self._tokens.pop(s.token, None)
                self._played.pop(s.token, None)
        if s is not None:
            self._shares.release(s.token)
            s.close()

    def keys(self) -> set[str]:
        with self._lock:
            return set(self._sessions)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._sessions
