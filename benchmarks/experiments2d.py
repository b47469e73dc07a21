"""The 2D experiments tab on this machine: how fast each view trains and draws, and what VAE vs GAN and the
conditional GAN reach after a fixed number of iterations.

--json ends with one JSON line: per view (ab, vae, cgan) frames_per_second and iterations_per_second (per run)
server-side at the tab's default speed; vae_vs_gan {gan, vae: modes_covered, hq_fraction, js_bits} and
cgan {mean_on_mode, worst_on_mode} after --iterations. With --browser, instead: the app served on 127.0.0.1 and each
view played in Chromium, painted frames per second (goal ≥ 10 for one page on an idle server) and the picture's
natural and shown size (tools/painted.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.tabs import experiments2d as ex  # noqa: E402
from tools import painted  # noqa: E402
from toy2d import metrics, presets  # noqa: E402
from toy2d.conditional import ConditionalTrainer  # noqa: E402
from toy2d.trainer import Trainer  # noqa: E402
from toy2d.vae import VAE, VAEConfig  # noqa: E402


def frame_rate(run, speed: int, seconds: float) -> tuple[float, float]:
    """Frames/s and iterations/s of one run, as the tab's stream makes them (train `speed`, then draw)."""
    frames, t0 = 0, time.perf_counter()
    start = run.lock.iteration if hasattr(run, "lock") else run.trainer.iteration
    while time.perf_counter() - t0 < seconds:
        ex.frame(run, speed)
        frames += 1
    spent = time.perf_counter() - t0
    end = run.lock.iteration if hasattr(run, "lock") else run.trainer.iteration
    return frames / spent, (end - start) / spent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="length of each frame-rate test")
    ap.add_argument("--iterations", type=int, default=3000, help="iterations for the quality comparison")
    ap.add_argument("--data", default="ring8")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--browser", action="store_true", help="painted frames/s of each view in Chromium")
    args = ap.parse_args()
    if args.browser:
        return browser(args)
    torch.set_num_threads(1)
    out: dict = {}
    views = {"ab": (ex.ab_new, (args.data, 0, *ex.ab_pair(ex.DEFAULT_PAIR)[1:]), 10),
             "vae": (ex.vae_new, (args.data, 0, "nonsaturating", 1.0, True), 10),
             "cgan": (ex.cgan_new, (args.data, 0, "nonsaturating", 0), 10)}
    for name, (new, settings, speed) in views.items():
        run = new(None, *settings)[0]
        fps, ips = frame_rate(run, speed, args.seconds)
        out[name] = dict(frames_per_second=round(fps, 1), iterations_per_second=round(ips, 1), speed=speed)
        print(f"{name}: {fps:.1f} frames/s, {ips:.0f} iterations/s per run at {speed} iterations/frame")

    gan_config = presets.resolve(args.data)[0]
    out["vae_vs_gan"] = {}
    for name, model in (("gan", Trainer(gan_config)), ("vae", VAE(VAEConfig.like(gan_config)))):
        t0 = time.perf_counter()
        model.run(args.iterations)
        r = metrics.evaluate(model.dist, model.sample(metrics.N_DIVERGENCE), with_w1=False)
        out["vae_vs_gan"][name] = dict(modes_covered=r.modes_covered, hq_fraction=r.hq_fraction,
                                       js_bits=round(r.js_bits, 3), seconds=round(time.perf_counter() - t0, 1))
        print(f"{name} after {args.iterations} iterations: {r.modes_covered} modes, "
              f"{100 * (r.hq_fraction or 0):.0f}% high quality, JS {r.js_bits:.3f} bits")
    cgan = ConditionalTrainer(gan_config)
    cgan.run(args.iterations // 3)
    scores = cgan.class_scores()
    mean = sum(s.on_mode for s in scores) / len(scores)
    out["cgan"] = dict(out["cgan"], iterations=cgan.iteration, mean_on_mode=round(mean, 3),
                       worst_on_mode=round(min(s.on_mode for s in scores), 3))
    print(f"cGAN after {cgan.iteration} iterations: {mean:.0%} of samples on the asked mode "
          f"(worst class {min(s.on_mode for s in scores):.0%})")
    if args.json:
        print(json.dumps(out))
    return 0


BROWSER_VIEWS = [painted.View("ab", ("2D experiments",), "#ab-play", "#ab-frame", "#ab-frame img"),
                 painted.View("vae", ("2D experiments", "VAE vs GAN"), "#vae-play", "#vae-frame", "#vae-frame img"),
                 painted.View("cgan", ("2D experiments", "Conditional GAN"), "#cgan-play", "#cgan-frame",
                              "#cgan-frame img")]


def browser(args) -> int:
    out = painted.measure(BROWSER_VIEWS, args.seconds)
    for name, r in out.items():
        print(f"{name}: {r['painted_per_second']} painted frames/s; picture {r['natural']} shown at {r['shown']}")
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
