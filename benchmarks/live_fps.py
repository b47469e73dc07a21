"""How fluid is the live 2D lab in a real browser? Painted frames/s, iterations/s, bytes and server CPU per frame.

Starts `app.py` on 127.0.0.1, opens K pages in headless Chromium (Playwright) on a shared link to GAN Lab's
preset, presses Play in each and counts the frames each page actually painted (the page counts a frame when the
browser has painted it: a requestAnimationFrame after the canvas draw). All layers on, 100×100 heatmap.

    python benchmarks/live_fps.py --seconds 20 --sessions 1 --speed 40
Last stdout line: one JSON object with painted_fps, iterations_per_second, bytes_per_frame, heatmap_cells (per side),
layers_per_second (new heatmaps + manifolds the page took in), server CPU per frame (the app and its lab workers),
sessions (+ detail).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.served_app import EXECUTABLE, FLAGS, cpu_seconds, free_port, start_server  # noqa: E402
from toy2d.presets import resolve  # noqa: E402


async def measure(url: str, sessions: int, seconds: float, speed: int, warmup: float, server_pid: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=EXECUTABLE, args=FLAGS)
        pages = []
        for _ in range(sessions):
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            await page.goto(url)
            await page.wait_for_function("window.ganLab && window.ganLab.frame", timeout=60_000)
            await page.evaluate("(v) => { const s = document.querySelector('.lab-speed'); s.value = v; "
                                "s.dispatchEvent(new Event('input')); }", str(speed))
            pages.append(page)
        for page in pages:
            await page.click(".lab-play")
        await asyncio.sleep(warmup)
        read = ("() => ({painted: ganLab.painted, frames: ganLab.frames, bytes: ganLab.bytes, "
                "it: ganLab.frame.iteration, "
                "heat: ganLab.heavy && ganLab.heavy.heat_n, layers: ganLab.layersVersion})")
        start = [await page.evaluate(read) for page in pages]
        cpu0, t0 = cpu_seconds(server_pid), time.perf_counter()
        await asyncio.sleep(seconds)
        end = [await page.evaluate(read) for page in pages]
        cpu1, t1 = cpu_seconds(server_pid), time.perf_counter()
        playing = [await page.evaluate("() => ganLab.playing") for page in pages]
        await browser.close()
    span = t1 - t0
    per = []
    for a, b in zip(start, end):
        frames = b["frames"] - a["frames"]
        per.append(dict(painted_fps=(b["painted"] - a["painted"]) / span,
                        iterations_per_second=(b["it"] - a["it"]) / span,
                        bytes_per_frame=(b["bytes"] - a["bytes"]) / max(frames, 1), frames=frames,
                        heatmap_cells=b["heat"], layers_per_second=(b["layers"] - a["layers"]) / span))
    total_frames = sum(x["frames"] for x in per)
    mean = lambda k: sum(x[k] for x in per) / len(per)  # noqa: E731
    return dict(painted_fps=round(mean("painted_fps"), 2),
                iterations_per_second=round(mean("iterations_per_second"), 1),
                bytes_per_frame=round(mean("bytes_per_frame")), sessions=sessions,
                heatmap_cells=min(x["heatmap_cells"] for x in per),
                layers_per_second=round(mean("layers_per_second"), 1),
                server_cpu_ms_per_frame=round(1000 * (cpu1 - cpu0) / max(total_frames, 1), 2),
                still_playing=all(playing), seconds=round(span, 1), speed=speed, per_session=per)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--sessions", type=int, default=1)
    ap.add_argument("--speed", type=int, default=40, help="iterations per frame (the page's speed slider)")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--preset", default="ganlab")
    args = ap.parse_args(argv)
    port = free_port()
    proc = start_server(port)
    try:
        query = resolve(preset=args.preset)[0].to_query()
        result = measure(f"http://127.0.0.1:{port}/?{query}", args.sessions, args.seconds, args.speed, args.warmup,
                         proc.pid)
        result = asyncio.run(result)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result["preset"] = args.preset
    print(f"{args.sessions} session(s), preset {args.preset}, {args.speed} it/frame: "
          f"{result['painted_fps']} painted frames/s, {result['iterations_per_second']} iterations/s, "
          f"{result['bytes_per_frame']} bytes/frame, server CPU {result['server_cpu_ms_per_frame']} ms/frame",
          file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
