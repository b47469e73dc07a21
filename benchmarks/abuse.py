"""A hostile or clumsy visitor against one `python app.py` on 127.0.0.1, while a normal page plays.

Replays the public-Space faults with bounded loops (each phase a few seconds to a minute):
  1. heavy settings through the panel (if refused, the costliest that are accepted), then 80 parallel frame
     requests for that page;
  2. a 100 000-point CSV, then three settings changes;
 10. 64 slow events (GIF exports) queued from one client, while new pages load;
  4. 40 runs opened by raw page-load calls (no heartbeat, no page), left idle past the idle limit;
  5. 50 saves of a run by one page;
  3. a run file whose records declare 1 GB (about 1 MB on disk).
All the while a victim page plays (the tick loop a browser runs) and its frame times are recorded.

The server runs with GAN_PLAYGROUND_RUN_IDLE_S (default here 20 s, so phase 4 fits in a minute) and its own
GRADIO_TEMP_DIR, whose size is what "export disk" measures (our exports and every copy Gradio makes).

--json ends with one JSON line: victim_frame_ms_p95 (during phases 1 and 10), victim_frame_ms_p50, victim_errors,
page_load_s_under_attack (the slowest of the page loads during phases 1 and 10: page, config, load event),
heavy_settings_accepted, settings_change_s_big_cloud (the slowest of three), live_runs_after_idle (of 40),
export_dir_mb_after_50_saves, worker_rss_mb_after_bomb, rss_growth_mb_bomb, bomb_message (the two RSS keys count the lab's worker processes, where a run file is opened). Targets: p95 ≤ 250 ms, page load ≤ 5 s, idle runs freed, export disk bounded, the bomb refused with
a message and RSS growth < 50 MB.
"""
from __future__ import annotations

import argparse
import io
import json
import math
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.load import Session  # noqa: E402
from tools.served_app import (API, FrameClient, app_config, free_port, lab_ids, own_rss_mb, post, run_event,  # noqa: E402
                              start_server, tree)

HEAVY = dict(g_depth=8, d_depth=8, g_width=512, d_width=512, batch=4096, noise_dim=64, k_d=50, k_g=50,
             unrolled_k=20, loss="wgan-gp", r1_gamma=1.0)


def heaviest_allowed() -> dict:
    """The costliest of a few big settings that the cost bound lets through: what an attacker gets instead."""
    from toy2d import budget
    from toy2d.config import TrainConfig
    candidates = [dict(g_width=w, d_width=w, g_depth=d, d_depth=d, batch=b, k_d=k)
                  for w, d in ((150, 2), (110, 3), (85, 4)) for b in (512, 1024, 2048, 4096) for k in (1, 2, 3, 5)]
    fits = []
    for c in candidates:
        try:
            fits.append((budget.estimate(TrainConfig(**c).validate()).iteration_ms, c))
        except ValueError:
            pass
    return max(fits, key=lambda f: f[0])[1]


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

    def fields(self) -> list[str]:
        """The settings panel's fields, in the order its change event takes them."""
        d = self.dep("submit", elem_id="lab-batch")
        return [self.components[c]["elem_id"].removeprefix("lab-") for c in d["inputs"]]

    def upload(self, name: str, data: bytes) -> dict:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + API + "/upload", data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(req, timeout=120) as r:
            path = json.loads(r.read())[0]
        return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    def page_load(self, session_hash: str) -> tuple[float, dict | None]:
        """What a new visitor's browser does: the page, its config, the page-load event. (seconds, first value)."""
        t0 = time.perf_counter()
        try:
            urllib.request.urlopen(self.base + "/", timeout=120).read()
            app_config(self.base)
            if self.load_dep.get("queue") is False:
                out = json.loads(post(self.base, "/run/predict", dict(data=[], fn_index=self.load_fn,
                                                                         session_hash=session_hash), 120))["data"]
            else:
                out = run_event(self.base, self.load_fn, session_hash, [], timeout=120)
            value = json.loads(out[0])
        except (OSError, RuntimeError, ValueError, KeyError) as e:
            return time.perf_counter() - t0, {"error": str(e)[:200]}
        return time.perf_counter() - t0, value


