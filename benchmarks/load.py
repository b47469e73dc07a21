"""Classroom load on the live 2D lab: N browser-like sessions against one `python app.py` on 127.0.0.1.

Each session does what a page does, over plain HTTP: it opens Gradio's heartbeat stream (its presence is what keeps the
session alive), runs the page-load event through the queue to get its run's token, then plays: it asks the lab's frame
route (one kept-alive connection per page) for the next frame as soon as the last one arrived, as the page does (the
page paints while the next frame is on its way, so a frame takes the longer of the server's answer and --paint-ms, the
browser's paint time). At the end each session disconnects, which must free its run.

The server runs in a child process so that its resident memory is measured alone (VmRSS): after warm-up, at the
end of the run, and after every session has disconnected.

--json ends with one JSON line with the keys sessions, minutes, errors, rss_start_mb, rss_end_mb,
updates_per_second_per_session (frames each session received per second: the median over sessions; the minimum
is reported too), plus iterations_per_second_per_session, rss_after_disconnect_mb, sessions_left, and how many
cores the server (with its worker processes; its main process alone) and this client kept busy after warm-up, and
limit_iterations_per_second (the machine's limit for the run's shapes: benchmarks/batched.py's batched computation
per core, times the cores) with fraction_of_limit (all sessions' iterations per second over that limit).
--preset NAME makes every page choose that teaching preset (default: the lab's ring8 run).
--sessions 1,8,16,30,60 runs one load per count and ends with a table of them (and, with --json, one JSON line
{"table": [the results]}).
--workers ray runs the lab's workers as Ray actors on a local two-node `ray.cluster_utils.Cluster` (one CPU a node,
the same two cores: it proves distribution, not speed; the actors' CPU is not the server's process tree, so
server_cpu_cores counts the front process alone there).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import batched  # noqa: E402
from toy2d.presets import resolve  # noqa: E402
from tools.served_app import (API, FrameClient, app_config, cpu_seconds, lab_ids,  # noqa: E402
                               own_rss_mb, rss_mb, run_event, served, tree)


class Session(threading.Thread):
    def __init__(self, base: str, view: int, load_fn: int, speed: int, paint_s: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.view, self.load_fn, self.speed, self.paint_s, self.stop = \
            base, view, load_fn, speed, paint_s, stop
        self.session_hash = uuid.uuid4().hex[:11]
        self.frames = self.iterations = self.errors = 0
        self.query = None  # the settings its run trains with, as the page's URL holds them
        self.error_messages: list[str] = []
        self.started = self.ended = 0.0
        self._heartbeat = None

    def open(self, preset: tuple[int, str] | None = None, query: str = "") -> None:
        """Open the page; ``preset``: (the preset dropdown's event, a preset name) to choose, as a student does;
        ``query``: the page's URL query (a shared link's settings)."""
        self._heartbeat = urllib.request.urlopen(f"{self.base}{API}/heartbeat/{self.session_hash}", timeout=3600)
        out = run_event(self.base, self.load_fn, self.session_hash, [], query=query)
        self.token = json.loads(out[0])["token"]
        if preset is not None:
            run_event(self.base, preset[0], self.session_hash, [preset[1]], timeout=120)
        self.held = dict(run=-1, losses=0, metrics=0, layers=-1)
        self.route = FrameClient(self.base)

    def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.close()
            self.route.close()  # what closing the tab does: Gradio then runs the unload event

    def still_served(self) -> bool:
        """After close(): does the server still hold this session's run? (It must not.)"""
        try:
            self.tick()
            return True
        except RuntimeError:
            return False

    def tick(self) -> dict:
        p = self.route.post(dict(token=self.token, action="play", n=self.speed, **self.held))
        if "error" in p:
            raise RuntimeError(p["error"])
        self.held = dict(run=p["run"], losses=p["losses"]["from"] + len(p["losses"]["rows"]),
                         metrics=p["metrics"]["from"] + len(p["metrics"]["rows"]), layers=p["layers"])
        self.query = p.get("query", self.query)
        return p

    def press_play(self) -> None:
        """When the page starts playing (at once; a class's pages wait for each other: class_learn.py)."""

    def seen(self, p: dict) -> None:
        """A frame arrived (class_learn.py reads its metric rows)."""

    def run(self) -> None:
        self.press_play()
        self.started = time.perf_counter()
        first = None
        while not self.stop.is_set():
            t0 = time.perf_counter()
            try:
                p = self.tick()
                first = p["iteration"] if first is None else first
                self.iterations = p["iteration"] - first
                self.frames += 1
                self.seen(p)
            except Exception as e:  # noqa: BLE001 — counted and reported, the session goes on
                self.errors += 1
                self.error_messages.append(str(e)[:200])
                time.sleep(0.5)
            # the page asks for the next frame before painting this one: painting only limits the rate when it
            # takes longer than the server's answer
            time.sleep(max(0.0, self.paint_s - (time.perf_counter() - t0)))
        self.ended = time.perf_counter()


