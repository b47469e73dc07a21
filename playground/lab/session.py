"""One browser page's live 2D run: the trainer, its chart history, and the actions the page can ask for.

No Gradio here: the tab (lab2d.py) only routes events to a run, so everything a click does can be tested without a
browser. ``Run`` is what the tab may ask of a run; LabSession implements it in this process and
lab_workers.RemoteSession forwards the same methods to a worker process. Every public method holds the session's
lock, because the page's frame loop and the settings panel call in on different server threads.
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
from typing import Any, Protocol

import numpy as np

from toy2d import checkpoint, metrics, modes, phenomena, presets, probe
from toy2d.config import LIVE_FIELDS, TrainConfig
from toy2d.trainer import Trainer

from .. import catalogue as i18n
from .protocol import ACTIONS, ChartRows, FrameRequest, LabFrame, ViewLayers, number
from .groups import train_alone
from .share import Shares

METRICS_EVERY_S = 0.5  # wall-clock seconds between live KL/JS/mode evaluations while training…
# …and the same evaluations shared by the pages playing: together at most 1 / METRICS_SHARE_S a second. An
# evaluation samples 10 000 points and bins them; a class's pages each measuring every 0.5 s took a large share of
# the CPU (benchmarks/RESULTS.md, 2026-12-02).
METRICS_SHARE_S = 0.1
# D's heatmap and G's manifold, recomputed at most every LAYERS_EVERY_S while training (the fakes and arrows move
# every frame), and less often when many pages play: all pages' heavy layers together take at most LAYERS_CPU_SHARE
# of a core, by their measured cost. One costs a few iterations' worth (10 000 D evaluations at 100²) for big nets,
# little for small ones; GAN Lab redraws its layers every 50 iterations.
LAYERS_EVERY_S = 0.1
LAYERS_CPU_SHARE = 0.15
SERIES_KEPT = checkpoint.MAX_CHART_ROWS  # chart rows kept per series (the page decimates its own copy)
EXPORT_EVERY_S = 0.4  # at most 2.5 recorded frames per second for the GIF export…
EXPORT_KEPT = 150  # …and the last 150 of them (one minute of play)
URL_POINTS = 400  # a shared link carries at most this many of the user's points (a sample of bigger clouds)
MAX_ITERATIONS_PER_CALL = 2_000  # a request for more is clipped: one call must never hold the server for long
# Training time one frame may spend (wall clock), shared by the pages playing at the moment (Registry.share_budget).
# Speed asks for n iterations per frame; when they take longer than this (big nets, or a classroom sharing the
# CPU), the frame goes out with fewer, so the view stays fluid and training slows instead. The page shows the
# iterations per second actually reached.
FRAME_TRAIN_BUDGET_S = 0.05
REFERENCES_KEPT = 8  # data sets whose real-vs-real reference a process keeps (oldest first out)
_REFERENCES: dict[tuple, metrics.Reference] = {}
_REFERENCES_LOCK = threading.Lock()

@dataclass(frozen=True)
class Recording:
    """What the GIF export draws: recorded views with their iterations, over the run's real points."""

    frames: list[tuple[int, ViewLayers]]
    real: np.ndarray


class Run(Protocol):
    """What the tab may ask of a page's run. lab_workers forwards exactly these methods (RUN_METHODS)."""

    token: str
    config: TrainConfig
    run_id: int
    frame_budget_s: float

    def restart(self, config: TrainConfig) -> None: ...
    def change(self, config: TrainConfig) -> str: ...
    def reply(self, request: FrameRequest) -> bytes: ...
    def metrics_csv(self) -> str: ...
    def save_to(self, directory: str) -> str: ...
    def load_file(self, path: str) -> int: ...
    def recording(self) -> Recording: ...
    def tile(self, goal_hq: float | None = None) -> "Tile": ...
    def close(self) -> None: ...


