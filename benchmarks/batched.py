"""Runs trained alone vs trained together (toy2d/batched.py), and the machine's limit for the same shapes.

For R runs of one recipe (different seeds): iterations per second in all when each run is stepped alone (what a
worker does today, one page after another), when the R runs are stepped as one Group, and the limit: the same
matrix products and elementwise work as one batched computation with no per-run Python at all (batches drawn
beforehand, no bookkeeping). Prints a table; --json ends with one JSON line.

    .venv/bin/python benchmarks/batched.py --runs 1 8 30 60 --preset ganlab
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from toy2d import threads  # noqa: E402
from toy2d.batched import Group  # noqa: E402
from toy2d.presets import resolve  # noqa: E402
from toy2d.trainer import Trainer  # noqa: E402


def runs_of(config, r: int) -> list[Trainer]:
    return [Trainer(config.replace(seed=i)) for i in range(r)]


def alone(config, r: int, seconds: float) -> float:
    ts = runs_of(config, r)
    for t in ts:
        t.run(3)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for t in ts:
            t.step()
        done += r
    return done / (time.perf_counter() - t0)


def together(config, r: int, seconds: float) -> float:
    group = Group(runs_of(config, r))
    group.run(3)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        done += group.step()
    return done / (time.perf_counter() - t0)


def limit(config, r: int, seconds: float) -> float:
    """The group's arithmetic alone: the same stacked products, activations and optimiser updates per iteration,
    on batches drawn beforehand, with no per-run step, bookkeeping or random draws."""
    group = Group(runs_of(config, r))
    b, rng = config.batch, np.random.default_rng(0)
    real = rng.normal(size=(r, b, 2)).astype(np.float32)
    noise = rng.normal(size=(r, b, config.noise_dim)).astype(np.float32)
    every = np.arange(r)
    lr = np.full(r, 1e-4)
    betas = np.tile([0.5, 0.999], (r, 1))

    def iteration() -> None:
        for _ in range(config.k_d):
            fake, _ = group.g.forward(noise)
            h, cache = group.d.forward(np.concatenate([real, fake], axis=1))
            _, g_r, g_f = group.loss.d_numpy(h[:, :b, 0], h[:, b:, 0])
            _, grads = group.d.backward(np.concatenate([g_r, g_f], axis=1)[:, :, None], cache, True)
            group.d.apply(grads, every, lr, betas, 1e-8)
        for _ in range(config.k_g):
            fake, g_cache = group.g.forward(noise)
            h, d_cache = group.d.forward(fake)
            _, g_h = group.loss.g_numpy(h[:, :, 0])
            g_x, _ = group.d.backward(g_h[:, :, None], d_cache, False)
            _, grads = group.g.backward(g_x, g_cache, True)
            group.g.apply(grads, every, lr, betas, 1e-8)

    with np.errstate(all="ignore"):
        iteration()
        done, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            iteration()
            done += r
    return done / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, nargs="+", default=[1, 8, 30, 60])
    ap.add_argument("--preset", default=None, help="a teaching preset (default: the ring8 recipe, the lab's default)")
    ap.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    threads.limit(args.threads)
    config = resolve(preset=args.preset)[0] if args.preset else resolve("ring8")[0]
    rows = []
    print(f"{args.preset or 'ring8 recipe'}: it/s in all ({args.threads} thread)")
    print(f"{'runs':>5} {'alone':>9} {'together':>9} {'limit':>9} {'together/limit':>15} {'together/alone':>15}")
    for r in args.runs:
        a, g, lim = alone(config, r, args.seconds), together(config, r, args.seconds), limit(config, r, args.seconds)
        rows.append(dict(runs=r, alone=round(a), together=round(g), limit=round(lim)))
        print(f"{r:>5} {a:>9.0f} {g:>9.0f} {lim:>9.0f} {g / lim:>15.2f} {g / a:>15.2f}", flush=True)
    if args.json:
        print(json.dumps(dict(preset=args.preset, threads=args.threads, rows=rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
