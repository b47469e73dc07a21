"""How fast the lab's buttons answer: click → the new frame painted, on an idle server (the goal: ≤ 150 ms).

Starts `app.py` on 127.0.0.1, opens the lab in Chromium at 1366×768, waits for its first frame, then clicks Step,
Step D, Step G and Reset ``--repeats`` times each (after a warm-up click each) and times, inside the page, from the
click to the frame taken in and the next animation frame painted.

    python benchmarks/controls.py [--repeats 10]
Last stdout line: one JSON object, per button the median and slowest answer in ms.
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

BUTTONS = {"step": ".lab-step", "step_d": ".lab-step-d", "step_g": ".lab-step-g", "reset": ".lab-reset"}
CLICK = """async (sel) => {
  const s = window.ganLab, before = s.frames, t0 = performance.now();
  document.querySelector(sel).click();
  while (s.frames === before || s.busy) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - t0;
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
            for name, sel in BUTTONS.items():
                page.evaluate(CLICK, sel)  # warm-up
                times = [page.evaluate(CLICK, sel) for _ in range(args.repeats)]
                out[name] = {"median_ms": round(statistics.median(times)), "max_ms": round(max(times))}
                print(name, out[name], flush=True)
            browser.close()
    finally:
        server.kill()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
