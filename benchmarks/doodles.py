"""How long until a class's GAN draws recognisable doodles, on this machine, and what augmentation changes.

Pools are drawn by program (models/doodles/shapes.py: many "hands", each its own proportions and wobble) and read
by the app's recipe. A judge (models/doodles/judge.py) is trained on *other* doodles of the word against a held-out
word (fish) and scribbles of nothing; "recognisable" is the first check at which it calls at least 80 % of 64
samples the word. Training runs as the app runs it (models/doodles/live.py, one thread as on the Space).

    .venv/bin/python benchmarks/doodles.py [--seconds 120] [--seeds 0 1 2] [--json]

Prints one line per run, then (with --json) one JSON object as the last line.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.doodles import data as doodles, judge as doodle_judge, shapes as doodle_shapes  # noqa: E402
from models.doodles.live import DoodleTrainer, distances  # noqa: E402
from toy2d import threads  # noqa: E402

GOAL = 0.8
CHECK_S = 2.0


def drawn(word: str, n: int, seed: int) -> np.ndarray:
    return np.stack([doodles.read(s) for s in doodle_shapes.pool(word, n, seed)])


def judges() -> dict[str, doodle_judge.Judge]:
    """A judge per word, each trained on doodles no GAN sees, against the other word and scribbles."""
    house, fish, nothing = drawn("house", 300, 101), drawn("fish", 300, 102), drawn("scribble", 300, 103)
    return {"house": doodle_judge.train_judge(house, fish, nothing), "fish": doodle_judge.train_judge(fish, house,
                                                                                                        nothing)}


def until_recognisable(words: list[str], n: int, seed: int, augment: bool, seconds: float,
                       judge: dict[str, doodle_judge.Judge]) -> dict:
    """Train on ``n`` doodles per word until every word's samples pass its judge (or ``seconds`` run out)."""
    pictures = np.concatenate([drawn(w, n, seed + 10 * i) for i, w in enumerate(words)])
    labels = np.repeat(np.arange(len(words)), n)
    t = DoodleTrainer(augment=augment, seed=seed)
    t.set_pool((pictures * 255).round().astype(np.uint8), labels)

    def shares() -> list[float]:
        drawn_now = t.draw(t.measure_z, len(words))
        return [judge[w].share(drawn_now[i]) for i, w in enumerate(words)]

    start, trained, met = shares(), 0.0, None
    while trained < seconds:
        t0 = time.perf_counter()
        t.train(CHECK_S)
        trained += time.perf_counter() - t0
        now = shares()
        if min(now) >= GOAL:
            met = {"seconds": round(trained, 1), "iterations": t.iteration, "shares": [round(s, 2) for s in now]}
            break
    return {"words": words, "per_word": n, "seed": seed, "augment": augment, "start_shares": start,
            "met": met, "closeness": {k: round(v, 3) for k, v in t.closeness(len(words)).items()}}


def memorisation(n: int, seed: int, augment: bool, iterations: int) -> dict:
    """A small pool trained for a fixed number of iterations: how near the samples are to their nearest doodle,
    as a ratio to the doodles' own spacing (new doodles by other hands score about 1; a copy scores 0), and the
    share of copies (ratio below COPY)."""
    t = DoodleTrainer(augment=augment, seed=seed)
    t.set_pool((drawn("house", n, seed) * 255).round().astype(np.uint8), np.zeros(n, int))
    t0 = time.perf_counter()
    t.train(1e9, most=iterations)
    near = t.closeness(1)
    fresh = distances(drawn("house", 64, 500 + seed), t.pictures).min(1).mean()  # new hands, same word
    return {"pool": n, "seed": seed, "augment": augment, "iterations": iterations,
            "seconds": round(time.perf_counter() - t0, 1), **{k: round(v, 3) for k, v in near.items()},
            "ratio": round(near["nearest"] / near["spacing"], 2), "fresh_ratio": round(fresh / near["spacing"], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=120.0, help="give up on a run after this much training")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--copies-iterations", type=int, default=1500)
    ap.add_argument("--copies-pools", type=int, nargs="+", default=[5, 15])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    threads.limit(1)  # as app.py: one thread per process
    torch.manual_seed(0)
    judge = judges()
    check = {w: {v: round(judge[w].share(drawn(v, 200, 900 + i)), 3) for i, v in enumerate(("house", "fish",
                                                                                              "scribble"))}
             for w in judge}
    print(f"judges on held-out doodles (share called the word): {check}", flush=True)
    runs = []
    for words, n in ((["house"], 40), (["house", "fish"], 40)):
        for augment in (True, False):
            for seed in args.seeds:
                r = until_recognisable(words, n, seed, augment, args.seconds, judge)
                runs.append(r)
                print(json.dumps(r), flush=True)
    copies = []
    for n in args.copies_pools:
        for augment in (False, True):
            for seed in args.seeds:
                r = memorisation(n, seed, augment, args.copies_iterations)
                copies.append(r)
                print(json.dumps(r), flush=True)

    def summary(words: int, augment: bool) -> dict:
        mine = [r for r in runs if len(r["words"]) == words and r["augment"] == augment]
        met = [r["met"]["seconds"] for r in mine if r["met"]]
        return {"met": f"{len(met)}/{len(mine)}", "median_s": float(np.median(met)) if met else None,
                "worst_s": max(met) if len(met) == len(mine) else None}

    out = {"judges": check, "goal": GOAL,
           "dcgan_40": {"augment": summary(1, True), "plain": summary(1, False)},
           "cgan_40x2": {"augment": summary(2, True), "plain": summary(2, False)},
           "memorisation": {f"pool_{n}": {a: {k: round(float(np.mean([r[k] for r in copies if r["pool"] == n
                                                                      and r["augment"] == (a == "augment")])), 3)
                                               for k in ("ratio", "copies", "fresh_ratio")}
                                           for a in ("plain", "augment")} for n in args.copies_pools}}
    if args.json:
        print(json.dumps(out))
    else:
        print(out)


if __name__ == "__main__":
    main()
