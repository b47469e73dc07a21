"""Mode coverage and sample quality on ring8 and grid25, literature style: mean ± standard error over seeds.

Each run uses the data set's default recipe with the loss swapped in (python -m toy2d train --data D --loss L --seed S
[--set pack=M]), one CPU thread; ``--packs 1 2 4`` adds PacGAN's packed D to each row. The goal: ring8 8/8 modes with
≥90 % high-quality samples, grid25 25/25 with ≥85 %, each run in ≤30 s, every seed.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"ring8": (8, 0.90), "grid25": (25, 0.85)}
SECONDS_GOAL = 30.0


def train(data: str, loss: str, seed: int, steps: int | None, pack: int = 1) -> dict:
    cmd = [sys.executable, "-m", "toy2d", "train", "--data", data, "--loss", loss, "--seed", str(seed),
           "--threads", "1", "--json"]
    if pack > 1:
        cmd += ["--set", f"pack={pack}"]
    if steps:
        cmd += ["--steps", str(steps)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def mean_se(values: list[float]) -> str:
    m = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return f"{m:.2f} ± {se:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", default=list(GOALS))
    ap.add_argument("--losses", nargs="+", default=["nonsaturating", "wgan-gp", "hinge"])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, help="override the recipe's iterations")
    ap.add_argument("--packs", nargs="+", type=int, default=[1],
                    help="PacGAN packings to run the recipes with (e.g. 1 2 4)")
    ap.add_argument("--json", action="store_true", help="also print every run as a JSON line")
    args = ap.parse_args()

    print(f"{'data':7} {'loss':14} {'pack':>4} {'modes':>14} {'HQ %':>14} {'JS bits':>12} {'seconds':>12}  goal met "
          f"every seed")
    all_ok = True
    for data in args.data:
        for loss, pack in [(loss, pack) for loss in args.losses for pack in args.packs]:
            runs = [train(data, loss, s, args.steps, pack) for s in range(args.seeds)]
            if args.json:
                for r in runs:
                    print(json.dumps(r))
            modes_goal, hq_goal = GOALS.get(data, (None, None))
            ok = all(r["modes_covered"] == modes_goal and r["hq_fraction"] >= hq_goal
                     and r["seconds"] <= SECONDS_GOAL and not r["diverged"] for r in runs) if modes_goal else None
            all_ok &= bool(ok)
            per_seed = ", ".join(f"{r['modes_covered']}/{100 * r['hq_fraction']:.0f}%" for r in runs)
            print(f"{data:7} {loss:14} {pack:>4} {mean_se([r['modes_covered'] for r in runs]):>14} "
                  f"{mean_se([100 * r['hq_fraction'] for r in runs]):>14} "
                  f"{mean_se([r['js_bits'] for r in runs]):>12} {mean_se([r['seconds'] for r in runs]):>12}  "
                  f"{'yes' if ok else 'NO'}  (per seed: {per_seed})", flush=True)
    print("all goals met" if all_ok else "some goals NOT met")


if __name__ == "__main__":
    main()
