"""Speed of the 2D engine on one CPU thread: training iterations/s, ms per frame probe, ms per metrics call.

Prints a table; --json adds one JSON line. GAN Lab itself does ~37 iterations/s on this machine in headless
Chromium; the goal is ≥20× that (≥740 it/s) for its own preset, leaving room for drawing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toy2d import metrics, probe  # noqa: E402
from toy2d.presets import resolve  # noqa: E402
from toy2d.trainer import Trainer  # noqa: E402

GANLAB_ITS_PER_S = 37.0


def iterations_per_second(preset: str | None, data: str | None, loss: str | None, steps: int, repeats: int) -> float:
    config, _ = resolve(data, loss, preset)
    rates = []
    for r in range(repeats):
        trainer = Trainer(config.replace(seed=r))
        trainer.run(50)  # warm-up: first calls allocate
        start = time.perf_counter()
        trainer.run(steps)
        rates.append(steps / (time.perf_counter() - start))
    return statistics.median(rates)


def ms_per_call(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)

    rows = [
        ("GAN Lab preset (gaussians, 1×8 ReLU, SGD, kD 2)", "ganlab", None, None),
        ("ring8 recipe (3×64, Adam, lazy R1)", None, "ring8", None),
        ("ring8 WGAN-GP (3×64, kD 2, GP)", None, "ring8", "wgan-gp"),
    ]
    result: dict[str, float] = {}
    print(f"{'configuration':52} {'it/s':>9} {'× GAN Lab':>10}")
    for label, preset, data, loss in rows:
        steps = args.steps if preset else max(300, args.steps // 5)
        rate = iterations_per_second(preset, data, loss, steps, args.repeats)
        result[label] = rate
        print(f"{label:52} {rate:9.0f} {rate / GANLAB_ITS_PER_S:9.1f}×")

    trainer = Trainer(resolve(None, None, "ganlab")[0])
    trainer.run(200)
    frame_ms = ms_per_call(lambda: probe.frame(trainer, n_grid=100), 30)
    fake = trainer.sample(metrics.N_DIVERGENCE)
    reference_ms = ms_per_call(lambda: metrics.reference(trainer.dist), 3)
    ref = metrics.reference(trainer.dist)
    metrics_ms = ms_per_call(lambda: metrics.evaluate(trainer.dist, fake, ref), 5)
    print(f"{'frame probe, 100×100 heatmap + 500 points + arrows + manifold':52} {frame_ms:8.1f} ms")
    print(f"{'metrics call (KL/JS, W1 on 1000, modes; reused floors)':52} {metrics_ms:8.1f} ms")
    print(f"{'reference for a data set (real samples + floors, once)':52} {reference_ms:8.1f} ms")
    if args.json:
        print(json.dumps({"ganlab_iterations_per_second": round(result[rows[0][0]], 1),
                          "ring8_iterations_per_second": round(result[rows[1][0]], 1),
                          "ring8_wgan_gp_iterations_per_second": round(result[rows[2][0]], 1),
                          "frame_ms": round(frame_ms, 2), "metrics_ms": round(metrics_ms, 2),
                          "reference_ms": round(reference_ms, 2)}))


if __name__ == "__main__":
    main()
