"""``python -m models.train pix2pix|cyclegan|srresnet|srgan|stargan|stylegan|digit-judge …``: train the image models
this repo ships.

Image-to-image data is made on the fly from the pinned faces DCGAN (models/faces/data.py), super-resolution data from
the sample photos our dependencies ship (models/super_resolution/data.py), so a run is reproducible from its command
line alone. Each run writes a checkpoint (fp16 weights + config + the command and its numbers) every `--save-every`
steps and at the end, and a sample grid on held-out faces to `--samples` as it goes.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Sequence

from toy2d import threads

from .cyclegan.train import train_cyclegan
from .digits.train import train_judge
from .pix2pix.train import LAMBDA_L1, train_pix2pix
from .super_resolution.train import train_srgan, train_srresnet
from .stargan.train import train_stargan
from .stylegan.train import train_stylegan

TRAINERS = {"pix2pix": train_pix2pix, "cyclegan": train_cyclegan, "srresnet": train_srresnet, "srgan": train_srgan,
            "stargan": train_stargan, "stylegan": train_stylegan, "digit-judge": train_judge}
HELP = {"pix2pix": "sketch → face U-Net with a PatchGAN (or --l1-only)",
        "cyclegan": "faces ↔ painted faces, unpaired, with cycle and identity losses",
        "srresnet": "4x super-resolution on the pixel loss (MSE) alone",
        "srgan": "4x super-resolution with content and adversarial losses, from --init",
        "stargan": "one generator for photo and three painted domains of faces",
        "stylegan": "a style-based generator of 32-px faces (mapping network, styles per resolution, noise)",
        "digit-judge": "the digit GANs' judge: a small CNN on the judge's half of MNIST"}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m models.train", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="model", required=True)
    for name, helptext in HELP.items():
        p = sub.add_parser(name, help=helptext)  # what every loop takes
        p.add_argument("--steps", type=int, default={"digit-judge": 1400}.get(name, 6000 if name.startswith("sr")
                                                                                else 4000))
        p.add_argument("--batch", type=int, default=64 if name == "digit-judge" else 16)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--lr", type=float, default={"stylegan": 2.5e-3, "digit-judge": 2e-3}.get(name, 2e-4))
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--out", required=True, help="checkpoint path (.pt)")
        p.add_argument("--samples", default="runs/samples", help="folder for sample grids")
        p.add_argument("--save-every", type=int, default=500)
        p.add_argument("--json", action="store_true", help="end with one JSON line of the run's numbers")
        if name in ("pix2pix", "cyclegan", "stargan", "stylegan"):
            p.add_argument("--faces", type=int, default={"stargan": 1500, "stylegan": 30000}.get(name, 6000),
                           help="training faces (per domain for stargan)")
        if name == "pix2pix":
            p.add_argument("--l1-only", action="store_true", help="no discriminator: the blurry baseline")
            p.add_argument("--lambda-l1", type=float, default=LAMBDA_L1)
        if name == "cyclegan":
            p.add_argument("--style", type=int, default=19, help="built-in style that paints domain Y")
            p.add_argument("--lambda-cyc", type=float, default=10.0)
            p.add_argument("--lambda-id", type=float, default=5.0)
            p.add_argument("--ngf", type=int, default=16)
            p.add_argument("--blocks", type=int, default=4)
        if name == "stargan":
            p.add_argument("--ngf", type=int, default=16)
            p.add_argument("--ndf", type=int, default=32)
            p.add_argument("--blocks", type=int, default=3)
            p.add_argument("--n-critic", type=int, default=2)
            p.add_argument("--lambda-cls", type=float, default=1.0)
            p.add_argument("--lambda-rec", type=float, default=10.0)
            p.add_argument("--lambda-gp", type=float, default=10.0)
            p.add_argument("--device", default="cpu", help="cpu, or cuda for a bigger variant on a GPU")
        if name == "stylegan":
            p.add_argument("--size", type=int, default=32, choices=(32,), help="picture side")
            p.add_argument("--channels", type=int, default=128, help="widest layer (4×4, 8×8); ½ at 16, ¼ at 32")
            p.add_argument("--r1-gamma", type=float, default=0.01)
            p.add_argument("--ema-kimg", type=float, default=10.0, help="half-life of the generator's average, "
                           "in thousands of pictures")
            p.add_argument("--init", help="a stylegan checkpoint to go on from (its generator and discriminator)")
            p.add_argument("--device", default="cpu", help="cpu, or cuda for a bigger variant on a GPU")
        if name.startswith("sr"):
            p.add_argument("--patch", type=int, default=96, help="high-resolution patch side (a multiple of 4)")
            p.add_argument("--blur", type=float, default=0.0, help="Gaussian blur before the ×¼ downscale")
            p.add_argument("--channels", type=int, default=32)
            p.add_argument("--blocks", type=int, default=8)
            p.add_argument("--device", default="cpu", help="cpu, or cuda for a bigger variant on a GPU")
        if name == "srgan":
            p.add_argument("--init", help="the SRResNet checkpoint to start from (as the paper does)")
            p.add_argument("--d-channels", type=int, default=32)
            p.add_argument("--lambda-content", type=float, default=1.0)
            p.add_argument("--lambda-adv", type=float, default=5e-3)
            p.add_argument("--lambda-pixel", type=float, default=1.0)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    threads.limit(args.threads)
    command = "python -m models.train " + " ".join(shlex.quote(a) for a in argv)
    meta = TRAINERS[args.model](args, command)
    print(f"wrote {args.out} after {meta['steps']} steps in {meta['seconds']:.0f} s", file=sys.stderr)
    if args.json:
        print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
