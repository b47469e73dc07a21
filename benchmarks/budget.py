"""toy2d/budget.py's estimate against measurement: one iteration and one frame's view for a spread of settings.

Prints, per case, estimated and measured milliseconds of one iteration (one core, all pools single-threaded) and
their ratio, and the measured view + metrics time of a frame beside the nets' weights; with
--fit, least-squares fits of MACS_PER_MS, PASS_MS and AUTOGRAD_PASS_MS to the measured iterations. --json ends with
one JSON line: {"cases": [...], "fit": {...} or null, "max_ratio": ..., "min_ratio": ...}.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from toy2d import budget, probe, threads  # noqa: E402
from toy2d.config import TrainConfig  # noqa: E402
from toy2d.trainer import Trainer  # noqa: E402

CASES = [dict(), dict(batch=2048), dict(batch=4096), dict(g_width=150, d_width=150),
         dict(g_width=85, d_width=85, g_depth=4, d_depth=4), dict(g_width=150, d_width=150, batch=1024),
         dict(loss="wgan-gp", k_d=5), dict(loss="wgan-gp", k_d=2, batch=1024), dict(unrolled_k=5),
         dict(r1_gamma=1.0, r1_every=1), dict(d_spectral_norm=True, d_width=128), dict(k_d=10, k_g=10),
         dict(g_depth=8, d_depth=8, g_width=32, d_width=32)]


def measure(config: TrainConfig, seconds: float = 0.6) -> tuple[float, float]:
    t = Trainer(config)
    t.run(3)
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds and n < 300:
        t.step()
        n += 1
    it = (time.perf_counter() - t0) / n * 1e3
    t0 = time.perf_counter()
    for _ in range(3):  # what a frame adds to training: the view and the metrics' sample
        probe.frame(t, None)
        t.sample(10_000)
    return it, (time.perf_counter() - t0) / 3 * 1e3


def features(config: TrainConfig) -> tuple[float, float, float]:
    """(MACs, plain passes, autograd passes) of one iteration, by evaluating the model with unit constants."""
    saved = budget.MACS_PER_MS, budget.PASS_MS, budget.AUTOGRAD_PASS_MS
    try:
        out = []
        for consts in ((1.0, 0.0, 0.0), (1e30, 1.0, 0.0), (1e30, 0.0, 1.0)):
            budget.MACS_PER_MS, budget.PASS_MS, budget.AUTOGRAD_PASS_MS = consts
            out.append(budget.estimate(config).iteration_ms)
        return tuple(out)  # type: ignore[return-value]
    finally:
        budget.MACS_PER_MS, budget.PASS_MS, budget.AUTOGRAD_PASS_MS = saved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    threads.limit(1)
    rows = []
    for case in CASES:
        config = TrainConfig(**case)
        est = budget.estimate(config)
        it, frame = measure(config)
        rows.append(dict(settings=case, iteration_est_ms=round(est.iteration_ms, 2), iteration_ms=round(it, 2),
                         ratio=round(est.iteration_ms / it, 2), weights=[est.g_weights, est.d_weights],
                         view_ms=round(frame, 2)))
        print(f"{json.dumps(case):60s} iteration est {est.iteration_ms:7.2f} ms, measured {it:7.2f} "
              f"(×{est.iteration_ms / it:.2f}); weights G {est.g_weights:,} D {est.d_weights:,}: view + metrics "
              f"{frame:6.1f} ms", flush=True)
    fit = None
    if args.fit:
        a = np.array([features(TrainConfig(**c)) for c in CASES])
        y = np.array([r["iteration_ms"] for r in rows])
        coef, *_ = np.linalg.lstsq(a / y[:, None], np.ones_like(y), rcond=None)  # relative error
        fit = dict(MACS_PER_MS=float(1 / coef[0]), PASS_MS=float(coef[1]), AUTOGRAD_PASS_MS=float(coef[2]))
        print("fit:", fit)
    ratios = [r["ratio"] for r in rows]
    if args.json:
        print(json.dumps(dict(cases=rows, fit=fit, max_ratio=max(ratios), min_ratio=min(ratios))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
