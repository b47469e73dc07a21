"""How fast the lab's buttons answer: click → the new view painted, on an idle server (the goal: ≤ 150 ms).

Starts `app.py` on 127.0.0.1, opens the lab in Chromium at 1366×768, waits for its first frame, then clicks Step,
Step D, Step G and Reset ``--repeats`` times each (after a warm-up click each) and times, inside the page: the
request to the server and back (``server``), the click to the new view painted (``view``, the answer), and the
click to the charts redrawn after it (``charts``).

    python benchmarks/controls.py [--repeats 10]
Last stdout line: one JSON object, per button and measure the median and slowest in ms.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.served_app import EXECUTABLE, FLAGS, free_port, start_server  # noqa: E402

BUTTONS = {"step_d": ".lab-step-d", "step_g": ".lab-step-g", "reset": ".lab-reset", "step": ".lab-step"}
TIME_FETCH = """() => { const f = window.fetch; window.__fetchMs = [];
  window.fetch = async (...a) => { const t0 = performance.now(), r = await f(...a); await r.clone().arrayBuffer();
    window.__fetchMs.push(performance.now() - t0); return r; }; }"""
CLICK = """async (sel) => {
  const s = window.ganLab, painted = s.painted, charts = s.chartsDrawn, t0 = performance.now();
  const wait = async (done) => { while (!done()) await new Promise((r) => setTimeout(r, 1)); };
  window.__fetchMs = [];
  document.querySelector(sel).click();
  await wait(() => s.painted !== painted && s.chartsDrawn !== charts && !s.busy);
  return { server: window.__fetchMs.reduce((a, b) => a + b, 0), view: s.paintedAt - t0, charts: s.chartsAt - t0 };
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10)
    args = ap.parse_args()
    port = free_port()
    server = start_server(port)
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=EXECUTABLE, args=FLAGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("() => window.ganLab && window.ganLab.firstFrameAt", timeout=120_000)
            page.evaluate(TIME_FETCH)
            for name, sel in BUTTONS.items():
                page.evaluate(CLICK, sel)  # warm-up
                runs = [page.evaluate(CLICK, sel) for _ in range(args.repeats)]
                out[name] = {k: {"median_ms": round(statistics.median(r[k] for r in runs)),
                                 "max_ms": round(max(r[k] for r in runs))} for k in ("server", "view", "charts")}
                print(name, out[name], flush=True)
            browser.close()
    finally:
        server.kill()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
