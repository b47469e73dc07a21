"""pix2pix against its two baselines on held-out faces, and the translation models' inference speed.

For 200 DCGAN faces the training never saw (seeds 1 000 000 …), each generator colours the face's XDoG sketch;
L1 (on [0, 1]) and SSIM compare the result with the face. Baselines: the same U-Net trained with L1 only (what
the pix2pix paper shows is blurry) and an untrained U-Net. Sharpness (mean |Laplacian|) shows the blur that L1
and SSIM reward. Also: ms per 64×64 inference for pix2pix and our CycleGAN (goal ≤100 ms on this CPU) and the
vintage CycleGAN at 256 px. Writes a side-by-side grid; --json ends with one JSON line with the keys l1, ssim,
l1_only_l1, l1_only_ssim, untrained_l1, untrained_ssim (and more).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models import store  # noqa: E402
from models.cyclegan import infer as cyclegan  # noqa: E402
from models.pix2pix import infer as pix2pix  # noqa: E402
from models.imaging import inputs  # noqa: E402
from models.imaging import montage, quality  # noqa: E402
from models.faces import data as facepairs  # noqa: E402
from benchmarks.toy2d_speed import ms_per_call  # noqa: E402
from models.faces.infer import load_faces  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--faces", type=int, default=200)
    ap.add_argument("--grid", default="runs/pix2pix_comparison.png")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    first = facepairs.HELD_OUT_FIRST_SEED
    faces = facepairs.faces(load_faces(), list(range(first, first + args.faces)))
    sketches = facepairs.sketches(faces)
    nets = {"pix2pix": pix2pix.generator(pix2pix.PIX2PIX), "l1_only": pix2pix.generator(pix2pix.PIX2PIX_L1),
            "untrained": pix2pix.untrained()}
    outputs = {name: pix2pix.sketch_to_face(net, sketches) for name, net in nets.items()}
    scores = {name: (quality.l1(out, faces), quality.ssim(out, faces), quality.sharpness(out))
              for name, out in outputs.items()}
    real_sharpness = quality.sharpness(faces)

    one = sketches[:1]
    p2p_ms = ms_per_call(lambda: pix2pix.sketch_to_face(nets["pix2pix"], one), 20)
    g, _, _ = cyclegan.own(cyclegan.CYCLEGAN)
    cg_ms = ms_per_call(lambda: cyclegan.cycle(g, g, faces[:1]), 20) / 2  # cycle() runs G twice
    try:
        photo = inputs.square(faces[0], 256)
        vintage_s = ms_per_call(lambda: cyclegan.vintage(photo), repeats=3) / 1000
    except store.ModelUnavailable as e:
        print(f"vintage skipped: {e}", file=sys.stderr)
        vintage_s = None

    rows = [np.repeat(sketches[:8, ..., None], 3, -1), faces[:8], outputs["pix2pix"][:8], outputs["l1_only"][:8],
            outputs["untrained"][:8]]
    grid = Path(args.grid)
    grid.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(montage.grid(montage.upscale(np.concatenate(rows), 96), cols=8)).save(grid)

    print(f"{args.faces} held-out faces (rows of {grid}: sketch, real, pix2pix, L1 only, untrained)")
    print(f"{'':12}{'L1 ↓':>8}{'SSIM ↑':>9}{'sharpness':>11}")
    for name, (l1, ssim, sharp) in scores.items():
        print(f"{name:12}{l1:8.4f}{ssim:9.4f}{sharp:11.2f}")
    print(f"{'real faces':12}{'':17}{real_sharpness:11.2f}")
    print(f"inference at 64×64 on {args.threads} thread(s): pix2pix {p2p_ms:.1f} ms, our CycleGAN G {cg_ms:.1f} ms "
          f"(goal ≤100 ms); vintage CycleGAN at 256 px: "
          + (f"{vintage_s:.2f} s" if vintage_s is not None else "n/a"))
    if args.json:
        record = {"l1": scores["pix2pix"][0], "ssim": scores["pix2pix"][1],
                  "l1_only_l1": scores["l1_only"][0], "l1_only_ssim": scores["l1_only"][1],
                  "untrained_l1": scores["untrained"][0], "untrained_ssim": scores["untrained"][1],
                  "sharpness": scores["pix2pix"][2], "l1_only_sharpness": scores["l1_only"][2],
                  "untrained_sharpness": scores["untrained"][2], "real_sharpness": real_sharpness,
                  "pix2pix_ms": p2p_ms, "cyclegan_ms": cg_ms, "vintage_256_seconds": vintage_s, "faces": args.faces}
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in record.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