class Victim(threading.Thread):
    """A normal page playing at the default speed; records each frame's round trip."""

    def __init__(self, app: App):
        super().__init__(daemon=True)
        self.s = Session(app.base, app.view, app.load_fn, 20, 0.03, threading.Event())
        self.s.open()
        self.times: list[tuple[float, float]] = []  # (when, ms)
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


def phase_heavy(app: App, seconds: float) -> tuple[bool, list[float]]:
    """Fault 1: heavy settings, then 80 parallel frame requests for that page, for ``seconds``."""
    h = uuid.uuid4().hex[:11]
    _, first = app.page_load(h)
    token = first["token"]
    dep = app.dep("submit", elem_id="lab-batch")
    logs: list = []
    accepted = False
    for settings in (HEAVY, None):  # the panel's largest values; if refused, the largest it takes
        settings = settings or heaviest_allowed()
        try:
            out = run_event(app.base, dep["index"], h, settings_values(app, settings), timeout=180, logs=logs)
            restarted = isinstance(out[0], str) and "Restarted" in json.loads(out[0]).get("message", "")
        except (OSError, RuntimeError, ValueError):
            restarted = False
        accepted = accepted or (restarted and settings is HEAVY)
        if restarted:
            print(f"  the heavy page trains with {settings}", flush=True)
            break
    stop = time.time() + seconds
    loads: list[float] = []

    def hammer() -> None:
        while time.time() < stop:
            try:
                tick(app, token, timeout=seconds + 120)
            except OSError:
                time.sleep(0.1)
    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(80)]
    for t in threads:
        t.start()
    while time.time() < stop:
        loads.append(app.page_load(uuid.uuid4().hex[:11])[0])
        time.sleep(1.0)
    for t in threads:
        t.join(timeout=150)
    return accepted, loads


def phase_big_cloud(app: App) -> float:
    """Fault 2: a 100 000-point CSV, then three settings changes; the slowest change in seconds."""
    h = uuid.uuid4().hex[:11]
    app.page_load(h)
    pts = np.random.default_rng(0).normal(size=(100_000, 2))
    csv = "x,y\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in pts)
    file = app.upload("cloud.csv", csv.encode())
    run_event(app.base, app.dep("upload", label="Upload a CSV of x,y points")["index"], h, [file], timeout=300)
    values = settings_values(app, dict(data="points"))
    worst = 0.0
    for lr in (0.002, 0.003, 0.004):
        values[app.fields().index("lr_d")] = lr
        t0 = time.perf_counter()
        try:
            run_event(app.base, app.dep("submit", elem_id="lab-batch")["index"], h, values, timeout=300)
        except (OSError, RuntimeError):
            pass
        worst = max(worst, time.perf_counter() - t0)
    return worst


def phase_queue(app: App, seconds: float) -> list[float]:
    """Fault 10: 64 slow events queued from one client while new pages load."""
    h = uuid.uuid4().hex[:11]
    app.page_load(h)
    gif = app.dep("click", value="Export animated GIF of the view")["index"]
    for _ in range(64):
        try:
            post(app.base, "/queue/join", dict(data=[], fn_index=gif, session_hash=h, event_data=None,
                                                trigger_id=None), 30)
        except urllib.error.HTTPError:
            pass  # refused: the page already has its share of the queue
    loads, stop = [], time.time() + seconds
    while time.time() < stop:
        loads.append(app.page_load(uuid.uuid4().hex[:11])[0])
        time.sleep(1.0)
    return loads


def phase_idle(app: App, idle_s: float) -> int:
    """Fault 4: 40 runs opened by raw page-load calls and left; how many still answer after the idle limit."""
    opened = []
    for _ in range(40):
        h = uuid.uuid4().hex[:11]
        _, value = app.page_load(h)
        if value and "token" in value:
            opened.append((h, value["token"]))
    time.sleep(idle_s + 15)  # the victim's frames keep the server's idle check running
    return sum(1 for _, token in opened if "error" not in tick(app, token))


def phase_saves(app: App, temp_dir: Path) -> float:
    """Fault 5: 50 saves by one page; MB under the server's GRADIO_TEMP_DIR afterwards."""
    h = uuid.uuid4().hex[:11]
    app.page_load(h)
    save = app.dep("click", value="Save run (model + settings)")["index"]
    for _ in range(50):
        run_event(app.base, save, h, [], timeout=120)
    return sum(f.stat().st_size for f in temp_dir.rglob("*") if f.is_file()) / 1e6


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