# What a worker serves and RemoteSession forwards: Run's methods, read off the protocol (close is the proxy's own:
# it frees the run in its worker).
RUN_METHODS = tuple(n for n, v in vars(Run).items() if callable(v) and not n.startswith("_") and n != "close")


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
    """One chart's rows, numbered from 0 within the run, so a page can say how many it holds."""

    rows: deque = field(default_factory=lambda: deque(maxlen=SERIES_KEPT))
    next_index: int = 0

    def add(self, row: list[Any]) -> None:
        self.rows.append(row)
        self.next_index += 1

    def since(self, index: int) -> ChartRows:
        """Rows from ``index`` on (from the oldest kept one, if ``index`` was dropped). Walks only those, from the
        newest end: a playing page asks every frame for one or two new rows."""
        start = max(index, self.next_index - len(self.rows), 0)
        count = max(0, self.next_index - start)
        return ChartRows(start, list(itertools.islice(reversed(self.rows), count))[::-1])

    @classmethod
    def of(cls, rows: list[list[Any]]) -> "Series":
        s = cls()
        for row in rows[-SERIES_KEPT:]:
            s.add(row)
        s.next_index = len(rows)
        return s


COLLAPSED_BELOW = 0.15  # the mode-collapse preset's sign: the fakes in a clump under 15 % of the data's spread


