"""StyleGAN on measured pictures: how close its faces come to the faces it learned from, and whether mixing styles
does what the paper says.

``fd``: Fréchet distance (models/imaging/frechet.py: FID's recipe on EfficientNet-Lite0 features) between the committed
generator's faces (ψ = 1, no truncation) and held-out faces of its training distribution (the faces DCGAN's seeds
from facepairs.HELD_OUT_FIRST_SEED, at 32 px as StyleGAN trained). ``dcgan_fd``: the same for a second set of the
DCGAN's own faces (seeds from 3 000 000): the figure the data's source itself gets, i.e. the floor this many
pictures allow (goal: fd ≤ 1.5 × dcgan_fd). ``coarse_lowfreq_change`` / ``middle_…`` / ``fine_…``: the share of
the low-frequency layout difference between faces A and B (models/style_mixing.structure: grey, normalised, 8×8)
that A takes on when it gets B's coarse / middle / fine styles; the paper: coarse styles carry pose and face shape,
fine ones colour and micro-structure. ``noise_pixel_std``: per-pixel spread over 16 noise draws of one face, and
``walk_*_unevenness``: the largest step between frames of a 16-frame walk over the mean step, in Z and in W.
--json ends with one JSON line of these.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.imaging import frechet  # noqa: E402
from models.faces import data as facepairs  # noqa: E402
from models.stylegan import infer as style_mixing  # noqa: E402
from models.stylegan.train import training_faces  # noqa: E402

DCGAN_SECOND_SET = 3_000_000


def measure(n: int = 2000, pairs: int = 200) -> dict:
    g, meta = style_mixing.stylegan()
    side = meta["size"]
    real = frechet.features(training_faces(n, side, facepairs.HELD_OUT_FIRST_SEED))
    dcgan = frechet.features(training_faces(n, side, DCGAN_SECOND_SET))
    ours = frechet.features(style_mixing.faces(g, list(range(n)), 1.0, noise=0))
    trunc = frechet.features(style_mixing.faces(g, list(range(n)), 0.7, noise=0))
    result = {"fd": frechet.distance(ours, real), "dcgan_fd": frechet.distance(dcgan, real),
              "fd_psi_0_7": frechet.distance(trunc, real)}
    seeds_a, seeds_b = list(range(10_000, 10_000 + pairs)), list(range(20_000, 20_000 + pairs))
    a, b = style_mixing.faces(g, seeds_a), style_mixing.faces(g, seeds_b)
    wa, wb = style_mixing.ws_of(g, seeds_a), style_mixing.ws_of(g, seeds_b)
    for band in style_mixing.BANDS:
        mixed = style_mixing.render(g, style_mixing.mix(wa, wb, style_mixing.GROUPS[band]))
        result[f"{band}_lowfreq_change"] = style_mixing.lowfreq_change(a, b, mixed)
    result["noise_pixel_std"] = float(np.mean([style_mixing.noise_std(style_mixing.noise_draws(g, s, 16, 100)).mean()
                                               for s in seeds_a[:20]]))
    uneven = {"z": [], "w": []}
    for s_a, s_b in zip(seeds_a[:40], seeds_b[:40]):
        for space, frames in style_mixing.walks(g, s_a, s_b, 16).items():
            steps = style_mixing.step_changes(frames)
            uneven[space].append(steps.max() / max(steps.mean(), 1e-9))
    result.update({f"walk_{k}_unevenness": float(np.mean(v)) for k, v in uneven.items()})
    result = {k: round(v, 4) for k, v in result.items()}
    result.update(fd_ratio=round(result["fd"] / result["dcgan_fd"], 2), pictures=n, pairs=pairs, side=side,
                  train_steps=meta["steps"], train_seconds=meta["seconds"])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pictures", type=int, default=2000, help="pictures per set for the Fréchet distances")
    ap.add_argument("--pairs", type=int, default=200, help="face pairs for the mixing measurements")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = measure(args.pictures, args.pairs)
    print(f"Fréchet distance on {r['pictures']} pictures: StyleGAN {r['fd']:.2f} (ψ 0.7: {r['fd_psi_0_7']:.2f}), "
          f"DCGAN's own faces {r['dcgan_fd']:.2f}; ratio {r['fd_ratio']:.2f} (goal ≤ 1.5)")
    print(f"layout taken from B: coarse {r['coarse_lowfreq_change']:.2f}, middle {r['middle_lowfreq_change']:.2f}, "
          f"fine {r['fine_lowfreq_change']:.2f}; noise's per-pixel spread {r['noise_pixel_std']:.4f}")
    print(f"walk unevenness (largest step / mean step): Z {r['walk_z_unevenness']:.2f}, W {r['walk_w_unevenness']:.2f}")
    if args.json:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
