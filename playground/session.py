"""One browser session's live 2D run: the trainer, what the page has been sent, and the actions it can ask for.

No Gradio here: the Gradio tab (lab2d.py) only routes events to a LabSession, so everything a click does can be
tested without a browser. Every public method holds the session's lock, because the page's frame loop and the
settings panel call in on different server threads.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from toy2d import checkpoint, metrics, modes, presets, probe
from toy2d.config import LIVE_FIELDS, TrainConfig
from toy2d.trainer import Trainer

from . import limits, payload

if TYPE_CHECKING:
    from .lab_workers import RemoteSession

METRICS_EVERY_S = 0.5  # wall-clock seconds between live KL/JS/mode evaluations while training
SERIES_KEPT = 5_000  # chart points kept per series (the page decimates its own copy)
EXPORT_EVERY_S = 0.4  # at most 2.5 recorded frames per second for the GIF export…
EXPORT_KEPT = 150  # …and the last 150 of them (one minute of play, ~3 MB per page)
URL_POINTS = 400  # a shared link carries at most this many of the user's points (a sample of bigger clouds)
MAX_ITERATIONS_PER_CALL = 2_000  # a request for more is clipped: one call must never hold the server for long
# Training time one frame may spend (wall clock), shared by the pages playing at the moment (Registry.share_budget).
# Speed asks for n iterations per frame; when they take longer than this (big nets, or a classroom sharing the
# CPU), the frame goes out with fewer, so the view stays fluid and training slows instead. The page shows the
# iterations per second actually reached.
FRAME_TRAIN_BUDGET_S = 0.05
PLAYING_WINDOW_S = 1.0  # a page that asked for a training frame this recently counts as playing
ACTIONS = ("frame", "play", "step", "d", "g", "slow", "reset")

# the likely cause of a divergence and how to recover, per phase, for the message the page shows
RECOVERY = ("Lower the learning rates (or switch to Adam), then press Reset. A WGAN without a penalty or weight "
            "clipping, or a very small batch, can also blow up.")


def default_config() -> TrainConfig:
    """The run a new page starts with: the ring of eight Gaussians with its tuned recipe."""
    return presets.resolve("ring8")[0]


def share_config(config: TrainConfig) -> TrainConfig:
    """What the page URL holds: the config, with big point clouds cut to a rounded sample to keep links short."""
    if config.points is None:
        return config
    pts = config.points
    if len(pts) > URL_POINTS:
        step = len(pts) / URL_POINTS
        pts = tuple(pts[int(i * step)] for i in range(URL_POINTS))
    return config.replace(points=tuple((round(x, 4), round(y, 4)) for x, y in pts))


@dataclass
class Series:
    """Chart points with serial numbers, so the page can ask for just what it has not seen yet."""

    rows: deque = field(default_factory=lambda: deque(maxlen=SERIES_KEPT))
    next_serial: int = 0

    def add(self, row: list[float]) -> None:
        self.rows.append((self.next_serial, row))
        self.next_serial += 1

    def since(self, serial: int) -> list[list[float]]:
        """Rows from ``serial`` on. Walks only those, from the newest end: a playing page asks every frame for one
        or two new rows, and scanning the 5 000 kept ones each time cost ~1 ms a frame once the chart was full."""
        count = min(len(self.rows), max(0, self.next_serial - serial))
        return [row for _, row in itertools.islice(reversed(self.rows), count)][::-1]


def new_token() -> str:
    """The page's key for its frame loop (see Registry.by_token): unguessable, so one page cannot drive another's."""
    return secrets.token_urlsafe(16)


class LabSession:
    def __init__(self, config: TrainConfig | None = None, token: str | None = None, first_run: int = 1):
        """``token`` and ``first_run`` let a run that was lost (its worker process died) come back under the same
        key with a run number the page has not seen."""
        self.lock = threading.RLock()
        self.token = token or new_token()
        self.run_id = first_run - 1
        self.frame_budget_s = FRAME_TRAIN_BUDGET_S
        self.last_play = -math.inf
        self._references: dict[Any, metrics.Reference] = {}
        self._query: tuple[TrainConfig | None, str] = (None, "")
        self.restart(config or default_config())

    # ---- run lifecycle ----------------------------------------------------------------------------------------
    def restart(self, config: TrainConfig, trainer: Trainer | None = None) -> None:
        """A fresh run (or ``trainer``, e.g. one loaded from a file) with new charts and recordings."""
        with self.lock:
            self.trainer = trainer or Trainer(config)
            self.config = self.trainer.config
            self.run_id += 1
            self.box: metrics.Box | None = None
            self.losses = Series()
            self.metrics = Series()
            self.exported: deque[dict] = deque(maxlen=EXPORT_KEPT)
            self._last_export = -math.inf
            self._last_metrics = -math.inf
            self._slow_cursor = 0  # position in the k_d D steps + k_g G steps of one iteration (slow motion)
            self._arrow_ref = 0.0
            self._rate_window: deque[tuple[float, int]] = deque(maxlen=64)
            self.reference = self._reference_for(self.config)
            mixture = self.trainer.dist.mixture
            self.mode_history = None if mixture is None else modes.ModeHistory(len(mixture.centres), kept=None)

    def _reference_for(self, config: TrainConfig) -> metrics.Reference:
        key = (config.data, config.points)
        if key not in self._references:
            if len(self._references) > 4:
                self._references.clear()
            self._references[key] = metrics.reference(self.trainer.dist)
        return self._references[key]

    def change(self, config: TrainConfig) -> str:
        """Apply new settings: live when the running model allows it, else restart. Returns what happened, in
        words. Raises ValueError (and changes nothing) for invalid settings."""
        config.validate()
        with self.lock:
            old = self.config
            changed = [f.name for f in dataclasses.fields(config) if getattr(old, f.name) != getattr(config, f.name)]
            if not changed:
                return ""
            if old.needs_restart(config):
                restart_fields = [f for f in changed if f not in LIVE_FIELDS]
                self.restart(config)
                return f"Restarted: changing {', '.join(restart_fields)} needs a new run."
            self.trainer.apply(config)
            self.config = config
            self._slow_cursor = 0
            return f"Applied live: {', '.join(changed)}."

    # ---- actions ------------------------------------------------------------------------------------------------
    def act(self, action: str, n: int = 1) -> dict:
        """Do one page action and return the frame to draw. ``play`` runs n iterations, ``step`` one, ``d``/``g``
        one D/G update, ``slow`` the next single D or G update of the current iteration, ``reset`` restarts with
        the same settings, ``frame`` only redraws."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        n = max(1, min(int(n), MAX_ITERATIONS_PER_CALL))
        with self.lock:
            t = self.trainer
            start = t.iteration
            if action == "reset":
                self.restart(self.config)
            elif action == "play":
                self.last_play = time.perf_counter()
                deadline = time.perf_counter() + self.frame_budget_s
                for _ in range(n):
                    if not t.step() or time.perf_counter() > deadline:
                        break
            elif action == "step":
                t.step()
            elif action == "d":
                t.step_d()
            elif action == "g":
                t.step_g()
            elif action == "slow":
                self._slow_step()
            if action in ("play", "step"):
                self._rate_window.append((time.perf_counter(), t.iteration - start))
            return self._payload(force_metrics=action not in ("play", "slow"))

    def _slow_step(self) -> None:
        """One D or G update in the order an iteration does them; the last one closes the iteration."""
        t, cfg = self.trainer, self.config
        if self._slow_cursor < cfg.k_d:
            ok = t.step_d()
        else:
            ok = t.step_g()
        if not ok:
            return
        self._slow_cursor += 1
        if self._slow_cursor == cfg.k_d + cfg.k_g:
            self._slow_cursor = 0
            t.end_iteration()

    def next_phase(self) -> str:
        return "D" if self._slow_cursor < self.config.k_d else "G"

    def iterations_per_second(self) -> float:
        """Training iterations per wall-clock second over the last few seconds of play (what the class sees)."""
        w = [(t, n) for t, n in self._rate_window if t > time.perf_counter() - 3.0]
        if len(w) < 2:
            return 0.0
        span = w[-1][0] - w[0][0]
        return sum(n for _, n in w[1:]) / span if span > 0 else 0.0

    # ---- what the page gets ----------------------------------------------------------------------------------
    def _payload(self, force_metrics: bool) -> dict:
        t = self.trainer
        f = probe.frame(t, self.box)
        self.box = f.box
        top = float(np.nanmax(f.arrow_norm)) if np.isfinite(f.arrow_norm).any() else 0.0
        # arrows keep a slowly decaying reference length, so vanishing gradients look small instead of rescaled
        self._arrow_ref = max(self._arrow_ref * 0.98, top)
        self.losses.add([t.iteration, _num(t.d_loss), _num(t.g_loss)])
        now = time.perf_counter()
        if not t.diverged and (force_metrics or now - self._last_metrics >= METRICS_EVERY_S):
            self._last_metrics = now
            r = metrics.evaluate(t.dist, t.sample(metrics.N_DIVERGENCE), self.reference, with_w1=False)
            recent = None
            if self.mode_history is not None:
                self.mode_history.record(t.iteration, r.modes_hit)
                recent = self.mode_history.recent()
            self.metrics.add([t.iteration, _num(r.kl_bits), _num(r.js_bits), r.modes_covered,
                              None if r.hq_fraction is None else 100 * r.hq_fraction, recent])
        compact = payload.frame_arrays(f, self._arrow_ref)
        if now - self._last_export >= EXPORT_EVERY_S:
            self._last_export = now
            self.exported.append(dict(compact, iteration=t.iteration))
        mixture = t.dist.mixture
        return dict(
            compact,
            run=self.run_id, iteration=t.iteration, d_steps=t.d_steps, g_steps=t.g_steps,
            d_loss=_num(t.d_loss), g_loss=_num(t.g_loss), loss=self.config.loss,
            next_phase=self.next_phase(), k_d=self.config.k_d, k_g=self.config.k_g,
            diverged=None if t.diverged is None else f"{t.diverged.message()}. {RECOVERY}",
            ips=round(self.iterations_per_second(), 1),
            floors=dict(kl=self.reference.kl_floor_bits, js=self.reference.js_floor_bits),
            modes_total=None if mixture is None else len(mixture.centres), mode_window=modes.DEFAULT_WINDOW,
            query=self.share_query(),
        )

    def share_query(self) -> str:
        """The URL query of the running config (see share_config), computed once per config, not per frame."""
        if self._query[0] is not self.config:
            self._query = (self.config, share_config(self.config).to_query())
        return self._query[1]

    def page_payload(self, have_losses: int = 0, have_metrics: int = 0, have_run: int = -1,
                     action: str = "frame", n: int = 1) -> dict:
        """``act`` plus the chart rows and real points the page does not have yet (it says what it has)."""
        with self.lock:
            p = self.act(action, n)
            fresh = have_run != self.run_id
            p["loss_rows"] = self.losses.since(0 if fresh else have_losses)
            p["metric_rows"] = self.metrics.since(0 if fresh else have_metrics)
            p["loss_serial"], p["metric_serial"] = self.losses.next_serial, self.metrics.next_serial
            if fresh:
                p["real"] = payload.b64(self.trainer.pool[: probe.N_SHOWN].numpy())
            return p

    def save_to(self, directory: str) -> str:
        """Save the run (model + settings) into ``directory``; returns the file's path."""
        with self.lock:
            path = Path(directory) / f"gan2d-{self.config.data}-it{self.trainer.iteration}.pt"
            checkpoint.save(self.trainer, path)
            return str(path)

    def load_file(self, path: str) -> int:
        """Continue a saved run from ``path``; returns its iteration. ValueError (nothing changed) for a bad file."""
        trainer = checkpoint.load(path)
        self.restart(trainer.config, trainer)
        return trainer.iteration

    def recording(self) -> tuple[list[dict], np.ndarray]:
        """The frames recorded for the GIF export and the real points drawn under them."""
        with self.lock:
            return list(self.exported), self.trainer.pool[: probe.N_SHOWN].numpy()

    def close(self) -> None:
        """Nothing to free but the object (a RemoteSession frees its run in a worker process)."""

    def metrics_csv(self) -> str:
        """The run's chart data as CSV: one row per recorded frame, metrics where they were evaluated."""
        with self.lock:
            by_iteration = {row[0]: row for row in self.metrics.since(0)}
            lines = ["iteration,d_loss,g_loss,kl_bits,js_bits,modes_covered,hq_percent,modes_in_window"]
            for it, d, g in self.losses.since(0):
                m = by_iteration.get(it, [it, None, None, None, None, None])
                lines.append(",".join(_csv(v) for v in (it, d, g, *m[1:])))
            return "\n".join(lines) + "\n"