def phase_bomb(app: App, pid: int) -> tuple[float, float, str]:
    """Fault 3: a run file declaring 1 GB; (the workers' RSS after, its growth, what the page was told)."""
    h = uuid.uuid4().hex[:11]
    app.page_load(h)
    load_run = app.dep("upload", label="Load a saved run (.pt)")["index"]
    # the first run file a worker opens costs it ~75 MB once, whatever the file (a valid one too): open a valid
    # file first, so that the growth measured is the bomb's own
    run_event(app.base, load_run, h, [app.upload("valid.pt", bomb_file(0))], timeout=120)
    file = app.upload("bomb.pt", bomb_file(1024))
    time.sleep(1.0)
    before = workers_rss_mb(pid)
    logs: list = []
    try:
        run_event(app.base, load_run, h, [file], timeout=300, logs=logs)
        told = " / ".join(map(str, logs)) or "nothing"
    except (OSError, RuntimeError) as e:
        told = f"failed: {str(e)[:200]}"
    time.sleep(1.0)
    after = workers_rss_mb(pid)
    return after, after - before, told


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="length of the heavy-page and full-queue phases")
    ap.add_argument("--idle-s", type=float, default=20.0, help="the server's idle limit for runs")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    port, temp_dir = free_port(), Path(tempfile.mkdtemp(prefix="abuse-gradio-"))
    server = start_server(port, GAN_PLAYGROUND_RUN_IDLE_S=str(args.idle_s), GRADIO_TEMP_DIR=str(temp_dir))
    base = f"http://127.0.0.1:{port}"
    try:
        app = App(base)
        victim = Victim(app)
        victim.start()
        time.sleep(3.0)
        t0 = time.perf_counter()
        accepted, loads_heavy = phase_heavy(app, args.seconds)
        t1 = time.perf_counter()
        print(f"1 heavy page: settings accepted {accepted}; page loads {[round(x, 1) for x in loads_heavy]} s",
              flush=True)
        cloud_s = phase_big_cloud(app)
        print(f"2 big cloud: slowest settings change {cloud_s:.2f} s", flush=True)
        t2 = time.perf_counter()
        loads_queue = phase_queue(app, args.seconds)
        t3 = time.perf_counter()
        print(f"10 full queue: page loads {[round(x, 1) for x in loads_queue]} s", flush=True)
        live = phase_idle(app, args.idle_s)
        print(f"4 idle runs: {live} of 40 still live", flush=True)
        export_mb = phase_saves(app, temp_dir)
        print(f"5 saves: {export_mb:.1f} MB under GRADIO_TEMP_DIR", flush=True)
        rss_after, growth, told = phase_bomb(app, server.pid)
        print(f"3 bomb: RSS {rss_after:.0f} MB (+{growth:.0f}); told: {told}", flush=True)
        victim.s.stop.set()
        victim.join(timeout=60)
        heavy, queued = victim.frames_between(t0, t1), victim.frames_between(t2, t3)
        frames = heavy + queued
        p95 = float(np.percentile(frames, 95)) if frames else math.inf
        by_phase = {k: round(float(np.percentile(v, 95)), 1) if v else None
                    for k, v in (("heavy_page", heavy), ("full_queue", queued))}
        result = dict(victim_frame_ms_p95=round(p95, 1),
                      victim_frame_ms_p50=round(statistics.median(frames), 1) if frames else None,
                      victim_frame_ms_p95_by_phase=by_phase, victim_frames=len(frames),
                      victim_errors=len(victim.errors),
                      page_load_s_under_attack=round(max(loads_heavy + loads_queue), 2),
                      heavy_settings_accepted=accepted, settings_change_s_big_cloud=round(cloud_s, 2),
                      live_runs_after_idle=live, export_dir_mb_after_50_saves=round(export_mb, 1),
                      worker_rss_mb_after_bomb=round(rss_after, 1), rss_growth_mb_bomb=round(growth, 1),
                      bomb_message=told[:300], idle_s=args.idle_s)
        for e in victim.errors[:3]:
            print("  victim error:", e)
        print(f"victim frame p95 {p95:.0f} ms over {len(frames)} frames; slowest page load "
              f"{result['page_load_s_under_attack']} s")
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