@dataclass(frozen=True)
class Tile:
    """What the class wall shows of a run, read without training it: the last view and the numbers."""

    run: int
    iteration: int
    config: TrainConfig
    d_loss: float | None
    g_loss: float | None
    modes: int | None
    modes_total: int | None
    hq: float | None  # fraction of samples near a mode
    js: float | None  # bits
    diverged: bool
    collapsed: bool
    met_at: int | None  # the first measured iteration with every mode covered at goal_hq (tile's argument)
    view: ViewLayers | None  # None until the page has drawn a frame
    real: np.ndarray


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
        # how a play frame trains: alone, or with the worker's other runs of this shape (lab_groups.Groups.train)
        self.train_play = train_alone
        # the worker's time shared among its playing pages (lab_share.Shares; None: not shared, e.g. in tests)
        self.shares: Shares | None = None
        self._versions = itertools.count()  # of the heavy layers, across this page's runs
        self._query: tuple[TrainConfig | None, str] = (None, "")
        self.restart(config or default_config())

    # ---- run lifecycle ----------------------------------------------------------------------------------------
    def restart(self, config: TrainConfig, trainer: Trainer | None = None,
                charts: checkpoint.Charts | None = None) -> None:
        """A fresh run (or ``trainer``, e.g. one loaded from a file, with its ``charts``) with new recordings."""
        with self.lock:
            self.trainer = trainer or Trainer(config)
            self.config = self.trainer.config
            self.run_id += 1
            self.box: metrics.Box | None = None
            self.losses = Series.of(charts.losses if charts else [])
            self.metrics = Series.of(charts.metrics if charts else [])
            self.exported: deque[tuple[int, ViewLayers]] = deque(maxlen=EXPORT_KEPT)
            self._last_export = -math.inf
            self._last_metrics = -math.inf
            self._probe: probe.Frame | None = None  # the last frame whose heavy layers were computed…
            self._view: ViewLayers | None = None  # …as layers, and when
            self._layers_at = -math.inf
            self._layers_cost = 0.0  # seconds the last heavy layers took
            self.layers_version = next(self._versions)
            self._slow_cursor = 0  # position in the k_d D steps + k_g G steps of one iteration (slow motion)
            self._shown_iteration = self.trainer.iteration  # at the page's last frame
            self._per_frame: tuple[int, int] | None = None  # (iterations since the previous frame, asked) of a play
            self._arrow_ref = 0.0
            self._rate_window: deque[tuple[float, int]] = deque(maxlen=64)
            self.reference = self._reference_for(self.config)
            mixture = self.trainer.dist.mixture
            self.mode_history = None if mixture is None else modes.ModeHistory(len(mixture.centres), kept=None)
            for it, covered in charts.modes if charts and self.mode_history is not None else []:
                if max(covered, default=-1) < self.mode_history.total:  # a file's modes of this data set only
                    self.mode_history.record(it, covered)
            self.preset = presets.matching(self.config)  # the preset this run is, whose story the page tells
            self.track = phenomena.Track.of(self.trainer.pool.numpy(),
                                            None if mixture is None else len(mixture.centres))

    def _reference_for(self, config: TrainConfig) -> metrics.Reference:
        """The data set's real-vs-real reference, shared by the runs of this process (a class's pages all open
        the same data set: computing it for each new page held its worker from the others)."""
        key = (config.data, config.points)
        with _REFERENCES_LOCK:
            ref = _REFERENCES.get(key)
        if ref is None:
            ref = metrics.reference(self.trainer.dist, with_w1=False)  # the live view never computes W1
            with _REFERENCES_LOCK:
                if len(_REFERENCES) >= REFERENCES_KEPT:
                    _REFERENCES.pop(next(iter(_REFERENCES)))
                _REFERENCES[key] = ref
        return ref

    def change(self, config: TrainConfig) -> "i18n.Phrase | str":
        """Apply new settings: live when the running model allows it, else restart. Returns what happened, in
        words for the page's language ("" for nothing). Raises ValueError (and changes nothing) for invalid
        settings."""
        config.validate()
        with self.lock:
            old = self.config
            changed = [f.name for f in dataclasses.fields(config) if getattr(old, f.name) != getattr(config, f.name)]
            if not changed:
                return ""
            if old.needs_restart(config):
                restart_fields = [f for f in changed if f not in LIVE_FIELDS]
                self.restart(config)
                return i18n.phrase("lab.msg.restarted", names=i18n.setting_names(restart_fields))
            self.trainer.apply(config)
            self.config = config
            self.preset = presets.matching(config)  # a changed preset is the user's own run: its story ends
            self._slow_cursor = 0
            self._layers_at = -math.inf  # the next frame shows the new settings' layers (and carries its query)
            return i18n.phrase("lab.msg.applied", names=i18n.setting_names(changed))

    # ---- actions ------------------------------------------------------------------------------------------------
    def act(self, action: str, n: int = 1) -> LabFrame:
        """Do one page action and return the frame to draw. ``play`` runs n iterations, ``step`` one, ``d``/``g``
        one D/G update, ``slow`` the next single D or G update of the current iteration, ``reset`` restarts with
        the same settings, ``frame`` only redraws. The frame's chart rows are all the run's (see ``frame``)."""
        return self.frame(FrameRequest(self.token, action, n))

    def reply(self, request: FrameRequest) -> bytes:
        """``frame`` packed for the page (here, in the worker process when there are workers)."""
        return self.frame(request).packed()

    def frame(self, request: FrameRequest) -> LabFrame:
        """Do ``request.action`` and return the frame, with the chart rows the page does not hold yet (all of them
        and the real points when it holds another run)."""
        if request.action not in ACTIONS:
            raise ValueError(f"unknown action {request.action!r}")
        action, n = request.action, max(1, min(int(request.n), MAX_ITERATIONS_PER_CALL))
        with self.lock:
            t = self.trainer
            if action == "reset":
                self.restart(self.config)
            elif action == "play":
                self.train_play(self.token, t, n, time.perf_counter() + self.frame_budget_s)
                self._per_frame = (t.iteration - self._shown_iteration, n)
            elif action == "step":
                t.step()
            elif action == "d":
                t.step_d()
            elif action == "g":
                t.step_g()
            elif action == "slow":
                self._slow_step()
            if action != "play":
                self._per_frame = None
            if action in ("play", "step"):
                self._rate_window.append((time.perf_counter(), t.iteration))
            self._shown_iteration = self.trainer.iteration  # (a reset made a new trainer)
            in_share = action != "play" or self.shares is None or self.shares.within(self.token)
            fresh = request.run != self.run_id
            frame = self._frame(force_metrics=action not in ("play", "slow"), force_layers=action != "play",
                                have_losses=0 if fresh else request.losses,
                                have_metrics=0 if fresh else request.metrics, with_real=fresh,
                                have_layers=-1 if fresh else request.layers, in_share=in_share)
            if self.shares is not None and action == "play":
                self.shares.charge(self.token, self.heavy_s)
            return frame

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

    def pages_playing(self) -> float:
        """How many pages share this page's worker process now (Registry.share_budget divided the per-frame training
        budget by the pages playing per worker): what its metrics and heavy layers are spread over."""
        return FRAME_TRAIN_BUDGET_S / self.frame_budget_s if 0 < self.frame_budget_s < math.inf else 1.0

    def metrics_every_s(self) -> float:
        """Seconds between this page's metric rows while it plays: METRICS_EVERY_S, or longer when many pages play."""
        return max(METRICS_EVERY_S, METRICS_SHARE_S * self.pages_playing())

    def layers_every_s(self) -> float:
        """Seconds between this page's heatmap and manifold while it plays: LAYERS_EVERY_S, or longer when the pages
        playing would together spend more than LAYERS_CPU_SHARE of a core on them."""
        return max(LAYERS_EVERY_S, self.pages_playing() * self._layers_cost / LAYERS_CPU_SHARE)

    def iterations_per_second(self) -> float:
        """Training iterations per wall-clock second over the last few seconds of play (what the class sees)."""
        w = [(t, it) for t, it in self._rate_window if t > time.perf_counter() - 3.0]
        if len(w) < 2:
            return 0.0
        span = w[-1][0] - w[0][0]  # by iteration counts: a grouped run also trains during other pages' frames
        return (w[-1][1] - w[0][1]) / span if span > 0 else 0.0

    # ---- what the page gets ----------------------------------------------------------------------------------
    def _frame(self, force_metrics: bool, force_layers: bool, have_losses: int, have_metrics: int, with_real: bool,
               have_layers: int, in_share: bool = True) -> LabFrame:
        """The frame to send. ``in_share``: the page has time left in its share of the worker (lab_share), so the
        heavy layers and metrics may be computed if due; otherwise the last ones are kept."""
        t = self.trainer
        now = time.perf_counter()
        self.heavy_s = 0.0  # what this frame spent on heavy layers and metrics (charged to the page's share)
        due = force_layers or (in_share and now - self._layers_at >= self.layers_every_s())
        kept = None if due else self._probe
        f = probe.frame(t, self.box, layers=kept)
        self.box = f.box
        top = float(np.nanmax(f.arrow_norm)) if np.isfinite(f.arrow_norm).any() else 0.0
        # arrows keep a slowly decaying reference length, so vanishing gradients look small instead of rescaled
        self._arrow_ref = max(self._arrow_ref * 0.98, top)
        if kept is None or kept.box != f.box or self._view is None:  # probe.frame computed the heavy layers
            self._probe, self._layers_at, self.layers_version = f, now, next(self._versions)
            self._view = view = ViewLayers.of(f, self._arrow_ref)
            self._layers_cost = time.perf_counter() - now
            self.heavy_s += self._layers_cost
        else:
            view = self._view.moved(f, self._arrow_ref)
        self._record(self.losses, [t.iteration, number(t.d_loss), number(t.g_loss)])
        self.track.see(t.iteration, f.fake, f.arrow_norm)
        if not t.diverged and (force_metrics or (in_share and now - self._last_metrics >= self.metrics_every_s())):
            self._last_metrics = measured = time.perf_counter()
            r = metrics.evaluate(t.dist, t.sample(metrics.N_DIVERGENCE), self.reference, with_w1=False)
            self.heavy_s += time.perf_counter() - measured
            self.track.measured(r.modes_covered, r.hq_fraction, r.js_bits)
            recent = None
            if self.mode_history is not None:
                self.mode_history.record(t.iteration, r.modes_hit)
                recent = self.mode_history.recent()
            row = [t.iteration, number(r.kl_bits), number(r.js_bits), r.modes_covered,
                   None if r.hq_fraction is None else 100 * r.hq_fraction, recent]
            self._record(self.metrics, row)
        if now - self._last_export >= EXPORT_EVERY_S:
            self._last_export = now
            self.exported.append((t.iteration, view))
        mixture = t.dist.mixture
        return LabFrame(
            run=self.run_id, iteration=t.iteration, d_steps=t.d_steps, g_steps=t.g_steps,
            d_loss=number(t.d_loss), g_loss=number(t.g_loss), loss=self.config.loss,
            next_phase=self.next_phase(), k_d=self.config.k_d, k_g=self.config.k_g,
            diverged=None if t.diverged is None else i18n.phrase(  # with how to recover: lab.msg.diverged
                "lab.msg.diverged", why=i18n.because(t.diverged.said())).wire(),
            ips=round(self.iterations_per_second(), 1), per_frame=self.per_frame(),
            floors=dict(kl=self.reference.kl_floor_bits, js=self.reference.js_floor_bits),
            modes_total=None if mixture is None else len(mixture.centres), mode_window=modes.DEFAULT_WINDOW,
            query=self.share_query(), view=view, layers=self.layers_version,
            heavy=have_layers != self.layers_version,
            losses=self.losses.since(have_losses), metrics=self.metrics.since(have_metrics),
            real=self.trainer.pool[: probe.N_SHOWN].numpy() if with_real else None, story=self.story(),
        )

    def per_frame(self) -> dict[str, Any] | None:
        """What the last play frame trained against what the speed asked, and why it was fewer: the page says so
        next to the speed slider, instead of silently training less than the slider shows."""
        if self._per_frame is None:
            return None
        trained, asked = self._per_frame
        why = None
        if trained < asked and not self.trainer.diverged:
            ms = 1000 * self.frame_budget_s
            pages = self.pages_playing()
            why = (i18n.phrase("lab.why.pages", pages=f"{pages:.0f}", ms=f"{ms:.0f}") if pages >= 1.5 else
                   i18n.phrase("lab.why.budget", ms=f"{ms:.0f}")).wire()  # the page says it in its language
        return dict(trained=trained, asked=asked, why=why)

    def story(self) -> dict[str, Any] | None:
        """The running preset's explanation, what to watch for and, once its sign has held, what happened."""
        if self.preset is None:
            return None
        p = presets.PRESETS[self.preset]  # as catalogue keys: the page says them in its language
        return dict(name=p.name, title=f"preset.{p.name}.title", explanation=f"preset.{p.name}.explanation",
                    watch=f"preset.{p.name}.watch", pair=p.pair and f"preset.{p.pair}.title",
                    happened=i18n.happened(self.track.check(p.sign)), changed=i18n.happened(self.track.changed))

    @staticmethod
    def _record(series: Series, row: list[Any]) -> None:
        """One row per iteration: a frame drawn again at the same iteration (a redraw, a single D or G step)
        updates its row, so a chart never holds an iteration twice."""
        if series.rows and series.rows[-1][0] == row[0]:
            series.rows[-1] = row
        else:
            series.add(row)

    def share_query(self) -> str:
        """The URL query of the running config (see share_config), computed once per config, not per frame."""
        if self._query[0] is not self.config:
            self._query = (self.config, share_config(self.config).to_query())
        return self._query[1]

    def save_to(self, directory: str) -> str:
        """Save the run (model + settings) into ``directory``; returns the file's path."""
        with self.lock:
            path = Path(directory) / f"gan2d-{self.config.data}-it{self.trainer.iteration}.pt"
            modes_seen = list(self.mode_history.records) if self.mode_history is not None else []
            checkpoint.save(self.trainer, path, checkpoint.Charts(list(self.losses.rows), list(self.metrics.rows),
                                                                  modes_seen))
            return str(path)

    def load_file(self, path: str) -> int:
        """Continue a saved run from ``path``; returns its iteration. ValueError (nothing changed) for a bad file."""
        saved = checkpoint.read(path)
        self.restart(saved.trainer.config, saved.trainer, saved.charts)
        return saved.trainer.iteration

    def recording(self) -> Recording:
        """The frames recorded for the GIF export and the real points drawn under them."""
        with self.lock:
            return Recording(list(self.exported), self.trainer.pool[: probe.N_SHOWN].numpy())

    def tile(self, goal_hq: float | None = None) -> Tile:
        """The run as the class wall shows it. ``goal_hq``: a challenge's share of high-quality samples; the tile
        says at which measured iteration the run first had every mode covered with at least that share."""
        with self.lock:
            t, track = self.trainer, self.track
            met_at = None
            if goal_hq is not None and track.modes_total:
                met_at = next((row[0] for row in self.metrics.rows if row[3] == track.modes_total
                               and row[4] is not None and row[4] >= 100 * goal_hq), None)
            return Tile(run=self.run_id, iteration=t.iteration, config=self.config, d_loss=number(t.d_loss),
                        g_loss=number(t.g_loss), modes=track.modes, modes_total=track.modes_total, hq=track.hq,
                        js=track.js, diverged=t.diverged is not None,
                        collapsed=t.iteration >= 300 and track.spread < COLLAPSED_BELOW, met_at=met_at,
                        view=self._view, real=self.trainer.pool[: probe.N_SHOWN].numpy())

    def close(self) -> None:
        """Nothing to free but the object (a RemoteSession frees its run in a worker process)."""

    def metrics_csv(self) -> str:
        """The run's chart data as CSV: one row per recorded frame, metrics where they were evaluated."""
        with self.lock:
            by_iteration = {row[0]: row for row in self.metrics.rows}
            lines = ["iteration,d_loss,g_loss,kl_bits,js_bits,modes_covered,hq_percent,modes_in_window"]
            for it, d, g in self.losses.rows:
                m = by_iteration.get(it, [it, None, None, None, None, None])
                lines.append(",".join(_csv(v) for v in (it, d, g, *m[1:])))
            return "\n".join(lines) + "\n"


def _csv(v: Any) -> str:
    if v is None:
        return ""
    return str(int(v)) if isinstance(v, int) else f"{v:.6g}"


