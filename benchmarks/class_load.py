"""A class of N students and one teacher's wall against one `python app.py` on 127.0.0.1 (issue 25).

Each student is benchmarks/load.py's simulated page (the page-load event, then frames from the lab's route as fast
as the page asks for them), which first joins the class with the code the teacher's start event showed. The
teacher's wall is refreshed as the page's timer does, once a second (the wall event, over the queue), and each
refresh's tiles are read: how long a refresh takes, and whether every tile's iteration moved between refreshes.

--json ends with one JSON line: students, seconds, frames/s and it/s per student (median and minimum), the wall's
refresh time (median, max), refreshes per second, the share of refreshes in which every tile had moved, errors.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import Session  # noqa: E402
from tools.served_app import API, app_config, lab_ids, run_event, served  # noqa: E402


def fn_of(config: dict, elem_id: str, trigger: str | None = None, output: str | None = None) -> int:
    """The fn index of the event on the component ``elem_id`` (its ``trigger``), or writing to ``output``."""
    ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
    for i, d in enumerate(config["dependencies"]):
        if trigger is not None and any(t[0] == ids[elem_id] and t[1] == trigger for t in d["targets"]):
            return d.get("id", i)
        if output is not None and ids[output] in d["outputs"] and ids[elem_id] in d["inputs"]:
            return d.get("id", i)
    raise LookupError(elem_id)


def tiles(wall_html: str) -> dict[str, int]:
    """nickname → iteration, read off the wall's HTML as the teacher sees it."""
    out = {}
    for name, it in re.findall(r"<b>([^<]*)</b>.*?it ([\d,]+)", wall_html):
        out[name] = int(it.replace(",", ""))
    return out


def measure(students: int, seconds: float, warmup: float, wall_open: bool = True) -> dict:
    with served() as (base, server):
        config = app_config(base)
        view, load_fn = lab_ids(config)
        start_fn = fn_of(config, "class-start", trigger="click")
        join_fn = fn_of(config, "class-join-btn", trigger="click")
        wall_fn = fn_of(config, "class-sort", output="class-wall")
        teacher = uuid.uuid4().hex[:11]
        heartbeat = __import__("urllib.request").request.urlopen(f"{base}{API}/heartbeat/{teacher}", timeout=3600)
        card = run_event(base, start_fn, teacher, [max(students, 1)])[1]  # the class keeps a place each
        code = re.search(r"class='code'>(\w+)<", card).group(1)
        stop = threading.Event()
        pages = [Session(base, view, load_fn, 20, 0.03, stop) for _ in range(students)]
        for i, s in enumerate(pages):
            s.open()
            run_event(base, join_fn, s.session_hash, [code, f"student {i:02d}"])
        for s in pages:
            s.start()
        time.sleep(warmup)
        times, moved, previous, errors = [], [], None, 0
        t_end = time.perf_counter() + seconds
        t0 = time.perf_counter()
        while time.perf_counter() < t_end:
            tick = time.perf_counter()
            if not wall_open:  # the same class, nobody looking: the students' figures without the wall's cost
                time.sleep(1.0)
                continue
            try:
                wall = run_event(base, wall_fn, teacher, [None, "name", "all"])[0]
            except RuntimeError:
                errors += 1
                continue
            times.append(time.perf_counter() - tick)
            now = tiles(wall)
            if previous is not None:
                moved.append(len(now) == students and all(now[n] > previous.get(n, -1) for n in now))
            previous = now
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))  # the page's timer: once a second
        wall_s = time.perf_counter() - t0
        stop.set()
        for s in pages:
            s.join(timeout=60)
        rates = [s.frames / (s.ended - s.started) for s in pages]
        its = [s.iterations / (s.ended - s.started) for s in pages]
        for s in pages:
            s.close()
        heartbeat.close()
        return dict(students=students, seconds=seconds, errors=errors + sum(s.errors for s in pages),
                    frames_per_second=round(statistics.median(rates), 1), frames_per_second_min=round(min(rates), 1),
                    iterations_per_second=round(statistics.median(its), 1),
                    iterations_per_second_min=round(min(its), 1),
                    wall_open=wall_open, wall_refresh_s=round(statistics.median(times), 3) if times else None,
                    wall_refresh_max_s=round(max(times), 3) if times else None,
                    wall_refreshes_per_second=round(len(times) / wall_s, 2),
                    every_tile_moved=round(sum(moved) / max(1, len(moved)), 3), tiles_seen=len(previous or {}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=15.0)
    ap.add_argument("--no-wall", action="store_true", help="the same class with nobody looking at the wall")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = measure(args.students, args.seconds, args.warmup, not args.no_wall)
    print(f"{r['students']} students: {r['frames_per_second']} frames/s (min {r['frames_per_second_min']}), "
          f"{r['iterations_per_second']} it/s (min {r['iterations_per_second_min']}) each; the wall refreshed "
          f"{r['wall_refreshes_per_second']}×/s in {r['wall_refresh_s']} s (max {r['wall_refresh_max_s']}), every "
          f"tile moved in {r['every_tile_moved']:.0%} of refreshes; {r['errors']} errors")
    if args.json:
        print(json.dumps(r))
    return 0 if r["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
