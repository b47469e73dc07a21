"""Painted frames per second of a tab that streams pictures into a gr.Image, as Chromium shows them: for the
benchmarks of the 2D experiments tab and the digit GANs tab (benchmarks/experiments2d.py --browser,
benchmarks/digit_gans.py --browser).

A frame counts as painted when, at one of the browser's animation frames, the image element shows a picture it did
not show at the last one, fully loaded. Frames the browser skipped (superseded before they loaded) do not count.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from tools.served_app import EXECUTABLE, FLAGS, free_port, start_server

COUNT_JS = """(sel) => {
  const c = window.__painted = { n: 0, last: null };
  (function look() {
    const img = document.querySelector(sel + ' img');
    if (img && img.complete && img.naturalWidth && img.currentSrc !== c.last) { c.last = img.currentSrc; c.n += 1; }
    requestAnimationFrame(look);
  })();
}"""
SIZE_JS = """(sel) => { const i = document.querySelector(sel + ' img'); const r = i.getBoundingClientRect();
  return { natural: [i.naturalWidth, i.naturalHeight], shown: [Math.round(r.width), Math.round(r.height)] }; }"""


@dataclass
class View:
    """How to reach one streaming view: tab names to click (outer first), its Play button, its picture and what
    shows that the view is ready for Play."""
    name: str
    tabs: tuple[str, ...]
    play: str
    picture: str
    ready: str


def measure(views: list[View], seconds: float = 10.0, viewport: tuple[int, int] = (1366, 768)) -> dict:
    """Serve the app on 127.0.0.1, then for each view on a fresh page: open it, press Play, wait for the first
    painted frames, count painted frames for ``seconds``. Returns {name: {painted_per_second, natural, shown}}."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    out: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=EXECUTABLE, args=FLAGS)
            for v in views:
                page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
                page.goto(f"http://127.0.0.1:{port}/")
                for tab in v.tabs:
                    page.get_by_role("tab", name=tab, exact=True).click()
                page.wait_for_function(f"() => document.querySelector('{v.ready}')", timeout=120_000)
                page.evaluate(COUNT_JS, v.picture)
                page.click(v.play)
                page.wait_for_function("() => window.__painted.n >= 3", timeout=120_000)  # warmed up
                n0, t0 = page.evaluate("() => window.__painted.n"), time.perf_counter()
                time.sleep(seconds)
                n1, t1 = page.evaluate("() => window.__painted.n"), time.perf_counter()
                page.click(v.play)
                out[v.name] = dict(painted_per_second=round((n1 - n0) / (t1 - t0), 1),
                                   **page.evaluate(SIZE_JS, v.picture))
                page.close()
            browser.close()
    finally:
        server.kill()
    return out
