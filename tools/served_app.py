"""Driving a served copy of the app from outside, as browsers do, for the tests and the benchmarks alike: start
`python app.py` on a free loopback port, call its events and server functions over HTTP, read its processes'
memory and CPU from /proc, and Debian's headless Chromium with the flags this sandbox needs."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]

BROWSER_VAR = "GAN_PLAYGROUND_CHROMIUM"
# Chromium-family browsers where they usually live: Debian's package first (what CI installs), then Chrome and Edge
# on macOS and Windows. Playwright drives any of them; `playwright install` is not needed.
KNOWN_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                  "/Applications/Chromium.app/Contents/MacOS/Chromium",
                  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                  r"C:\Program Files\Google\Chrome\Application\chrome.exe",
                  r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
                  r"C:\Program Files\Microsoft\Edge\Application\msedge.exe")


def find_chromium() -> str | None:
    """The browser for the browser tests and benchmarks: $GAN_PLAYGROUND_CHROMIUM if set, else the first of
    KNOWN_BROWSERS that exists, else chromium/chrome on the PATH; None when there is none."""
    if os.environ.get(BROWSER_VAR):
        return os.environ[BROWSER_VAR]
    for path in KNOWN_BROWSERS:
        if os.path.isfile(path):
            return path
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome", "msedge"):
        if shutil.which(name):
            return shutil.which(name)
    return None


EXECUTABLE = find_chromium()
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


API = "/gradio_api"


def post(base: str, path: str, body: dict, timeout: float = 60.0, headers: dict | None = None) -> bytes:
    """POST JSON to one of Gradio's routes; ``headers`` added (e.g. X-Forwarded-For, for a server that trusts a
    proxy)."""
    req = urllib.request.Request(base + API + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


FRAME_ROUTE = "/lab/frame"  # playground.tabs.lab2d.FRAME_ROUTE (not imported: that would load Gradio here)


class FrameClient:
    """What a page's frame loop does: POST a frame request to the lab's route on one kept-alive connection, and
    unpack the reply (playground.lab.protocol.unpack)."""

    def __init__(self, base: str, timeout: float = 120.0) -> None:
        host, port = base.split("//", 1)[1].split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def post(self, request: dict) -> dict:
        from playground.lab.protocol import unpack
        body = json.dumps(request).encode()
        for attempt in range(2):  # a kept-alive connection the server closed in between is opened again once
            try:
                self.conn.request("POST", FRAME_ROUTE, body, {"Content-Type": "application/json"})
                return unpack(self.conn.getresponse().read())
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def app_config(base: str) -> dict:
    with urllib.request.urlopen(base + "/config", timeout=30) as r:
        return json.loads(r.read())


def lab_ids(config: dict) -> tuple[int, int]:
    """(component id of the lab's view, fn index of the page-load event that starts a session)."""
    view = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "lab-view")
    load = next(i for i, d in enumerate(config["dependencies"])
                if any(t[1] == "load" for t in d["targets"]) and view in d["outputs"])
    return view, config["dependencies"][load].get("id", load)


def run_event(base: str, fn_index: int, session_hash: str, data: list, timeout: float = 60.0,
              logs: list | None = None, headers: dict | None = None, query: str = "",
              event_data: dict | None = None) -> list:
    """One queued event the way the page sends it: join the queue, then read its stream until it completes. The
    event's messages (warnings, infos) are appended to ``logs`` when given. ``query``: the page's own URL query
    (e.g. "class=CODE"), which the page's client sends along; ``event_data``: what the page's trigger carried."""
    post(base, "/queue/join" + (f"?{query}" if query else ""),
         dict(data=data, fn_index=fn_index, session_hash=session_hash, event_data=event_data, trigger_id=None),
         headers=headers)
    url = f"{base}{API}/queue/data?session_hash={session_hash}"
    with urllib.request.urlopen(url, timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode().strip()
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            if msg.get("msg") == "log" and logs is not None:
                logs.append(msg.get("log", ""))
            if msg.get("msg") == "process_completed":
                if not msg.get("success"):
                    raise RuntimeError(f"event failed: {msg.get('output')}")
                return msg["output"]["data"]
    raise RuntimeError("the event's stream ended without a result")


def own_rss_mb(pid: int) -> float:
    """Resident memory of one process (not its children)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """Resident memory of the app and its worker processes."""
    return sum(own_rss_mb(p) for p in tree(pid))


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a live process, from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> dict[int, float]:
    """A process and every live process under it (the app's lab workers), each with its CPU seconds so far."""
    stats = {int(p): st for p in os.listdir("/proc") if p.isdigit() and (st := _stat(p)) is not None}
    found, todo = {}, [pid]
    while todo:
        p = todo.pop()
        found[p] = stats.get(p, (0, 0.0))[1]
        todo.extend(c for c, (parent, _) in stats.items() if parent == p)
    return found


def cpu_seconds(pid: int) -> float:
    return sum(tree(pid).values())


@contextlib.contextmanager
def served(**env_extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python app.py`` on a free loopback port for the duration of a ``with``: (its base URL, its process); stopped
    at the end, killed if it does not stop within 20 s."""
    port = free_port()
    server = start_server(port, **env_extra)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def start_server(port: int, **env_extra: str) -> subprocess.Popen:
    env = dict(os.environ, GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port),
               GRADIO_ANALYTICS_ENABLED="False", **env_extra)
    # the app's log goes to a file, not a pipe: nobody reads a pipe while the app runs, and once its 64 KB were
    # full (Gradio prints a traceback per failed event) the app's event loop blocked on the write, for everyone
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the app exited: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the app did not answer within 120 s")
