"""``python -m toy2d train …``: train one run from the command line and report its metrics.

The flag names and the JSON keys are a contract (benchmarks and other tools parse them): keep them.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any, Sequence

import numpy as np
from tqdm import tqdm

from . import distributions, losses, metrics, pointsio, threads
from .presets import PRESET_NAMES, resolve
from .trainer import Trainer

JSON_KEYS = ("data", "loss", "steps", "seconds", "steps_per_second", "d_loss", "g_loss", "js_bits", "kl_bits",
             "js_floor_bits", "w1", "modes_covered", "modes_total", "hq_fraction", "diverged")
LOSS_WINDOW = 100  # reported losses are means over the last iterations: a single step is too noisy to compare


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m toy2d", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train one 2D GAN and print its metrics")
    t.add_argument("--data", choices=distributions.NAMES, help="data set (default: ring8, or the preset's)")
    t.add_argument("--points", help="CSV file of x,y rows for --data points")
    t.add_argument("--loss", choices=losses.LOSS_NAMES)
    t.add_argument("--preset", choices=PRESET_NAMES, help="a named scenario (see toy2d/presets.py)")
    t.add_argument("--steps", type=int, help="iterations (default: the recipe's)")
    t.add_argument("--seed", type=int)
    t.add_argument("--lr-d", type=float)
    t.add_argument("--lr-g", type=float)
    t.add_argument("--batch", type=int)
    t.add_argument("--k-d", type=int)
    t.add_argument("--k-g", type=int)
    t.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="any other TrainConfig field, e.g. --set noise_dim=8 (repeatable)")
    t.add_argument("--threads", type=int, default=1,
                   help="compute threads for torch, OpenMP and BLAS alike (default 1: the nets are tiny)")
    t.add_argument("--json", action="store_true", help="print one JSON object as the last stdout line")
    t.add_argument("--save", help="write the final config and weights to this .pt file")
    return ap


def _finite_or_none(x: Any) -> Any:
    return x if not isinstance(x, float) or math.isfinite(x) else None


def summarise(trainer: Trainer, seconds: float) -> dict[str, Any]:
    """The CLI's JSON record for a finished (or diverged) run."""
    tail = trainer.history[-LOSS_WINDOW:]
    report = metrics.evaluate(trainer.dist, trainer.sample(metrics.N_DIVERGENCE))
    out = {
        "data": trainer.config.data,
        "loss": trainer.config.loss,
        "steps": trainer.iteration,
        "seconds": round(seconds, 3),
        "steps_per_second": round(trainer.iteration / seconds, 1) if seconds > 0 else None,
        "d_loss": float(np.mean([h[1] for h in tail])) if tail else None,
        "g_loss": float(np.mean([h[2] for h in tail])) if tail else None,
        "js_bits": report.js_bits,
        "kl_bits": report.kl_bits,
        "js_floor_bits": report.js_floor_bits,
        "w1": report.w1,
        "modes_covered": report.modes_covered,
        "modes_total": report.modes_total,
        "hq_fraction": report.hq_fraction,
        "diverged": trainer.diverged.message() if trainer.diverged else None,
    }
    assert tuple(out) == JSON_KEYS
    return {k: _finite_or_none(v) for k, v in out.items()}


def train(args: argparse.Namespace) -> int:
    overrides: dict[str, Any] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set needs FIELD=VALUE, got {item!r}")
        overrides[key.strip()] = value.strip()
    for flag, key in (("seed", "seed"), ("lr_d", "lr_d"), ("lr_g", "lr_g"), ("batch", "batch"), ("k_d", "k_d"),
                      ("k_g", "k_g")):
        if getattr(args, flag) is not None:
            overrides[key] = getattr(args, flag)
    if args.points:
        overrides["points"] = pointsio.read_points_csv(args.points).tolist()
    config, steps = resolve(args.data, args.loss, args.preset, overrides, args.steps)
    if steps < 1:
        raise ValueError("--steps must be at least 1")
    threads.limit(args.threads)
    trainer = Trainer(config)
    start = time.perf_counter()
    with tqdm(total=steps, file=sys.stderr, desc=f"{config.data}/{config.loss}", unit="it",
              mininterval=0.5) as bar:
        done = 0
        while done < steps and not trainer.diverged:
            chunk = min(100, steps - done)
            done += trainer.run(chunk)
            bar.update(chunk)
    seconds = time.perf_counter() - start
    result = summarise(trainer, seconds)
    if args.save:
        from .checkpoint import save
        save(trainer, args.save)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>16}: {v}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return train(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
