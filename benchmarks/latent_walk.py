"""How long a latent walk of the faces DCGAN takes to render to video on this machine, and where the time goes.

Goal (issue 5): a 64-frame walk rendered to MP4 in ≤3 s on the 2-core CPU. Timed like the tab and the CLI do it:
latents → generator → 256-px upscale → H.264 file, model loading excluded (it happens once per process) but
reported. Prints a table; --json adds one JSON line.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.imaging import montage, video  # noqa: E402
from models.faces import latent, walks  # noqa: E402
from models.faces.infer import load_faces  # noqa: E402

GOAL_SECONDS = 3.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=64)
    ap.add_argument("--size", type=int, default=256, choices=walks.VIDEO_SIZES)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (the app uses 1)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    model = load_faces()
    load_s = time.perf_counter() - t0
    seeds = [3, 7]
    out = Path(tempfile.mkdtemp()) / "walk.mp4"
    walks.render(model, seeds, 8, size=args.size, out=out)  # warm-up: first calls allocate, ffmpeg gets cached

    totals, parts = [], {"generate": [], "upscale": [], "encode": []}
    for r in range(args.repeats):
        totals.append(walks.render(model, seeds, args.frames, size=args.size, out=out).seconds)
        t = time.perf_counter()
        faces = model.images(latent.walk(latent.from_seeds(seeds), args.frames))
        parts["generate"].append(time.perf_counter() - t)
        t = time.perf_counter()
        big = montage.upscale(faces, args.size)
        parts["upscale"].append(time.perf_counter() - t)
        t = time.perf_counter()
        video.write(big, out)
        parts["encode"].append(time.perf_counter() - t)
    median = statistics.median(totals)
    print(f"{args.frames}-frame walk at {args.size} px to MP4, {args.threads} thread(s), {args.repeats} runs")
    print(f"  total   median {median:.3f} s  (min {min(totals):.3f}, max {max(totals):.3f})  goal ≤{GOAL_SECONDS} s")
    for name, values in parts.items():
        print(f"  {name:9}median {statistics.median(values):.3f} s")
    print(f"  model load (once per process) {load_s:.3f} s; file {out.stat().st_size / 1e3:.0f} KB")
    if args.json:
        print(json.dumps({"frames": args.frames, "size": args.size, "threads": args.threads,
                          "seconds": round(median, 4), "seconds_max": round(max(totals), 4),
                          **{f"{k}_seconds": round(statistics.median(v), 4) for k, v in parts.items()},
                          "load_seconds": round(load_s, 4), "goal_seconds": GOAL_SECONDS,
                          "goal_met": median <= GOAL_SECONDS}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
