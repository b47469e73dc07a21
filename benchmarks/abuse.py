"""A hostile or clumsy visitor against one `python app.py` on 127.0.0.1, while a normal page plays.

Each phase replays one public-Space fault with bounded loops (a few seconds to a minute), while a victim page plays
the default run (the tick loop a browser runs) and its frames are timed; every phase reports the victim's frames
per second and 95th-percentile frame time. The server trusts X-Forwarded-For (GAN_PLAYGROUND_TRUSTED_PROXY=1, as on
a Space), so the victim, the attackers and a class each come from an address of their own. Phases (--phases):

  heavy_settings  heavy settings through the panel (if refused, the costliest accepted), then 80 parallel frame
                  requests for that page
  big_cloud       a 100 000-point CSV, then three settings changes
  full_queue      64 slow events (GIF exports) queued from one client, while new pages load
  idle            40 runs opened by raw page-load calls (no heartbeat, no page), left past the idle limit
  saves           50 saves of a run by one page
  bomb            a run file whose records declare 1 GB (about 1 MB on disk)
  body            one 24 MB request body, then four at once
  sessions        1 500 made-up sessions (one cheap call each) while a real page holds its own doodles
  uploads         40 uploads of 24 MB from one address, no page
  heavy_pages     six pages playing settings just under the cost limit, each asking for frames as fast as
                  they come
  streams         one address opening every stream it can (16 pages × digit GANs, A/B, VAE, cGAN, doodles)
                  while new pages load
  storm           120 settings changes at once from each of two pages training on 100 000 points
  slots           one address opening 150 pages (kept alive), 5 classes, and filling the queue
  joins           a troll's 200 wrong codes (made-up pages and one page) from a school's address, then 30
                  students of that address join with the right code
  seats           a class of 30 places started, then a bot opens 150 pages from five addresses (kept
                  alive), then the 30 students arrive with the class's link

--json ends with one JSON line: victim_by_phase ({phase: {fps, p95_ms}}) and, by phase, victim_frame_ms_p95 /
victim_frame_ms_p50 / page_load_s_under_attack (phases heavy_settings and full_queue), heavy_settings_accepted,
settings_change_s_big_cloud, live_runs_after_idle, export_dir_mb_after_50_saves, worker_rss_mb_after_bomb,
rss_growth_mb_bomb, bomb_message; body_refused_s, app_frozen_s_by_24mb_body (the victim's longest frame gap past
the 250-ms goal), main_rss_growth_mb_big_bodies; main_rss_growth_mb_per_1000_sessions, live_page_state_kept;
upload_cache_mb_after_40_uploads, uploads_accepted; victim_fps_under_heavy_pages,
victim_frame_ms_p95_under_heavy_pages; victim_fps_under_streams, page_load_s_under_streams,
stream_cache_mb_per_minute; victim_fps_under_settings_storm; bot_runs_of_one_address, bot_classes,
queue_room_for_others; class_join_ok_after_wrong_codes, join_tries_per_second; class_seats_kept_under_bot,
bot_runs_beside_class. Goals: victim ≥ 10 frames/s and p95 ≤ 250 ms in every phase, page loads ≤ 5 s, the 24 MB body
refused in < 0.1 s with no freeze, RSS growth per 1 000 made-up sessions ≤ 50 MB, upload cache ≤ 100 MB, joins never
refused for a right code, every seat kept.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.load import Session  # noqa: E402
from tools.served_app import (API, FrameClient, app_config, free_port, lab_ids, own_rss_mb, post,  # noqa: E402
                              run_event, start_server, tree)

HEAVY = dict(g_depth=8, d_depth=8, g_width=512, d_width=512, batch=4096, noise_dim=64, k_d=50, k_g=50,
             unrolled_k=20, loss="wgan-gp", r1_gamma=1.0)
VICTIM, ATTACKER, SCHOOL, TEACHER, OTHER_TEACHER = "10.0.0.1", "10.6.6.6", "10.0.0.40", "10.0.0.50", "10.0.0.51"


def at(address: str) -> dict:
    """The headers of a request from ``address`` (the server trusts the proxy's X-Forwarded-For)."""
    return {"X-Forwarded-For": address}


def heaviest_allowed() -> dict:
    """The costliest of a few big settings that the cost bound lets through, by their measured time per iteration
    on this machine (the bound's estimate is within ~2× of it): what an attacker gets instead."""
    from toy2d import budget, threads
    from toy2d.config import TrainConfig
    from toy2d.trainer import Trainer
    threads.limit(1)  # as the app's workers compute
    candidates = [dict(g_width=w, d_width=w, g_depth=d, d_depth=d, batch=b, k_d=k)
                  for w, d in ((150, 2), (110, 3), (85, 4)) for b in (512, 1024, 2048, 4096) for k in (1, 2, 3, 5)]
    fits = []
    for c in candidates:
        try:
            config = TrainConfig(**c).validate()
        except ValueError:
            continue
        if budget.estimate(config).iteration_ms < 0.5 * budget.ITERATION_MS_LIMIT:
            continue  # clearly not among the heaviest: not worth timing
        trainer = Trainer(config)
        for _ in range(3):
            trainer.step()
        t0 = time.perf_counter()
        for _ in range(5):
            trainer.step()
        fits.append(((time.perf_counter() - t0) / 5, c))
    ms, heaviest = max(fits, key=lambda f: f[0])
    print(f"  the heaviest settings allowed: {heaviest}, {1000 * ms:.0f} ms an iteration here", flush=True)
    return heaviest


class App:
    """The served app's event ids, found in its /config the way the page finds them."""

    def __init__(self, base: str):
        self.base = base
        self.config = app_config(base)
        self.view, self.load_fn = lab_ids(self.config)
        self.components = {c["id"]: c.get("props", {}) for c in self.config["components"]}
        self.load_dep = next(d for i, d in enumerate(self.config["dependencies"]) if d.get("id", i) == self.load_fn)

    def dep(self, event: str, **props) -> dict:
        for i, d in enumerate(self.config["dependencies"]):
            for target, name in d["targets"]:
                p = self.components.get(target, {})
                if name == event and all(p.get(k) == v for k, v in props.items()):
                    return dict(d, index=d.get("id", i))
        raise KeyError(f"no {event} event on a component with {props}")

    def then(self, dep: dict) -> dict:
        """The event that runs after ``dep`` (its .then/.success), which the page triggers itself."""
        for i, d in enumerate(self.config["dependencies"]):
            if d.get("trigger_after") == dep["index"]:
                return dict(d, index=d.get("id", i))
        raise KeyError(f"nothing runs after {dep['index']}")

    def defaults(self, dep: dict) -> list:
        """The values a fresh page would send as ``dep``'s inputs (a gr.State's is held by the server: None)."""
        return [self.components.get(c, {}).get("value") for c in dep["inputs"]]

    def fields(self) -> list[str]:
        """The settings panel's fields, in the order its change event takes them."""
        d = self.dep("submit", elem_id="lab-batch")
        return [self.components[c]["elem_id"].removeprefix("lab-") for c in d["inputs"]]

    def upload(self, name: str, data: bytes, address: str = ATTACKER) -> dict:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + API + "/upload", data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                              **at(address)})
        with urllib.request.urlopen(req, timeout=120) as r:
            path = json.loads(r.read())[0]
        return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    def page_load(self, session_hash: str, address: str = VICTIM, query: str = "") -> tuple[float, dict | None]:
        """What a new visitor's browser does: the page, its config, the page-load event. (seconds, first value)."""
        t0 = time.perf_counter()
        try:
            urllib.request.urlopen(urllib.request.Request(self.base + "/", headers=at(address)), timeout=120).read()
            app_config(self.base)
            if self.load_dep.get("queue") is False:
                out = json.loads(post(self.base, "/run/predict" + (f"?{query}" if query else ""),
                                      dict(data=[], fn_index=self.load_fn, session_hash=session_hash), 120,
                                      headers=at(address)))["data"]
            else:
                out = run_event(self.base, self.load_fn, session_hash, [], timeout=120, headers=at(address),
                                query=query)
            value = json.loads(out[0])
        except (OSError, RuntimeError, ValueError, KeyError) as e:
            return time.perf_counter() - t0, {"error": str(e)[:200]}
        return time.perf_counter() - t0, value

    def event(self, dep: dict, session_hash: str, data: list | None = None, address: str = ATTACKER,
              **kwargs) -> list:
        return run_event(self.base, dep["index"], session_hash, self.defaults(dep) if data is None else data,
                         headers=at(address), **kwargs)