def preset_fn(config: dict) -> int:
    """The fn index of the lab's preset dropdown event."""
    box = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "lab-preset")
    i = next(i for i, d in enumerate(config["dependencies"]) if any(t[0] == box for t in d["targets"]))
    return config["dependencies"][i].get("id", i)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", default="8", help="pages; several (1,8,16,30,60) print a table of them at the end")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--speed", type=int, default=20, help="iterations per frame (the page's default)")
    ap.add_argument("--paint-ms", type=float, default=30.0, help="simulated browser time per frame")
    ap.add_argument("--warmup", type=float, default=20.0, help="seconds before the first memory reading")
    ap.add_argument("--preset", default=None, help="every page chooses this teaching preset (default: the ring8 run)")
    ap.add_argument("--workers", choices=("processes", "ray"), default="processes",
                    help="the lab's workers: this machine's processes, or Ray actors on a local two-node cluster")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    counts = [int(n) for n in args.sessions.split(",")]
    results = []
    for n in counts:
        args.sessions = n
        results.append(measure(args))
    if len(counts) > 1:
        print("\n| pages | frames/s per page (min) | it/s per page | frames/s in all | it/s in all | limit it/s | "
              "fraction of limit | server cores | errors |\n|---|---|---|---|---|---|---|---|---|")
        for r in results:
            n = r["sessions"]
            print(f"| {n} | {r['updates_per_second_per_session']} ({r['updates_per_second_min']}) | "
                  f"{r['iterations_per_second_per_session']} | {r['updates_per_second_per_session'] * n:.0f} | "
                  f"{r['iterations_per_second_per_session'] * n:.0f} | {r['limit_iterations_per_second']} | "
                  f"{r['fraction_of_limit']:.1%} | {r['server_cpu_cores']} | {r['errors']} |")
        if args.json:
            print(json.dumps({"table": results}))
    elif args.json:
        print(json.dumps(results[0]))
    return 0 if all(r["errors"] == 0 and r["sessions_left"] == 0 for r in results) else 1


@contextlib.contextmanager
def workers_env(kind: str) -> Iterator[dict[str, str]]:
    """The server's environment for its workers: nothing extra, or the address of a local two-node Ray cluster
    started for the run (and stopped after it)."""
    if kind != "ray":
        yield {}
        return
    from ray.cluster_utils import Cluster

    node = dict(num_cpus=1, object_store_memory=80 * 2**20)
    cluster = Cluster(initialize_head=True, head_node_args=dict(node, include_dashboard=False))
    cluster.add_node(**node)
    cluster.wait_for_nodes()
    try:
        yield {"GAN_PLAYGROUND_RAY_ADDRESS": cluster.address}
    finally:
        cluster.shutdown()


