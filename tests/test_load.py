"""benchmarks/load.py in miniature: page-like sessions against `python app.py` get frames without errors and are
freed when they disconnect. (Rates are the benchmark's business, not a test's.)"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_sessions_get_frames_and_are_freed_on_disconnect():
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--sessions", "3", "--minutes", "0.25",
                          "--warmup", "3", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["sessions"] == 3 and result["errors"] == 0 and result["sessions_left"] == 0
    assert result["updates_per_second_min"] > 0 and result["iterations_per_second_per_session"] > 0
    assert {"minutes", "rss_start_mb", "rss_end_mb", "updates_per_second_per_session"} <= set(result)