class Victim(threading.Thread):
    """A normal page playing the default run at the default speed; records each frame's round trip."""

    def __init__(self, app: App):
        super().__init__(daemon=True)
        self.s = Session(app.base, app.view, app.load_fn, 20, 0.03, threading.Event())
        self.s.open()
        self.times: list[tuple[float, float]] = []  # (when it was asked for, ms)
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.s.stop.is_set():
            t0 = time.perf_counter()
            try:
                self.s.tick()
                self.times.append((t0, (time.perf_counter() - t0) * 1e3))
            except Exception as e:  # noqa: BLE001 — recorded and reported
                self.errors.append(str(e)[:200])
                time.sleep(0.2)
            time.sleep(max(0.0, 0.03 - (time.perf_counter() - t0)))

    def frames_between(self, a: float, b: float) -> list[float]:
        return [ms for t, ms in self.times if a <= t <= b]

    def between(self, a: float, b: float) -> dict:
        """Frames per second, p95 and longest gap (ms) between frames the victim got in [a, b]."""
        ms = self.frames_between(a, b)
        starts = [t for t, _ in self.times if a <= t <= b]
        gaps = np.diff(starts) * 1e3 if len(starts) > 1 else np.array([math.inf])
        return dict(fps=round(len(ms) / max(b - a, 1e-9), 1),
                    p95_ms=round(float(np.percentile(ms, 95)), 1) if ms else None,
                    longest_gap_ms=round(float(gaps.max()), 1))


