"""benchmarks/load.py in miniature: page-like sessions against `python app.py` get frames without errors and are
freed when they disconnect. (Rates are the benchmark's business, not a test's.)"""
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import app
from toy2d.presets import resolve
from tools.served_app import free_port, start_server, tree

pytestmark = pytest.mark.slow  # a served app under simulated pages, for many seconds

ROOT = Path(__file__).resolve().parents[1]


def test_sessions_get_frames_and_are_freed_on_disconnect():
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--sessions", "3", "--minutes", "0.25",
                          "--warmup", "3", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["sessions"] == 3 and result["errors"] == 0 and result["sessions_left"] == 0
    assert result["updates_per_second_min"] > 0 and result["iterations_per_second_per_session"] > 0
    assert {"minutes", "rss_start_mb", "rss_end_mb", "updates_per_second_per_session"} <= set(result)
    assert result["limit_iterations_per_second"] > 0 and 0 < result["fraction_of_limit"] < 1
    workers = [name for name in result["rss_end_by_process_mb"] if name.startswith("worker")]
    assert len(workers) == app.lab_workers()  # the 2D lab's runs were served by the app's worker processes


def test_every_page_can_choose_a_preset():
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--sessions", "2", "--minutes", "0.15",
                          "--warmup", "2", "--preset", "ganlab", "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == 0 and result["sessions_left"] == 0
    assert result["page_settings"] == [resolve(preset="ganlab")[0].to_query()]  # every page trained the preset


def test_the_apps_lab_workers_end_with_it_even_when_it_is_killed(monkeypatch):
    monkeypatch.setenv("GAN_PLAYGROUND_LAB_WORKERS", "2")
    server = start_server(free_port())
    try:
        workers = [p for p in tree(server.pid) if p != server.pid]
        assert len(workers) == 2
    finally:
        server.kill()  # no chance to clean up: the workers must notice by themselves
        server.wait()
    deadline = time.time() + 20
    while any(Path(f"/proc/{p}").exists() and _running(p) for p in workers) and time.time() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{p}").exists() and _running(p) for p in workers)


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its (dead) parent to collect it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
