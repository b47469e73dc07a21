"""How long a page waits for the lab: first paint → the first lab frame painted, on a cold app.

Starts `app.py` on 127.0.0.1 (the clock starts once the server answers), then opens fresh Chromium pages one after
another: the app's first page (cold: nothing trained, no worker warm yet), a second page, and a shared link to a
preset. For each it reports first paint (the browser's `first-contentful-paint`), when the lab's frame is shown
(its empty view saying "starting the lab…"; the goal: ≤ 3 s after first paint) and the first trained frame taken in
(lab2d.js `firstFrameAt`), all from navigation start, and the gaps from first paint.

    python benchmarks/first_frame.py
Last stdout line: one JSON object with the pages' figures in ms and the worst first-paint → frame gap.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.served_app import EXECUTABLE, FLAGS, free_port, start_server  # noqa: E402
from toy2d.presets import resolve  # noqa: E402

# When the lab's frame (the view's square saying "starting the lab…", the toolbar, the overview) is first on the
# page: watched from before the page's own scripts run.
SHOWN = """new MutationObserver((_, obs) => { if (document.querySelector('.lab-starting')) {
  window.__labShownAt = performance.now(); obs.disconnect(); } })
  .observe(document, { childList: true, subtree: true });"""
READ = """() => { const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return { first_paint_ms: fcp ? fcp.startTime : null, shown_ms: window.__labShownAt,
           first_frame_ms: window.ganLab.firstFrameAt }; }"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}/"
    shared = base + "?" + resolve(preset="collapse")[0].to_query()
    rows = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=EXECUTABLE, args=FLAGS)
            for name, url in [("cold", base), ("second", base), ("shared_link", shared)]:
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.add_init_script(SHOWN)
                page.goto(url)
                page.wait_for_function("() => window.ganLab && window.ganLab.firstFrameAt", timeout=120_000)
                r = page.evaluate(READ)
                r["shown_gap_ms"] = round(r["shown_ms"] - r["first_paint_ms"])
                r["gap_ms"] = round(r["first_frame_ms"] - r["first_paint_ms"])
                rows[name] = {k: round(v) for k, v in r.items()}
                print(name, rows[name], flush=True)
                page.close()
            browser.close()
    finally:
        server.kill()
    print(json.dumps({"pages": rows, "worst_shown_gap_ms": max(r["shown_gap_ms"] for r in rows.values()),
                      "worst_gap_ms": max(r["gap_ms"] for r in rows.values())}))


if __name__ == "__main__":
    main()