class Ctx:
    def __init__(self, app: App, server, temp_dir: Path, victim: Victim, args: argparse.Namespace):
        self.app, self.server, self.temp_dir, self.victim, self.args = app, server, temp_dir, victim, args

    def main_rss(self) -> float:
        return own_rss_mb(self.server.pid)

    def temp_mb(self, skip: str = "gan-playground-exports") -> float:
        return sum(f.stat().st_size for f in self.temp_dir.rglob("*") if f.is_file() and skip not in f.parts) / 1e6


PHASES: dict[str, Callable[[Ctx], dict]] = {}


def phase(fn: Callable[[Ctx], dict]) -> Callable[[Ctx], dict]:
    PHASES[fn.__name__.removeprefix("phase_")] = fn
    return fn


def tick(app: App, token: str, timeout: float = 120) -> dict:
    """One play frame from the lab's route, on a connection of its own (as a flooding client opens them)."""
    client = FrameClient(app.base, timeout)
    try:
        return client.post(dict(token=token, action="play", n=20))
    finally:
        client.close()


def settings_values(app: App, settings: dict) -> list:
    from toy2d.config import TrainConfig
    config = TrainConfig().replace(**{k: v for k, v in settings.items() if k in TrainConfig.__dataclass_fields__})
    return [getattr(config, name) for name in app.fields()]


def loads_while(app: App, seconds: float, address: str = VICTIM) -> list[float]:
    loads, stop = [], time.time() + seconds
    while time.time() < stop:
        loads.append(app.page_load(uuid.uuid4().hex[:11], address)[0])
        time.sleep(1.0)
    return loads


@phase
def phase_heavy_settings(ctx: Ctx) -> dict:
    """Heavy settings, then 80 parallel frame requests for that page, for --seconds."""
    app, seconds = ctx.app, ctx.args.seconds
    h = uuid.uuid4().hex[:11]
    _, first = app.page_load(h, ATTACKER)
    token = first["token"]
    dep = app.dep("submit", elem_id="lab-batch")
    accepted = False
    for settings in (HEAVY, None):  # the panel's largest values; if refused, the largest it takes
        settings = settings or heaviest_allowed()
        try:
            out = app.event(dep, h, settings_values(app, settings), timeout=180)
            restarted = isinstance(out[0], str) and "Restarted" in json.loads(out[0]).get("message", "")
        except (OSError, RuntimeError, ValueError):
            restarted = False
        accepted = accepted or (restarted and settings is HEAVY)
        if restarted:
            break
    stop = time.time() + seconds

    def hammer() -> None:
        while time.time() < stop:
            try:
                tick(app, token, timeout=seconds + 120)
            except OSError:
                time.sleep(0.1)
    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(80)]
    for t in threads:
        t.start()
    loads = loads_while(app, seconds)
    for t in threads:
        t.join(timeout=150)
    return dict(heavy_settings_accepted=accepted, page_load_s_heavy_settings=round(max(loads), 2))


@phase
def phase_big_cloud(ctx: Ctx) -> dict:
    """A 100 000-point CSV, then three settings changes; the slowest change in seconds."""
    app = ctx.app
    h = uuid.uuid4().hex[:11]
    app.page_load(h, ATTACKER)
    pts = np.random.default_rng(0).normal(size=(100_000, 2))
    csv = "x,y\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in pts)
    app.event(app.dep("upload", elem_id="lab-csv"), h, [app.upload("cloud.csv", csv.encode())], timeout=300)
    values = settings_values(app, dict(data="points"))
    worst = 0.0
    for lr in (0.002, 0.003, 0.004):
        values[app.fields().index("lr_d")] = lr
        t0 = time.perf_counter()
        try:
            app.event(app.dep("submit", elem_id="lab-batch"), h, values, timeout=300)
        except (OSError, RuntimeError):
            pass
        worst = max(worst, time.perf_counter() - t0)
    return dict(settings_change_s_big_cloud=round(worst, 2))


