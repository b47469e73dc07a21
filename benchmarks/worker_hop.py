"""What a frame costs to reach its run: the same run in this process, in a worker process over a socket
(playground/lab/workers.py), and in a Ray actor on a local two-node cluster (playground/lab/cluster.py).

For each, one page's run (GAN Lab's preset, and the lab's default ring run): ``hop`` is the median round trip of a
call that does no work (the worker's run count), ``frame`` the median time of a whole frame of one iteration (`play`,
1), and ``frame_20`` of the page's default 20 iterations. The hop is what a page pays per frame for its run living
elsewhere; ``front_cpu_ms_per_frame`` is this process's CPU per frame of one iteration (the Gradio process's share:
what bounds the frames one front process can route). --json ends with one JSON line: {kind: {preset: {hop_ms,
frame_ms, frame_20_ms, front_cpu_ms_per_frame}}}.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.lab import session as lab_session  # noqa: E402
from playground.lab.protocol import FrameRequest  # noqa: E402
from playground.lab.runs import Registry  # noqa: E402
from toy2d.presets import resolve  # noqa: E402

RUNS = {"ganlab": lambda: resolve(preset="ganlab")[0], "ring8": lambda: resolve("ring8")[0]}


def median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 3)


def front_cpu_ms(fn, repeats: int) -> float:
    """This (the front) process's CPU time per call: what bounds the frames one Gradio process can route."""
    t = time.process_time()
    for _ in range(repeats):
        fn()
    return round((time.process_time() - t) / repeats * 1000, 3)


def measure(registry: Registry, repeats: int) -> dict:
    out = {}
    for name, config in RUNS.items():
        page = registry.get(f"hop-{name}", config())
        page.frame_budget_s = math.inf
        worker = getattr(page, "_worker", None)
        hop = median_ms(lambda: worker.call("", "count"), repeats) if worker is not None else 0.0
        play = lambda n: lambda: page.reply(FrameRequest(page.token, "play", n))  # noqa: E731
        out[name] = {"hop_ms": hop, "frame_ms": median_ms(play(1), repeats),
                     "frame_20_ms": median_ms(play(20), repeats),
                     "front_cpu_ms_per_frame": front_cpu_ms(play(1), repeats)}
        registry.drop(f"hop-{name}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    lab_session.FRAME_TRAIN_BUDGET_S = math.inf  # whole frames: the hop, not the budget, is measured
    result = {}
    local = Registry()
    result["in_process"] = measure(local, args.repeats)
    local.start_workers(1)
    result["socket"] = measure(local, args.repeats)
    local.stop_workers()

    import ray
    from ray.cluster_utils import Cluster

    node = dict(num_cpus=1, object_store_memory=80 * 2**20)
    cluster = Cluster(initialize_head=True, head_node_args=dict(node, include_dashboard=False))
    cluster.add_node(**node)
    cluster.wait_for_nodes()
    try:
        remote = Registry()
        remote.start_workers(1, cluster.address)
        result["ray"] = measure(remote, args.repeats)
        remote.stop_workers()
    finally:
        ray.shutdown()
        cluster.shutdown()
    for kind, rows in result.items():
        for name, row in rows.items():
            print(f"{kind:10} {name:7} hop {row['hop_ms']:7.3f} ms · frame of 1 it {row['frame_ms']:7.3f} ms · "
                  f"of 20 it {row['frame_20_ms']:7.3f} ms · front process CPU {row['front_cpu_ms_per_frame']:.3f} "
                  f"ms a frame")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
