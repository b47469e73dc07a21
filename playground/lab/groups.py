"""A worker's playing runs of one small shape, trained together (toy2d.batched.Group); the others alone, each
within its fair share of the worker (lab_share.Shares).

A class opens one link: in a worker, many playing runs have the same small nets. Stepped one by one, each pays
Python's and NumPy's per-call overhead; stepped as one batched computation, thirty GAN Lab-sized runs train ~3×
faster (benchmarks/RESULTS.md). Big nets gain nothing (their arithmetic is the cost) and the lazy R1 steps go to
autograd run by run, so only runs under GROUP_MAX_WEIGHTS without R1 are grouped.

Each page still gets what it asked for and no more: its play request grants its run n iterations; a group step advances
every member with iterations granted and not yet trained, whichever page's frame runs it, so the runs ride along in each
other's frames. A page's frame finishes its previous grant (within its time budget) before it makes the next one. The
group is rebuilt when the set of playing members changes (a page pauses, leaves, restarts or changes shape); runs leave
with their own storage, weights and optimiser state (Group.leave). Used in worker processes only, which serve one
request at a time: nothing else touches a member's trainer while a group step runs.
"""
from __future__ import annotations

import time

import numpy as np

from toy2d import batched
from toy2d.trainer import Trainer

from .share import Shares

GROUP_MAX_WEIGHTS = 5_000  # GAN Lab's preset has 75; the default ring8 run ~17 000 (and R1): trained alone
PLAYING_S = 1.0  # a run whose page asked for a play frame this recently is a member
OWED_MAX_S = 0.1  # training time a group may have in hand (frames whose allowance went unused)


def groupable(t: Trainer) -> tuple | None:
    """The key of runs this one can be trained with, or None (trained alone)."""
    key = batched.group_key(t)
    if key is None or t.config.r1_gamma > 0 or sum(p.numel() for p in t.all_params) > GROUP_MAX_WEIGHTS:
        return None
    return key


def train_alone(page: str, t: Trainer, n: int, deadline: float) -> None:
    """Up to n iterations of ``t``, stopping early at ``deadline`` (perf_counter) or when the run diverges."""
    for _ in range(n):
        if not t.step() or time.perf_counter() > deadline:
            break


class Groups:
    """The worker's groups, one per key, of the runs playing now."""

    def __init__(self, shares: Shares | None = None) -> None:
        self.shares = Shares() if shares is None else shares  # the time of runs trained alone, shared fairly
        self._played: dict[str, tuple[Trainer, float]] = {}  # page → its run now, when it last played
        self._credit: dict[Trainer, int] = {}
        self._groups: dict[tuple, batched.Group] = {}
        self._owed: dict[tuple, float] = {}  # training seconds the members' frames have paid for, per key

    def train(self, page: str, t: Trainer, n: int, deadline: float) -> None:
        """``t``'s share of a play frame (LabSession.train_play). Alone: n iterations. In a group: the frame
        finishes what the page's previous request granted (most of it trained already, during other pages'
        frames) and grants n more, for the next frames of any member to train."""
        now = time.perf_counter()
        self._played[page] = (t, now)  # a page's new run (a restart) replaces its old one here
        group = self._group_for(t, now)
        if group is None:
            self._credit.pop(t, None)
            self.shares.train(page, t, n, deadline)
            return
        self._credit[t] = min(self._credit.get(t, 0) + n, 2 * n)  # a page that fell behind does not pile up work
        key = group.key
        # the frame's training time goes to the group's pool: a group step costs more than one page's share of
        # the budget at class scale, so it runs when the members' frames together have paid for it
        self._owed[key] = min(self._owed.get(key, 0.0) + max(0.0, deadline - now), OWED_MAX_S)
        while self._credit[t] > n and not t.diverged and self._owed[key] > 0:
            t0 = time.perf_counter()
            due = np.array([self._credit.get(r, 0) > 0 for r in group.runs])
            group.step(due)
            for r, on in zip(group.runs, due):
                if on:
                    self._credit[r] -= 1
            self._owed[key] -= time.perf_counter() - t0

    def _group_for(self, t: Trainer, now: float) -> batched.Group | None:
        for page in [p for p, (_, at) in self._played.items() if now - at > PLAYING_S]:  # stopped playing
            del self._played[page]
        runs = [r for r, _ in self._played.values()]
        playing = set(runs)  # trainers hash and compare by identity
        self._credit = {r: c for r, c in self._credit.items() if r in playing}
        key = groupable(t)
        if key is None:
            return None
        members = [r for r in runs if not r.diverged and groupable(r) == key]
        group = self._groups.get(key)
        if group is not None and group.runs == members:
            return group
        self._dissolve(key)
        for other in [k for k, g in self._groups.items() if any(r in g.runs for r in members)]:
            self._dissolve(other)  # a member that changed shape leaves its old group first
        if len(members) < 2:
            return None
        self._groups[key] = group = batched.Group(members)
        return group

    def _dissolve(self, key: tuple) -> None:
        group = self._groups.pop(key, None)
        if group is not None:
            group.leave()

    def sizes(self) -> list[int]:
        """How many runs each group holds."""
        return [len(g.runs) for g in self._groups.values()]

    def release(self, page: str) -> None:
        """``page`` has gone: its run leaves its group now (not a second later), holding no storage of others'."""
        t, _ = self._played.pop(page, (None, 0.0))
        self._credit.pop(t, None)
        self.shares.release(page)
        for key in [k for k, g in self._groups.items() if t in g.runs]:
            self._dissolve(key)