@phase
def phase_full_queue(ctx: Ctx) -> dict:
    """64 slow events queued from one client while new pages load."""
    app = ctx.app
    h = uuid.uuid4().hex[:11]
    app.page_load(h, ATTACKER)
    gif = app.dep("click", elem_id="lab-gif")["index"]
    for _ in range(64):
        try:
            post(app.base, "/queue/join", dict(data=[], fn_index=gif, session_hash=h, event_data=None,
                                                trigger_id=None), 30, headers=at(ATTACKER))
        except urllib.error.HTTPError:
            pass  # refused: the page already has its share of the queue
    return dict(page_load_s_full_queue=round(max(loads_while(app, ctx.args.seconds)), 2))


@phase
def phase_idle(ctx: Ctx) -> dict:
    """40 runs opened by raw page-load calls and left; how many still answer after the idle limit."""
    app, opened = ctx.app, []
    for _ in range(40):
        h = uuid.uuid4().hex[:11]
        _, value = app.page_load(h, ATTACKER)
        if value and value.get("token"):
            opened.append((h, value["token"]))
    time.sleep(ctx.args.idle_s + 15)  # the victim's frames keep the server's idle check running
    return dict(live_runs_after_idle=sum(1 for _, token in opened if "error" not in tick(app, token)))


@phase
def phase_saves(ctx: Ctx) -> dict:
    """50 saves by one page; MB of exports under the server's GRADIO_TEMP_DIR afterwards."""
    app = ctx.app
    h = uuid.uuid4().hex[:11]
    app.page_load(h, ATTACKER)
    save = app.dep("click", elem_id="lab-save")
    for _ in range(50):
        app.event(save, h, [], timeout=120)
    exports = ctx.temp_dir / "gan-playground-exports"
    return dict(export_dir_mb_after_50_saves=round(sum(f.stat().st_size for f in exports.rglob("*")
                                                           if f.is_file()) / 1e6, 1))


