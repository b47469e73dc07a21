"""The 2D engine from a notebook: ``toy2d.train(...)`` trains a run as the lab would and hands back what a teacher
preparing slides wants of it — its numbers, the lab's picture as a Plotly figure, an animation of its training.

    import toy2d
    run = toy2d.train("ring8", loss="wgan-gp", steps=2000, seed=0, record_every=200)
    run.metrics()      # JS/KL in bits, modes covered, high-quality share, losses: the CLI's --json record
    run.figure()       # the lab's layered view now
    run.animate()      # the recorded snapshots with a Play button and a slider
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from . import probe
from .figure import LAYERS, animation, view_figure
from .cli import summarise
from .presets import resolve
from .trainer import Trainer


@dataclass
class TrainedRun:
    """A trained run and the snapshots recorded while it trained."""
    trainer: Trainer
    seconds: float = 0.0
    record_every: int | None = None
    snapshots: list[probe.Frame] = field(default_factory=list)

    def train(self, steps: int) -> "TrainedRun":
        """``steps`` more iterations (fewer if the run diverges), snapshots every ``record_every``."""
        t0, done = time.perf_counter(), 0
        while done < steps and not self.trainer.diverged:
            chunk = steps - done if not self.record_every else min(steps - done, self._to_next_snapshot())
            done += max(1, self.trainer.run(chunk))
            if self.record_every and self.trainer.iteration % self.record_every == 0:
                self._snapshot()
        self.seconds += time.perf_counter() - t0
        return self

    def _to_next_snapshot(self) -> int:
        return self.record_every - self.trainer.iteration % self.record_every

    def _snapshot(self) -> None:
        prev = self.snapshots[-1].box if self.snapshots else None
        self.snapshots.append(probe.frame(self.trainer, prev_box=prev))

    def metrics(self) -> dict[str, Any]:
        """The run's numbers now, as `python -m toy2d train --json` prints them."""
        return summarise(self.trainer, self.seconds)

    def figure(self, layers: tuple[str, ...] = LAYERS) -> go.Figure:
        """The lab's layered view of the run now (``layers``: any of toy2d.figure.LAYERS)."""
        return view_figure(probe.frame(self.trainer), layers,
                                  f"{self.trainer.config.data}, {self.trainer.config.loss}: "
                                  f"iteration {self.trainer.iteration}")

    def animate(self, layers: tuple[str, ...] = LAYERS) -> go.Figure:
        """The snapshots recorded every ``record_every`` iterations, played in the figure."""
        return animation(self.snapshots, layers,
                                f"{self.trainer.config.data}, {self.trainer.config.loss}")


def train(data: str = "ring8", loss: str | None = None, preset: str | None = None, steps: int | None = None,
          seed: int = 0, record_every: int | None = None, **settings: Any) -> TrainedRun:
    """Train a run with the lab's recipe for ``data`` (or a teaching ``preset``), ``loss`` and any other setting
    of toy2d.config.TrainConfig by name (lr_d=…, k_d=…); ``steps`` defaults to the recipe's. With
    ``record_every``, a snapshot every that many iterations (and one at the start) for ``animate()``."""
    config, n = resolve(data, loss, preset, {"seed": seed, **settings}, steps)
    if record_every is not None and record_every < 1:
        raise ValueError("record_every must be at least 1")
    run = TrainedRun(Trainer(config), record_every=record_every)
    if record_every:
        run._snapshot()
    return run.train(n)
