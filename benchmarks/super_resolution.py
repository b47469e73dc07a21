"""4× super-resolution on the held-out photos (models/super_resolution/data.py HELD_OUT): bicubic vs our SRResNet and
SRGAN vs idealo's published RRDN-GAN.

Goals (issue 23): SRResNet PSNR ≥ bicubic + 1.0 dB; SRGAN sharper than SRResNet and closer to the original's
sharpness, with PSNR above bicubic's; 128×128 → 512×512 in ≤ 1 s on one CPU thread. Issue 42: RRDN-GAN PSNR ≥
SRResNet's − 0.3 dB and sharpness ≥ 1.3× SRGAN's. PSNR and SSIM on Y with a 4-pixel border shaved (the paper's
protocol); sharpness = mean |Laplacian| ÷ the original's (1.0: as sharp).
--json ends with one JSON line: {bicubic,srresnet,srgan,rrdn}_{psnr,ssim,sharpness}, seconds_128_to_512 (our
SRGAN), seconds_128_to_512_rrdn (one thread) and seconds_128_to_512_rrdn_2_threads, photos.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.imaging import quality  # noqa: E402
from models.super_resolution import infer as upscaling  # noqa: E402
from models.super_resolution import data as srdata  # noqa: E402


def seconds(net: torch.nn.Module, repeats: int) -> float:
    """Median seconds of 128×128 → 512×512 (after one warm-up)."""
    x = np.zeros((128, 128, 3), np.uint8)
    upscaling.upscale(net, x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        upscaling.upscale(net, x)
        times.append(time.perf_counter() - t0)
    return round(float(np.median(times)), 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    rows: dict[str, dict[str, list[float]]] = {}
    for name in srdata.HELD_OUT:
        original = srdata.crop_to_scale(srdata.photo(name))
        small = srdata.downscale(original)
        made = {"bicubic": srdata.bicubic(small),
                **{k: upscaling.upscale(upscaling.generator(k), small) for k in upscaling.ALL}}
        for k, sr in made.items():
            row = rows.setdefault(k, {"psnr": [], "ssim": [], "sharpness": []})
            row["psnr"].append(quality.psnr_y(sr, original))
            row["ssim"].append(quality.ssim_y(sr, original))
            row["sharpness"].append(quality.sharpness(sr[None]) / quality.sharpness(original[None]))
            print(f"{name:22} {k:9} PSNR {row['psnr'][-1]:6.2f} dB  SSIM {row['ssim'][-1]:.4f}  "
                  f"sharpness {row['sharpness'][-1]:.2f}", file=sys.stderr)
    result = {f"{k}_{m}": round(float(np.mean(v)), 4) for k, row in rows.items() for m, v in row.items()}
    result["seconds_128_to_512"] = seconds(upscaling.generator("srgan"), args.repeats)
    result["seconds_128_to_512_rrdn"] = seconds(upscaling.generator("rrdn"), args.repeats)
    torch.set_num_threads(2)  # a free Space's two cores
    result["seconds_128_to_512_rrdn_2_threads"] = seconds(upscaling.generator("rrdn"), args.repeats)
    result["photos"] = list(srdata.HELD_OUT)
    for k in ("bicubic", *upscaling.ALL):
        print(f"mean {k:9} PSNR {result[f'{k}_psnr']:6.2f} dB  SSIM {result[f'{k}_ssim']:.4f}  "
              f"sharpness {result[f'{k}_sharpness']:.2f}")
    print(f"128×128 → 512×512 on one thread: our SRGAN {result['seconds_128_to_512']:.3f} s, RRDN-GAN "
          f"{result['seconds_128_to_512_rrdn']:.3f} s ({result['seconds_128_to_512_rrdn_2_threads']:.3f} s on two); "
          f"medians of {args.repeats}")
    print(f"RRDN-GAN vs ours: PSNR {result['rrdn_psnr'] - result['srresnet_psnr']:+.2f} dB from SRResNet's "
          f"(goal ≥ −0.3), "
          f"sharpness {result['rrdn_sharpness'] / result['srgan_sharpness']:.2f}× SRGAN's (goal ≥ 1.3×)")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
