"""Style transfer speed and Gatys convergence on this machine.

Goals (issue 6): 26-style network at 512 px ≤1 s; arbitrary style at 512 px ≤1 s (style vector + transform);
Gatys at 256 px, 200 iterations ≤60 s with the style loss falling ≥10×. Photo: scikit-image's astronaut; style:
the app's "swirling night" example painting. --json ends with one JSON line with the keys fast_512_seconds,
arbitrary_512_seconds, gatys_256_200_seconds, gatys_style_loss_ratio (and a few more).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.style_transfer import fast as fast_style, gatys  # noqa: E402
from models.imaging import inputs as image_input  # noqa: E402
from benchmarks.toy2d_speed import ms_per_call  # noqa: E402
from playground import examples  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads for Gatys (the app uses 1)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    photo, _ = image_input.read(examples.photos()[1], max_side=512)
    painting, _ = image_input.read(examples.paintings()[0], max_side=512)
    weights = fast_style.style_weights({19: 1.0})
    fast = ms_per_call(lambda: fast_style.stylise(photo, weights), args.repeats) / 1000
    arbitrary = ms_per_call(lambda: fast_style.transform(photo, fast_style.style_vector(painting)),
                            args.repeats) / 1000

    net = gatys.backbone("efficientnet-lite0")
    run = gatys.GatysRun(net, photo, painting, gatys.GatysConfig(size=256, iterations=args.iterations))
    t = time.perf_counter()
    while not run.done:
        run.step(10)
    gatys_s = time.perf_counter() - t
    first, last = run.history[0], run.history[-1]
    ratio = first["style"] / last["style"]
    out = Path("/tmp/style-benchmark-gatys.png")
    Image.fromarray(run.picture()).save(out)

    print(f"26-style network, {photo.shape[1]}×{photo.shape[0]}: {fast:.3f} s (median of {args.repeats}; goal ≤1 s)")
    print(f"arbitrary style, {photo.shape[1]}×{photo.shape[0]}: {arbitrary:.3f} s (goal ≤1 s)")
    print(f"Gatys 256 px, {len(run.history)} iterations, {args.threads} thread(s): {gatys_s:.1f} s "
          f"({1000 * gatys_s / len(run.history):.0f} ms each; goal ≤60 s)")
    print(f"  style loss {first['style']:.3g} → {last['style']:.3g} (÷{ratio:.0f}; goal ≥10); content loss "
          f"{first['content']:.3f} → {last['content']:.3f} (max {max(h['content'] for h in run.history):.3f})")
    print(f"  picture: {out}")
    if args.json:
        print(json.dumps({"fast_512_seconds": round(fast, 4), "arbitrary_512_seconds": round(arbitrary, 4),
                          "gatys_256_200_seconds": round(gatys_s, 2), "gatys_style_loss_ratio": round(ratio, 1),
                          "gatys_iterations": len(run.history), "gatys_content_loss_final": round(last["content"], 4),
                          "gatys_content_loss_max": round(max(h["content"] for h in run.history), 4),
                          "threads": args.threads}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
