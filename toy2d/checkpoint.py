"""Save a run (config + weights + counters) to one file and load it back into a Trainer.

Loading takes files from strangers (the lab's upload), so the archive is inspected before torch.load sees it: a
1.9 MB file whose entries declare 2 GB made a worker allocate all of it. The declared sizes must fit the largest
run the settings allow (toy2d/budget.py), and only tensors and plain data are unpickled (weights_only).
"""
from __future__ import annotations

import math
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from . import budget
from .config import TrainConfig
from .reasons import Refused
from .trainer import Trainer

FORMAT = "gan-playground/toy2d/1"
MAX_CHART_ROWS = 5_000  # chart rows a file keeps per series (the lab keeps as many)
LOSS_COLUMNS, METRIC_COLUMNS = 3, 6  # [iteration, d, g] and [iteration, kl, js, modes, hq %, modes in window]
# G, D and G's average, each at most NET_WEIGHTS_LIMIT float32 weights, plus the small buffers and spectral-norm
# vectors beside them: twice that leaves room for the archive's own records. Then the charts, as float64.
MAX_ARCHIVE_BYTES = (2 * 3 * 4 * budget.NET_WEIGHTS_LIMIT + 256 * 1024
                     + 8 * MAX_CHART_ROWS * (LOSS_COLUMNS + METRIC_COLUMNS))
MAX_ENTRIES = 200  # one record per tensor: a run of 8 + 8 layers with spectral norm has well under 100
MAX_COUNTER = 10**12
MAX_MODES = 62  # a mode set is saved as the bits of one int64
NOT_A_RUN = "not a GAN Playground run file"


@dataclass(frozen=True)
class Charts:
    """A run's chart rows (None where a value was not measured), saved beside it so a loaded run keeps them."""

    losses: list[list] = field(default_factory=list)
    metrics: list[list] = field(default_factory=list)
    # the modes covered at each measurement of the recent window (modes.ModeHistory.records): without them a loaded
    # run's "modes in the last 1 000 iterations" starts again from the few seen since loading
    modes: list[tuple[int, frozenset]] = field(default_factory=list)


@dataclass(frozen=True)
class SavedRun:
    trainer: Trainer
    charts: Charts


def _table(rows: list[list], columns: int) -> torch.Tensor:
    rows = rows[-MAX_CHART_ROWS:]
    return torch.tensor([[math.nan if v is None else float(v) for v in r] for r in rows],
                        dtype=torch.float64).reshape(len(rows), columns)


def _rows(blob: dict, key: str, columns: int, whole: tuple[int, ...]) -> list[list]:
    """A saved table back as rows: NaN → None, counts (iterations, modes) as ints. Files without charts (older
    ones) give none."""
    t = blob.get(key)
    if t is None:
        return []
    if not isinstance(t, torch.Tensor) or t.dim() != 2 or t.shape[1] != columns or len(t) > MAX_CHART_ROWS:
        raise ValueError(f"{NOT_A_RUN}: its {key} chart is not a table of {columns} columns")
    out = []
    for r in t.tolist():
        out.append([None if math.isnan(v) else int(v) if i in whole else v for i, v in enumerate(r)])
    return out


def _mode_table(records: list[tuple[int, frozenset]]) -> torch.Tensor:
    """(iteration, bit mask of the modes covered) rows."""
    rows = [[int(it), sum(1 << int(m) for m in covered)] for it, covered in records[-MAX_CHART_ROWS:]]
    return torch.tensor(rows, dtype=torch.int64).reshape(len(rows), 2)


def _mode_records(blob: dict) -> list[tuple[int, frozenset]]:
    t = blob.get("mode_window")
    if t is None:
        return []
    if (not isinstance(t, torch.Tensor) or t.dtype != torch.int64 or t.dim() != 2 or t.shape[1] != 2
            or len(t) > MAX_CHART_ROWS or bool((t < 0).any()) or bool((t[:, 1] >= 1 << MAX_MODES).any())
            or bool((t[1:, 0] < t[:-1, 0]).any())):
        raise ValueError(f"{NOT_A_RUN}: its modes record is not a table of iterations and modes")
    return [(it, frozenset(m for m in range(MAX_MODES) if mask >> m & 1)) for it, mask in t.tolist()]