def measure(args: argparse.Namespace) -> dict:
    """One load run of args.sessions pages; the result's keys are those the module docstring names."""
    config = resolve(preset=args.preset)[0] if args.preset else resolve("ring8")[0]
    # the machine's limit for these shapes: one batched computation per core (benchmarks/batched.py)
    limit_per_core = batched.limit(config, args.sessions, seconds=3.0)
    limit_all = limit_per_core * (os.cpu_count() or 1)

    with workers_env(args.workers) as env, served(**env) as (base, server):
        config_json = app_config(base)
        view, load_fn = lab_ids(config_json)
        preset = None if args.preset is None else (preset_fn(config_json), args.preset)
        stop = threading.Event()
        sessions = [Session(base, view, load_fn, args.speed, args.paint_ms / 1000, stop)
                    for _ in range(args.sessions)]
        for s in sessions:
            s.open(preset)
        for s in sessions:
            s.start()
        time.sleep(args.warmup)
        rss_start = rss_mb(server.pid)
        cpu_start, main_start = cpu_seconds(server.pid), tree(server.pid)[server.pid]
        own_start, wall_start = time.process_time(), time.perf_counter()
        marks = []
        end = time.time() + max(0.0, args.minutes * 60 - args.warmup)
        while time.time() < end:
            time.sleep(min(30.0, max(0.0, end - time.time())))
            marks.append(round(rss_mb(server.pid), 1))
            print(f"  rss {marks[-1]} MB, frames so far {[s.frames for s in sessions]}", flush=True)
        stop.set()
        wall = time.perf_counter() - wall_start
        server_cores = (cpu_seconds(server.pid) - cpu_start) / wall
        main_cores = (tree(server.pid)[server.pid] - main_start) / wall
        client_cores = (time.process_time() - own_start) / wall
        for s in sessions:
            s.join(timeout=120)
        rss_end = rss_mb(server.pid)
        by_process = {"main" if p == server.pid else f"worker {p}": round(own_rss_mb(p), 1) for p in tree(server.pid)}
        for s in sessions:
            s.close()
        time.sleep(5.0)  # Gradio runs the unload events in the background
        rss_after = rss_mb(server.pid)
        sessions_left = sum(s.still_served() for s in sessions)  # a freed session's token gets no frame
        rates = [s.frames / (s.ended - s.started) for s in sessions]
        its = [s.iterations / (s.ended - s.started) for s in sessions]
        errors = sum(s.errors for s in sessions)
        for s in sessions:
            for m in s.error_messages[:3]:
                print(f"  error in {s.session_hash}: {m}")
        result = dict(sessions=args.sessions, minutes=args.minutes, errors=errors, rss_start_mb=round(rss_start, 1),
                      rss_end_mb=round(rss_end, 1), rss_after_disconnect_mb=round(rss_after, 1),
                      rss_marks_mb=marks, rss_end_by_process_mb=by_process, sessions_left=sessions_left,
                      updates_per_second_per_session=round(statistics.median(rates), 2),
                      updates_per_second_min=round(min(rates), 2),
                      iterations_per_second_per_session=round(statistics.median(its), 1),
                      server_cpu_cores=round(server_cores, 2), server_main_cpu_cores=round(main_cores, 2),
                      client_cpu_cores=round(client_cores, 2),
                      speed=args.speed, paint_ms=args.paint_ms, preset=args.preset, workers=args.workers,
                      page_settings=sorted({s.query for s in sessions if s.query is not None}),
                      limit_iterations_per_second=round(limit_all),
                      fraction_of_limit=round(statistics.median(its) * args.sessions / limit_all, 3))
        print(f"{args.sessions} sessions × {args.minutes:g} min: {result['updates_per_second_per_session']} "
              f"updates/s per session (min {result['updates_per_second_min']}), "
              f"{result['iterations_per_second_per_session']} it/s, {errors} errors, RSS {rss_start:.0f} → "
              f"{rss_end:.0f} MB, {rss_after:.0f} MB after all disconnected, {sessions_left} sessions left; "
              f"CPU cores busy: "
              f"server {server_cores:.2f} (its main process {main_cores:.2f}), this client {client_cores:.2f}; "
              f"{result['fraction_of_limit']:.1%} of the machine's limit for these shapes ({limit_all:.0f} it/s)")
        return result


if __name__ == "__main__":
    sys.exit(main())
