"""How long `python app.py` takes to answer, from the process's start: Spaces give an app a start-up timeout (30 min
by default, `startup_duration_timeout` in the README's front-matter), and a restarted Space serves nobody until then.

    python benchmarks/startup.py [--runs 3]
Last stdout line: one JSON object with each run's seconds to the first answer of /config and of the page.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.served_app import free_port, start_server  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = []
    for _ in range(args.runs):
        port = free_port()
        t0 = time.perf_counter()
        server = start_server(port)  # polls /config every 0.5 s
        config_s = time.perf_counter() - t0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as r:
            r.read()
        page_s = time.perf_counter() - t0
        server.kill()
        server.wait()
        runs.append({"config_s": round(config_s, 2), "page_s": round(page_s, 2)})
        print(runs[-1], flush=True)
    print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    main()