def _num(v: float | None) -> float | None:
    """JSON has no NaN/inf: send None instead."""
    return None if v is None or not math.isfinite(v) else float(v)


def _csv(v: Any) -> str:
    if v is None:
        return ""
    return str(int(v)) if isinstance(v, int) else f"{v:.6g}"


class ServerFull(RuntimeError):
    """No run can be opened for a new page: limits.MAX_LIVE_RUNS are live."""


class Registry:
    """Sessions by Gradio session hash. A page gets one on first contact and loses it when it closes.

    The page's frame loop reaches its session by the session's random token instead: Gradio's server functions
    are not told the session hash, and an unguessable token keeps one page from driving another's run.
    Sessions live in this process, or in worker processes once start_workers has been called (lab_workers.py)."""

    def __init__(self, idle_s: float | None = None, max_runs: int | None = None) -> None:
        self._sessions: dict[str, LabSession | RemoteSession] = {}
        self._tokens: dict[str, str] = {}  # a run's token → its page's key
        self._seen: dict[str, float] = {}  # key → when its page last reached its run (time.monotonic)
        self._lock = threading.Lock()
        self._pool = None
        self.idle_s = limits.RUN_IDLE_S if idle_s is None else idle_s
        self.max_runs = limits.MAX_LIVE_RUNS if max_runs is None else max_runs
        self._last_reap = time.monotonic()

    def start_workers(self, n: int) -> None:
        """New sessions go to ``n`` worker processes from now on (0: stay in this process)."""
        from .lab_workers import Pool  # imported here: lab_workers builds on this module

        self.stop_workers()
        if n > 0:
            self._pool = Pool(n)

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

    @property
    def in_process(self) -> bool:
        return self._pool is None

    def get(self, key: str, config: TrainConfig | None = None) -> LabSession | RemoteSession:
        """The page's LabSession (or its RemoteSession when workers run), made on first contact. ServerFull when
        limits.MAX_LIVE_RUNS runs are live even after the idle ones were freed."""
        self._maybe_reap()
        with self._lock:
            s = self._sessions.get(key)
            if s is not None:
                self._seen[key] = time.monotonic()
            full = s is None and len(self._sessions) >= self.max_runs
        if full:
            self.reap()
            if len(self) >= self.max_runs:
                raise ServerFull(f"The server is full: {self.max_runs} live runs of the 2D lab are open. Close "
                                 f"other tabs of this app, or try again in a few minutes.")
        if s is None:
            if self._pool is None:
                s = LabSession(config)  # built outside the registry lock: it takes a moment
            else:
                from .lab_workers import RemoteSession

                s = RemoteSession(self._pool, config)
            with self._lock:
                kept = self._sessions.setdefault(key, s)
                self._tokens[kept.token] = key
                self._seen[key] = time.monotonic()
            if kept is not s:
                s.close()  # another thread made this page's session first
            s = kept
        return s

    def by_token(self, token: str) -> LabSession | RemoteSession | None:
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

    def share_budget(self, session: LabSession | RemoteSession) -> None:
        """Give ``session`` its share of the per-frame training budget: divided by the pages playing now, so that
        with many pages each frame trains less and every page keeps its frame rate."""
        now = time.perf_counter()
        with self._lock:
            playing = sum(1 for s in self._sessions.values() if now - s.last_play < PLAYING_WINDOW_S)
        session.frame_budget_s = FRAME_TRAIN_BUDGET_S / max(1, playing)

    def drop(self, key: str) -> None:
        with self._lock:
            s = self._sessions.pop(key, None)
            self._seen.pop(key, None)
            if s is not None:
                self._tokens.pop(s.token, None)
        if s is not None:
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