def bomb_file(declared_mb: int) -> bytes:
    """A run file (as torch.save writes one) whose first record is ``declared_mb`` MB of zeros, deflated (0: a
    valid run file)."""
    import torch

    from toy2d import checkpoint
    from toy2d.config import TrainConfig
    from toy2d.trainer import Trainer
    plain = io.BytesIO()
    trainer = Trainer(TrainConfig(g_width=16, d_width=16))
    torch.save({"format": checkpoint.FORMAT, "config": trainer.config.to_json(), "g": trainer.g.state_dict(),
                "d": trainer.d.state_dict(), "g_sample": trainer.g_sample.state_dict(), "iteration": 0,
                "d_steps": 0, "g_steps": 0}, plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            data = src.read(entry)
            if entry.filename.endswith("/data/0") and declared_mb:
                with dst.open(entry.filename, "w") as big:
                    chunk = bytes(1 << 20)
                    for _ in range(declared_mb):
                        big.write(chunk)
            else:
                dst.writestr(entry, data)  # as torch wrote it (stored)
    return out.getvalue()


def workers_rss_mb(pid: int) -> float:
    """Resident memory of the app's lab worker processes (where a run file is opened), not its main process."""
    return sum(own_rss_mb(p) for p in tree(pid) if p != pid)


@phase
def phase_bomb(ctx: Ctx) -> dict:
    """A run file declaring 1 GB: the workers' RSS after, its growth, what the page was told."""
    app = ctx.app
    h = uuid.uuid4().hex[:11]
    app.page_load(h, ATTACKER)
    load_run = app.dep("upload", elem_id="lab-run-file")
    # the first run file a worker opens costs it ~75 MB once, whatever the file (a valid one too): open a valid
    # file first, so that the growth measured is the bomb's own
    app.event(load_run, h, [app.upload("valid.pt", bomb_file(0))], timeout=120)
    file = app.upload("bomb.pt", bomb_file(1024))
    time.sleep(1.0)
    before = workers_rss_mb(ctx.server.pid)
    logs: list = []
    try:
        app.event(load_run, h, [file], timeout=300, logs=logs)
        told = " / ".join(map(str, logs)) or "nothing"
    except (OSError, RuntimeError) as e:
        told = f"failed: {str(e)[:200]}"
    time.sleep(1.0)
    after = workers_rss_mb(ctx.server.pid)
    return dict(worker_rss_mb_after_bomb=round(after, 1), rss_growth_mb_bomb=round(after - before, 1),
                bomb_message=told[:300])


def big_body(base: str, megabytes: int) -> tuple[float, bytes]:
    """POST a JSON body of ``megabytes`` to Gradio's queue; (seconds until the answer, its first bytes)."""
    host, port = base.split("//")[1].split(":")
    body = b'{"data": [' + b"1," * (megabytes * 2**19 - 8) + b'1]}'
    with socket.create_connection((host, int(port)), timeout=120) as s:
        t0 = time.perf_counter()
        s.sendall(b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Content-Length: {len(body)}\r\nX-Forwarded-For: {ATTACKER}\r\n\r\n".encode())
        try:
            s.sendall(body)
        except OSError:
            pass  # answered and closed before the body was sent: refused unread
        answer = s.recv(256)
        return time.perf_counter() - t0, answer


@phase
def phase_body(ctx: Ctx) -> dict:
    """One 24 MB body, then four at once: the answer's delay, the victim's longest gap, the main process's RSS."""
    time.sleep(2.0)
    t0 = time.perf_counter()
    took, answer = big_body(ctx.app.base, 24)
    time.sleep(2.0)
    gap = ctx.victim.between(t0, time.perf_counter())["longest_gap_ms"]
    before = ctx.main_rss()
    threads = [threading.Thread(target=big_body, args=(ctx.app.base, 24), daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    peak = before
    while any(t.is_alive() for t in threads):
        peak = max(peak, ctx.main_rss())
        time.sleep(0.05)
    return dict(body_refused_s=round(took, 3), body_answer=answer.split(b"\r\n")[0].decode(errors="replace"),
                app_frozen_s_by_24mb_body=round(max(0.0, gap - 250) / 1000, 3),
                main_rss_growth_mb_big_bodies=round(peak - before, 1))


@phase
def phase_sessions(ctx: Ctx) -> dict:
    """1 500 made-up sessions, one cheap call each (the lab view's `fields` server function), while a real page
    (heartbeat open) holds a doodle of its own: RSS growth per 1 000, and whether the page kept its doodle."""
    app = ctx.app
    page = uuid.uuid4().hex[:11]
    beat = urllib.request.urlopen(urllib.request.Request(f"{app.base}{API}/heartbeat/{page}", headers=at(VICTIM)),
                                  timeout=3600)
    pad = app.dep("submit", elem_id="dd-pad")
    stroke = {"strokes": [[[40 + 8 * i, 60 + 5 * i] for i in range(20)]]}
    app.event(pad, page, None, address=VICTIM, event_data=stroke)
    time.sleep(1.0)
    before = ctx.main_rss()
    t0 = time.perf_counter()
    n = 1500
    for _ in range(n):
        post(app.base, "/component_server", dict(data=None, component_id=app.view, fn_name="fields",
                                                 session_hash=uuid.uuid4().hex[:11]), headers=at(ATTACKER))
    took = time.perf_counter() - t0
    time.sleep(2.0)
    grown = ctx.main_rss() - before
    out = app.event(pad, page, None, address=VICTIM, event_data=stroke)  # a second doodle: the first must be there
    beat.close()
    kept = bool(re.search(r"\b2\b", str(out[2])))
    return dict(main_rss_growth_mb_per_1000_sessions=round(grown * 1000 / n, 1), made_up_sessions=n,
                made_up_sessions_s=round(took, 1), live_page_state_kept=kept)


@phase
def phase_uploads(ctx: Ctx) -> dict:
    """40 uploads of 24 MB from one address, no page: how many were taken and what the cache holds after."""
    before = ctx.temp_mb()
    data = bytes(24 * 10**6)
    taken = 0
    for i in range(40):
        try:
            ctx.app.upload(f"big-{i}.png", data)
            taken += 1
        except (urllib.error.URLError, ConnectionError):
            pass  # refused (429), answered before the body was all sent
    return dict(uploads_accepted=taken, upload_cache_mb_after_40_uploads=round(ctx.temp_mb() - before, 1))


def play_settings(app: App, settings: dict, address: str, stop: threading.Event) -> Session:
    """A page from ``address`` that sets ``settings`` and plays until ``stop``, asking for its next frame as soon
    as one arrives (a script: no browser's paint time between frames)."""
    s = Session(app.base, app.view, app.load_fn, 20, 0.0, stop)
    s.open()
    run_event(app.base, app.dep("submit", elem_id="lab-batch")["index"], s.session_hash,
              settings_values(app, settings), timeout=180, headers=at(address))
    return s


@phase
def phase_heavy_pages(ctx: Ctx) -> dict:
    """Six pages just under the cost limit, playing."""
    stop = threading.Event()
    settings = heaviest_allowed()
    heavy = [play_settings(ctx.app, settings, ATTACKER, stop) for _ in range(6)]
    for s in heavy:
        s.start()
    time.sleep(3.0)
    t0 = time.perf_counter()
    time.sleep(ctx.args.seconds)
    v = ctx.victim.between(t0, time.perf_counter())
    stop.set()
    for s in heavy:
        s.join(timeout=60)
        s.close()
    its = [s.iterations / max(1e-9, s.ended - s.started) for s in heavy]
    return dict(victim_fps_under_heavy_pages=v["fps"], victim_frame_ms_p95_under_heavy_pages=v["p95_ms"],
                heavy_pages_iterations_per_second=round(statistics.median(its), 1))


def hold_stream(app: App, session_hash: str, address: str, stop: threading.Event) -> threading.Thread:
    """Read a session's event stream until ``stop`` (a held stream's frames go nowhere)."""
    def read() -> None:
        req = urllib.request.Request(f"{app.base}{API}/queue/data?session_hash={session_hash}", headers=at(address))
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                for _ in r:
                    if stop.is_set():
                        return
        except OSError:
            pass
    t = threading.Thread(target=read, daemon=True)
    t.start()
    return t


@phase
def phase_streams(ctx: Ctx) -> dict:
    """One address opens every stream it can: 16 pages, each playing the digit GANs tab, the A/B, the VAE, the cGAN
    and its own doodles. Meanwhile new pages load and the victim plays."""
    app, stop = ctx.app, threading.Event()
    readers: list = []
    image_play = app.dep("click", elem_id="img-play")
    starts = [(None, image_play)]
    for prefix in ("ab", "vae", "cgan"):
        starts.append((app.dep("click", elem_id=f"{prefix}-reset"), app.dep("click", elem_id=f"{prefix}-play")))
    starts.append((app.dep("click", elem_id="dd-examples"), app.dep("click", elem_id="dd-play")))
    before_mb, t_disk = ctx.temp_mb(), time.perf_counter()
    counted = [0]

    def open_pages() -> None:
        for _ in range(16):
            h = uuid.uuid4().hex[:11]
            streams = []
            for make, play in starts:
                try:
                    if make is not None:
                        app.event(make, h, timeout=120)
                    app.event(play, h, timeout=120)
                    streams.append(app.then(play))
                except (OSError, RuntimeError, KeyError) as e:
                    print(f"  a stream did not start: {str(e)[:120]}", flush=True)
            for then in streams:  # the streams, then one reader of the page's messages (run_event reads its own)
                post(app.base, "/queue/join", dict(data=app.defaults(then), fn_index=then["index"], session_hash=h,
                                                    event_data=None, trigger_id=None), headers=at(ATTACKER))
                counted[0] += 1
            readers.append(hold_stream(app, h, ATTACKER, stop))
    opener = threading.Thread(target=open_pages, daemon=True)
    opener.start()
    opener.join(timeout=300)  # (an app whose event slots the streams hold never answers the next page's clicks)
    started = counted[0]
    time.sleep(3.0)
    t0 = time.perf_counter()
    mine = uuid.uuid4().hex[:11]  # another visitor's click meanwhile: a new A/B pair of runs
    clicked, click_s = time.perf_counter(), [math.inf]

    def click() -> None:
        app.event(app.dep("click", elem_id="ab-reset"), mine, address=VICTIM, timeout=120)
        click_s[0] = time.perf_counter() - clicked
    clicker = threading.Thread(target=click, daemon=True)
    clicker.start()
    clicker.join(timeout=120)
    click_s = click_s[0]
    loads = loads_while(app, max(1.0, ctx.args.seconds - min(click_s, ctx.args.seconds)))
    v = ctx.victim.between(t0, time.perf_counter())
    disk = (ctx.temp_mb() - before_mb) / ((time.perf_counter() - t_disk) / 60)
    stop.set()
    return dict(streams_started=started, victim_fps_under_streams=v["fps"],
                victim_frame_ms_p95_under_streams=v["p95_ms"], page_load_s_under_streams=round(max(loads), 2),
                others_click_s_under_streams=round(click_s, 2) if click_s < math.inf else None,
                stream_cache_mb_per_minute=round(disk, 1))


@phase
def phase_storm(ctx: Ctx) -> dict:
    """Two pages (one lands on each lab worker) training on 100 000 points each send 120 settings changes at once."""
    app = ctx.app
    dep = app.dep("submit", elem_id="lab-batch")
    pts = np.random.default_rng(1).normal(size=(100_000, 2))
    csv = ("x,y\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in pts)).encode()
    pages = []
    for _ in range(2):
        h = uuid.uuid4().hex[:11]
        app.page_load(h, ATTACKER)
        app.event(app.dep("upload", elem_id="lab-csv"), h, [app.upload("cloud.csv", csv)], timeout=300)
        pages.append(h)
    values = settings_values(app, dict(data="points"))
    t0 = time.perf_counter()
    for i in range(120):
        values[app.fields().index("lr_d")] = 1e-4 * (i + 1)
        for h in pages:
            try:
                post(app.base, "/queue/join", dict(data=list(values), fn_index=dep["index"], session_hash=h,
                                                    event_data=None, trigger_id=None), headers=at(ATTACKER))
            except urllib.error.HTTPError:
                pass
    time.sleep(ctx.args.seconds)
    v = ctx.victim.between(t0, time.perf_counter())
    return dict(victim_fps_under_settings_storm=v["fps"], victim_frame_ms_p95_under_settings_storm=v["p95_ms"])


@phase
def phase_slots(ctx: Ctx) -> dict:
    """One address opens 150 pages and 5 classes, and 20 of its pages fill the queue with slow events; then
    another visitor's click."""
    app, stop = ctx.app, threading.Event()
    runs = open_pages(app, 150, [ATTACKER], stop)
    start = app.dep("click", elem_id="class-start")
    classes = 0
    for _ in range(5):
        try:
            app.event(start, uuid.uuid4().hex[:11], [40], timeout=60)
            classes += 1
        except RuntimeError:
            pass
    gif = app.dep("click", elem_id="lab-gif")["index"]
    for p in range(20):
        h = uuid.uuid4().hex[:11]
        for _ in range(4):
            try:
                post(app.base, "/queue/join", dict(data=[], fn_index=gif, session_hash=h, event_data=None,
                                                    trigger_id=None), 30, headers=at(ATTACKER))
            except urllib.error.HTTPError:
                pass
    mine = uuid.uuid4().hex[:11]
    try:
        post(app.base, "/queue/join", dict(data=[], fn_index=gif, session_hash=mine, event_data=None,
                                            trigger_id=None), 30, headers=at(VICTIM))
        room = True
    except urllib.error.HTTPError:
        room = False
    stop.set()
    return dict(bot_runs_of_one_address=runs, bot_classes=classes, queue_room_for_others=room)


def start_class(app: App, size: int, address: str) -> tuple[str, str]:
    """A teacher (at ``address``) starts a class; (its code, the teacher's session)."""
    teacher = uuid.uuid4().hex[:11]
    start = app.dep("click", elem_id="class-start")
    card = app.event(start, teacher, [size] if start["inputs"] else [], address=address)[1]
    return re.search(r"class='code'>(\w+)<", card).group(1), teacher


def end_class(app: App, teacher: str, address: str) -> None:
    """The teacher ends the class (its places go back to the server)."""
    app.event(app.dep("click", elem_id="class-end"), teacher, [None], address=address)


@phase
def phase_joins(ctx: Ctx) -> dict:
    """A troll's 200 wrong codes from a school's address (190 made-up pages, 10 from one page), then 30 students
    of that address join with the right code."""
    app = ctx.app
    time.sleep(ctx.args.idle_s + 5)  # the runs earlier phases left go first: a class keeps places only the server has
    code, teacher = start_class(app, 40, TEACHER)
    join = app.dep("click", elem_id="class-join-btn")
    t0, tries = time.perf_counter(), 0
    for i in range(200):
        page = "troll" if i < 10 else uuid.uuid4().hex[:11]
        try:
            app.event(join, page, ["AAAAAAAA", f"troll {i}"], address=SCHOOL, timeout=30)
        except RuntimeError:
            pass
        tries += 1
    rate = tries / (time.perf_counter() - t0)
    ok = 0
    for i in range(30):
        page = uuid.uuid4().hex[:11]
        app.page_load(page, SCHOOL)
        try:
            app.event(join, page, [code, f"student {i}"], address=SCHOOL, timeout=60)
            ok += 1
        except RuntimeError as e:
            print(f"  student {i} refused: {str(e)[:160]}", flush=True)
    end_class(app, teacher, TEACHER)
    return dict(class_join_ok_after_wrong_codes=f"{ok}/30", join_tries_per_second=round(rate, 1))


def keep_alive(app: App, tokens: list[str], stop: threading.Event) -> threading.Thread:
    """Ping the runs of ``tokens`` every few seconds, as open pages do, so that none is freed as idle."""
    def ping() -> None:
        while not stop.is_set():
            for token in list(tokens):
                try:
                    post(app.base, "/component_server", dict(data=token, component_id=app.view, fn_name="alive",
                                                             session_hash=uuid.uuid4().hex[:11]))
                except OSError:
                    pass
            stop.wait(5.0)
    t = threading.Thread(target=ping, daemon=True)
    t.start()
    return t


def open_pages(app: App, n: int, addresses: list[str], stop: threading.Event) -> int:
    """``n`` pages opened by a script from ``addresses`` in turn, their runs kept alive; how many got a run."""
    tokens: list[str] = []
    keep_alive(app, tokens, stop)
    for i in range(n):
        token = (app.page_load(uuid.uuid4().hex[:11], addresses[i % len(addresses)])[1] or {}).get("token")
        if token:
            tokens.append(token)
    return len(tokens)


@phase
def phase_seats(ctx: Ctx) -> dict:
    """A class of 30 places; a bot opens 150 pages from five addresses and keeps them alive; then the 30 students
    arrive with the class's link and join."""
    app, stop = ctx.app, threading.Event()
    time.sleep(ctx.args.idle_s + 5)  # the runs earlier phases left go first: a class keeps places only the server has
    code, teacher = start_class(app, 30, OTHER_TEACHER)
    bot = open_pages(app, 150, [f"10.9.9.{i}" for i in range(5)], stop)
    join = app.dep("click", elem_id="class-join-btn")
    kept = 0
    for i in range(30):
        page = uuid.uuid4().hex[:11]
        _, value = app.page_load(page, SCHOOL, query=f"class={code}")
        try:
            if value and value.get("token"):
                app.event(join, page, [code, f"pupil {i}"], address=SCHOOL, timeout=60)
                kept += 1
            else:
                print(f"  pupil {i} got no run: {str(value)[:160]}", flush=True)
        except RuntimeError as e:
            print(f"  pupil {i} refused: {str(e)[:160]}", flush=True)
    stop.set()
    end_class(app, teacher, OTHER_TEACHER)
    return dict(class_seats_kept_under_bot=f"{kept}/30", bot_runs_beside_class=bot)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="length of the phases that measure the victim")
    ap.add_argument("--idle-s", type=float, default=20.0, help="the server's idle limit for runs")
    ap.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of: {', '.join(PHASES)}")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    chosen = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PHASES]
    if unknown:
        ap.error(f"unknown phases {unknown}")
    port, temp_dir = free_port(), Path(tempfile.mkdtemp(prefix="abuse-gradio-"))
    server = start_server(port, GAN_PLAYGROUND_RUN_IDLE_S=str(args.idle_s), GRADIO_TEMP_DIR=str(temp_dir),
                          GAN_PLAYGROUND_TRUSTED_PROXY="1")
    base = f"http://127.0.0.1:{port}"
    result: dict = {}
    try:
        app = App(base)
        victim = Victim(app)
        victim.start()
        time.sleep(3.0)
        ctx = Ctx(app, server, temp_dir, victim, args)
        by_phase = {}
        windows = {}
        quiet = victim.between(time.perf_counter() - 3.0, time.perf_counter())
        by_phase["quiet"] = quiet
        for name in chosen:
            time.sleep(3.0)  # what the last phase left running settles before this one is measured
            t0 = time.perf_counter()
            try:
                out = PHASES[name](ctx)
            except Exception as e:  # noqa: BLE001 — a phase that broke is reported, and the others still run
                out = {f"{name}_failed": f"{type(e).__name__}: {str(e)[:300]}"}
            windows[name] = (t0, time.perf_counter())
            by_phase[name] = victim.between(*windows[name])
            result.update(out)
            print(f"{name}: {out}; victim {by_phase[name]}", flush=True)
        victim.s.stop.set()
        victim.join(timeout=60)
        old = [ms for k in ("heavy_settings", "full_queue") if k in windows
               for ms in victim.frames_between(*windows[k])]
        if old:
            result.update(victim_frame_ms_p95=round(float(np.percentile(old, 95)), 1),
                          victim_frame_ms_p50=round(statistics.median(old), 1),
                          page_load_s_under_attack=max(result.get("page_load_s_heavy_settings", 0),
                                                       result.get("page_load_s_full_queue", 0)))
        result.update(victim_by_phase=by_phase, victim_errors=len(victim.errors), idle_s=args.idle_s)
        for e in victim.errors[:3]:
            print("  victim error:", e)
        if args.json:
            print(json.dumps(result))
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except Exception:  # noqa: BLE001
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
