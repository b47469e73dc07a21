"""How long a class waits to see the GAN learn: N pages press Play together on one `python app.py` (issue 41).

Each page is a simulated browser (benchmarks/load.py's Session: the heartbeat, the page-load event, the lab's frame
route on a kept-alive connection, a paint time per frame). Page i opens a link holding the run (the data set's
recipe, or --preset's settings) with its own seed (--first-seed + i; the tests use 0-4), as a class's students do
when the teacher shares settings; then all press Play at the same moment. A page has learned when a metric row of its
own run (the rows the page charts) first shows every mode covered with ≥ 80 % high-quality samples (mixtures), or,
for a teaching preset, when the page's story first says its sign happened. The time is from Play to the reply that
carried it.

--json ends with one JSON line with median_seconds_to_learn, worst_seconds_to_learn (--seconds when a page never
learned), share_learned, frames_per_second_per_page, iterations_per_second_per_page (medians over pages),
iterations_to_learn (median), errors, server_cores, rss_start_mb, rss_end_mb, sessions_left, preset, data, pages,
seconds, and seconds_to_learn (every page's; null where never).
--pages 1,8,16,30,60 runs one class per count and ends with a table (and {"table": [...]} with --json).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import Session  # noqa: E402
from toy2d.presets import resolve  # noqa: E402
from tools.served_app import app_config, cpu_seconds, lab_ids, rss_mb, served  # noqa: E402

HQ_PERCENT = 80.0


class Pupil(Session):
    """A page that presses Play at ``go`` and notes when its run first meets the goal."""

    def __init__(self, *args, go: threading.Event, modes: int | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.go, self.modes = go, modes
        self.learned_s: float | None = None
        self.learned_at: int | None = None
        self.played = 0.0

    def met(self, p: dict) -> int | None:
        """The iteration at which this reply first shows the goal met, or None."""
        if self.modes is None:  # a teaching preset: its own sign, as the page's story says it
            story = p.get("story") or {}
            return p["iteration"] if story.get("happened") else None
        for row in p["metrics"]["rows"]:
            if row[3] == self.modes and row[4] is not None and row[4] >= HQ_PERCENT:
                return int(row[0])
        return None

    def press_play(self) -> None:
        self.go.wait()
        self.played = time.perf_counter()

    def seen(self, p: dict) -> None:
        if self.learned_s is None and (at := self.met(p)) is not None:
            self.learned_s, self.learned_at = time.perf_counter() - self.played, at


def measure(pages: int, data: str, preset: str | None, seconds: float, first_seed: int, speed: int,
            paint_ms: float) -> dict:
    base_config = resolve(preset=preset)[0] if preset else resolve(data)[0]
    modes = None if preset else {"ring8": 8, "grid25": 25}[base_config.data]
    # every simulated page comes from this one address; a real class behind one school router joins in class mode,
    # whose places are its own, so the limit on pages per address outside a class (50) is lifted here
    with served(GAN_PLAYGROUND_RUNS_PER_ADDRESS=str(max(50, pages))) as (base, server):
        view, load_fn = lab_ids(app_config(base))
        stop, go = threading.Event(), threading.Event()
        pupils = [Pupil(base, view, load_fn, speed, paint_ms / 1000, stop, go=go, modes=modes) for _ in range(pages)]
        for i, p in enumerate(pupils):  # a shared link: the class's run, with this student's own seed
            p.open(query=base_config.replace(seed=first_seed + i).to_query())
        for p in pupils:
            p.start()
        rss_start, cpu_start = rss_mb(server.pid), cpu_seconds(server.pid)
        t0 = time.perf_counter()
        go.set()
        while time.perf_counter() - t0 < seconds and not all(p.learned_s is not None for p in pupils):
            time.sleep(0.5)
        stop.set()
        wall = time.perf_counter() - t0
        server_cores = (cpu_seconds(server.pid) - cpu_start) / wall
        for p in pupils:
            p.join(timeout=120)
        rss_end = rss_mb(server.pid)
        for p in pupils:
            p.close()
        time.sleep(5.0)  # Gradio runs the unload events in the background
        left = sum(p.still_served() for p in pupils)
    times = [p.learned_s for p in pupils]
    counted = [seconds if t is None else t for t in times]
    errors = sum(p.errors for p in pupils)
    for p in pupils:
        for m in p.error_messages[:3]:
            print(f"  error in {p.session_hash}: {m}")
    result = dict(pages=pages, data=base_config.data, preset=preset, seconds=seconds,
                  median_seconds_to_learn=round(statistics.median(counted), 1),
                  worst_seconds_to_learn=round(max(counted), 1),
                  share_learned=round(sum(t is not None for t in times) / pages, 3),
                  iterations_to_learn=statistics.median([p.learned_at for p in pupils if p.learned_at is not None]
                                                        or [0]),
                  frames_per_second_per_page=round(statistics.median(p.frames / (p.ended - p.started)
                                                                     for p in pupils), 2),
                  iterations_per_second_per_page=round(statistics.median(p.iterations / (p.ended - p.started)
                                                                         for p in pupils), 1),
                  errors=errors, server_cores=round(server_cores, 2), rss_start_mb=round(rss_start, 1),
                  rss_end_mb=round(rss_end, 1), sessions_left=left,
                  seconds_to_learn=[None if t is None else round(t, 1) for t in times])
    print(f"{pages} pages, {preset or data}: learned on {result['share_learned']:.0%} of pages; median "
          f"{result['median_seconds_to_learn']} s, worst {result['worst_seconds_to_learn']} s "
          f"(iterations {result['iterations_to_learn']}); {result['frames_per_second_per_page']} frames/s and "
          f"{result['iterations_per_second_per_page']} it/s per page; {errors} errors; server {server_cores:.2f} "
          f"cores; RSS {rss_start:.0f} → {rss_end:.0f} MB; {left} sessions left", flush=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="30", help="pages; several (1,8,16,30,60) print a table at the end")
    ap.add_argument("--data", default="ring8", choices=("ring8", "grid25"))
    ap.add_argument("--preset", default=None, help="a teaching preset instead (its sign is the goal)")
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--speed", type=int, default=20, help="iterations per frame (the page's default)")
    ap.add_argument("--paint-ms", type=float, default=30.0, help="simulated browser time per frame")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    counts = [int(n) for n in args.pages.split(",")]
    results = [measure(n, args.data, args.preset, args.seconds, args.first_seed, args.speed, args.paint_ms)
               for n in counts]
    if len(counts) > 1:
        print("\n| pages | median s to learn | worst s | learned | iterations to learn | frames/s per page | "
              "it/s per page | server cores | errors |\n|---|---|---|---|---|---|---|---|---|")
        for r in results:
            print(f"| {r['pages']} | {r['median_seconds_to_learn']} | {r['worst_seconds_to_learn']} | "
                  f"{r['share_learned']:.0%} | {r['iterations_to_learn']} | {r['frames_per_second_per_page']} | "
                  f"{r['iterations_per_second_per_page']} | {r['server_cores']} | {r['errors']} |")
        if args.json:
            print(json.dumps({"table": results}))
    elif args.json:
        print(json.dumps(results[0]))
    return 0 if all(r["errors"] == 0 and r["sessions_left"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
