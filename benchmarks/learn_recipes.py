"""Iterations until a 2D run has learned its data, per seed: the lever a class feels most (issue 41).

A run has learned a mixture when one measurement (the live lab's: metrics.evaluate on the run's fixed-noise sample)
finds every mode covered with at least --hq of the samples high quality. Runs are measured every --every
iterations up to --most; the iteration count does not depend on the machine, the milliseconds per iteration (one
thread, training only) do, so compare those as ratios within one run of this script.

    .venv/bin/python benchmarks/learn_recipes.py --data ring8 --seeds 100-115
    .venv/bin/python benchmarks/learn_recipes.py --data ring8 --set batch=128 lr_d=5e-3 --json

--json ends with one JSON line: data, settings, seeds, iterations (per seed; null where never learned),
median_iterations, worst_iterations (--most when a seed never learned), learned (share of seeds),
ms_per_iteration (median over seeds).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toy2d import metrics, presets  # noqa: E402
from toy2d.trainer import Trainer  # noqa: E402


def parse_value(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text, text)


def seeds_of(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def learn(job: tuple[str, dict, int, int, int, float, int | None]) -> dict:
    """One seed: iterations until learned (None if not within ``most``), and training ms per iteration."""
    import torch

    torch.set_num_threads(1)
    data, settings, seed, every, most, hq, steps = job
    config = presets.resolve(data, overrides={**settings, "seed": seed}, steps=steps)[0]
    trainer = Trainer(config)
    ref = metrics.reference(trainer.dist, with_w1=False)
    spent, learned_at = 0.0, None
    while trainer.iteration < most:
        t0 = time.process_time()
        trainer.run(every)
        spent += time.process_time() - t0
        if trainer.diverged:
            break
        r = metrics.evaluate(trainer.dist, trainer.sample(metrics.N_DIVERGENCE), ref, with_w1=False)
        if r.modes_covered == r.modes_total and r.hq_fraction >= hq:
            learned_at = trainer.iteration
            break
    return dict(seed=seed, iterations=learned_at, ms_per_iteration=1000 * spent / max(1, trainer.iteration))


def measure(data: str, settings: dict, seeds: list[int], every: int = 50, most: int = 4000, hq: float = 0.8,
            steps: int | None = None, processes: int = 2) -> dict:
    jobs = [(data, settings, s, every, most, hq, steps) for s in seeds]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        rows = pool.map(learn, jobs)
    its = [r["iterations"] for r in rows]
    counted = [most if i is None else i for i in its]
    return dict(data=data, settings=settings, steps=steps, seeds=seeds, iterations=its,
                median_iterations=statistics.median(counted), worst_iterations=max(counted),
                learned=sum(i is not None for i in its) / len(its),
                ms_per_iteration=round(statistics.median(r["ms_per_iteration"] for r in rows), 3))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="ring8")
    ap.add_argument("--seeds", default="100-107", help="e.g. 100-115 or 5,6,7 (the tests use 0-4)")
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="settings over the data's recipe")
    ap.add_argument("--steps", type=int, help="the recipe's length (its anneal), if not the recipe's own")
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--most", type=int, default=4000)
    ap.add_argument("--hq", type=float, default=0.8)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    settings = {k: parse_value(v) for k, v in (s.split("=", 1) for s in args.set)}
    out = measure(args.data, settings, seeds_of(args.seeds), args.every, args.most, args.hq, args.steps,
                  args.processes)
    print(f"{args.data} {settings or '(its recipe)'}: learned on {out['learned']:.0%} of {len(out['seeds'])} seeds; "
          f"iterations median {out['median_iterations']}, worst {out['worst_iterations']} "
          f"({out['iterations']}); {out['ms_per_iteration']} ms per iteration")
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