def save(trainer: Trainer, path: str | Path, charts: Charts | None = None) -> None:
    charts = charts or Charts()
    torch.save({
        "mode_window": _mode_table(charts.modes),
        "loss_chart": _table(charts.losses, LOSS_COLUMNS),
        "metric_chart": _table(charts.metrics, METRIC_COLUMNS),
        "d_loss": trainer.d_loss,
        "g_loss": trainer.g_loss,
        "format": FORMAT,
        "config": trainer.config.to_json(),
        "g": trainer.g.state_dict(),
        "d": trainer.d.state_dict(),
        "g_sample": trainer.g_sample.state_dict(),
        "iteration": trainer.iteration,
        "d_steps": trainer.d_steps,
        "g_steps": trainer.g_steps,
    }, path)


def inspect(path: str | Path) -> None:
    """Refuse, before anything is decompressed or unpickled, an archive bigger than any run can be."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused("run_not_archive", error=type(exc).__name__) from None
    declared = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or declared > MAX_ARCHIVE_BYTES:
        raise Refused("run_too_big", records=len(entries), mb=f"{declared / 1e6:,.1f}",
                      most=f"{MAX_ARCHIVE_BYTES / 1e6:.1f}")


def _counter(blob: dict, key: str) -> int:
    v = blob.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_COUNTER:
        raise ValueError(f"{NOT_A_RUN}: its {key} is {v!r}, not a count")
    return v


def _weights(blob: dict, key: str) -> dict[str, torch.Tensor]:
    v = blob.get(key)
    if not isinstance(v, dict) or not all(isinstance(t, torch.Tensor) for t in v.values()):
        raise ValueError(f"{NOT_A_RUN}: it has no {key} weights")
    return v


def load(path: str | Path) -> Trainer:
    """Rebuild the Trainer a file was saved from; ValueError with a message for the user for anything else."""
    return read(path).trainer


def _loss(blob: dict, key: str) -> float:
    v = blob.get(key)
    return float(v) if isinstance(v, float) and math.isfinite(v) else math.nan


def read(path: str | Path) -> SavedRun:
    """The saved run and its charts (see load)."""
    inspect(path)
    try:
        blob: Any = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        # torch's own message suggests weights_only=False, i.e. running whatever code the file carries: never that
        raise Refused("run_code") from None
    except Exception as exc:  # torch raises many types for a damaged file; the user needs one clear message
        raise Refused("run_unread", error=type(exc).__name__) from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise Refused("run_not_ours")
    if not isinstance(blob.get("config"), str):
        raise ValueError(f"{NOT_A_RUN}: its settings are missing or not in this lab's form")
    config = TrainConfig.from_json(blob["config"])  # validate() below refuses bad or too costly settings
    weights = {k: _weights(blob, k) for k in ("g", "d", "g_sample")}
    counters = [_counter(blob, k) for k in ("iteration", "d_steps", "g_steps")]
    trainer = Trainer(config)
    try:
        trainer.g.load_state_dict(weights["g"])
        trainer.d.load_state_dict(weights["d"])
        trainer.g_sample.load_state_dict(weights["g_sample"])
    except (RuntimeError, KeyError, ValueError) as exc:
        raise Refused("run_mismatch", detail=str(exc).splitlines()[0][:200]) from None
    trainer.iteration, trainer.d_steps, trainer.g_steps = counters
    trainer.d_loss, trainer.g_loss = _loss(blob, "d_loss"), _loss(blob, "g_loss")
    charts = Charts(_rows(blob, "loss_chart", LOSS_COLUMNS, whole=(0,)),
                    _rows(blob, "metric_chart", METRIC_COLUMNS, whole=(0, 3, 5)), _mode_records(blob))
    return SavedRun(trainer, charts)
