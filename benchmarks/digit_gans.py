"""The digit GANs tab's goals on this machine: how fast the conditional GAN learns to draw the digit it is asked for,
whether the DCGAN covers all ten digits, and how many training updates per second the live tab sustains.

--json ends with one JSON line with the keys cgan_accuracy, cgan_seconds, dcgan_classes_covered,
updates_per_second. Goals: cGAN accuracy ≥90 % within 120 s; DCGAN covers 10/10; ≥10 frames/s (each frame is
`--speed` iterations plus its picture, as in the tab). With --browser, instead: the app served on 127.0.0.1 and the
tab played in Chromium, painted frames per second (tools/painted.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.digits import judge  # noqa: E402
from models.digits.live import DigitConfig, DigitGAN  # noqa: E402
from playground.tabs import digit_gans  # noqa: E402
from tools import painted  # noqa: E402


def until(gan: DigitGAN, seconds: float, done, every: int = 100) -> tuple[float, dict]:
    """Train until done(metrics) or the time is up; metrics every `every` iterations (not counted as training)."""
    spent, metrics = 0.0, {}
    while spent < seconds:
        t = time.perf_counter()
        gan.run(every)
        spent += time.perf_counter() - t
        metrics = gan.metrics()
        if done(metrics):
            break
    return spent, metrics


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=120.0, help="seconds of training per model")
    ap.add_argument("--speed", type=int, default=10, help="iterations per frame for the frame-rate test")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the frame-rate test")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--browser", action="store_true", help="painted frames/s of the tab in Chromium")
    args = ap.parse_args()
    if args.browser:
        out = painted.measure([painted.View("digit_gans", ("Digit GANs",), "#img-play", "#img-frame",
                                            "#img-play")], args.seconds)["digit_gans"]
        print(f"digit GANs: {out['painted_per_second']} painted frames/s; picture {out['natural']} shown at "
              f"{out['shown']}")
        if args.json:
            print(json.dumps(out))
        return 0
    torch.set_num_threads(1)
    judge.judge()

    cgan = DigitGAN(DigitConfig(model="cgan"))
    cgan_s, cgan_m = until(cgan, args.budget, lambda m: m["accuracy"] >= 0.9)
    print(f"cGAN: accuracy {cgan_m['accuracy']:.1%} on the asked digit after {cgan.iteration} iterations, "
          f"{cgan_s:.1f} s of training (goal ≥90 % within {args.budget:.0f} s); Fréchet {cgan_m['frechet']:.1f}")

    dcgan = DigitGAN(DigitConfig(model="dcgan"))
    dcgan_s, dcgan_m = until(dcgan, args.budget, lambda m: m["classes_covered"] == 10 and dcgan.iteration >= 1000)
    print(f"DCGAN: covers {dcgan_m['classes_covered']}/10 digits after {dcgan.iteration} iterations, "
          f"{dcgan_s:.1f} s; histogram {[round(v, 2) for v in dcgan_m['histogram']]}")

    run = digit_gans.DigitRun(DigitGAN(DigitConfig(model="cgan")))
    frames, t = 0, time.perf_counter()
    while time.perf_counter() - t < args.seconds:
        run.gan.run(args.speed)
        digit_gans.render(run)
        frames += 1
    elapsed = time.perf_counter() - t
    fps, ups = frames / elapsed, frames * args.speed / elapsed
    print(f"live tab work: {fps:.1f} frames/s at {args.speed} iterations per frame = {ups:.0f} updates/s "
          f"(server side; metrics every {digit_gans.METRICS_EVERY_S} s)")
    if args.json:
        print(json.dumps({"cgan_accuracy": round(cgan_m["accuracy"], 4), "cgan_seconds": round(cgan_s, 2),
                          "cgan_iterations": cgan.iteration, "dcgan_classes_covered": dcgan_m["classes_covered"],
                          "dcgan_seconds": round(dcgan_s, 2), "dcgan_iterations": dcgan.iteration,
                          "updates_per_second": round(ups, 1), "frames_per_second": round(fps, 2),
                          "speed": args.speed}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
