"""``python -m models.train pix2pix|cyclegan …``: train the image-to-image models whose weights this repo ships.

Data is made on the fly from the pinned faces DCGAN (see models/facepairs.py), so a run is reproducible from its
command line alone. Each run writes a checkpoint (fp16 weights + config + the command and its numbers) every
`--save-every` steps and at the end, and a sample grid on held-out faces to `--samples` as it goes.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from PIL import Image
from torch import nn
from tqdm import tqdm

from toy2d import threads

from . import facepairs, montage
from .pix2pix import PatchDiscriminator, UNetGenerator

LAMBDA_L1 = 100.0


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m models.train", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="model", required=True)
    for name, helptext in (("pix2pix", "sketch → face U-Net with a PatchGAN (or --l1-only)"),
                           ("cyclegan", "faces ↔ painted faces, unpaired, with cycle and identity losses")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--steps", type=int, default=4000)
        p.add_argument("--batch", type=int, default=16)
        p.add_argument("--faces", type=int, default=6000, help="training faces (seeds 0 … n−1)")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--lr", type=float, default=2e-4)
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--out", required=True, help="checkpoint path (.pt)")
        p.add_argument("--samples", default="runs/samples", help="folder for sample grids")
        p.add_argument("--save-every", type=int, default=500)
        p.add_argument("--json", action="store_true", help="end with one JSON line of the run's numbers")
        if name == "pix2pix":
            p.add_argument("--l1-only", action="store_true", help="no discriminator: the blurry baseline")
            p.add_argument("--lambda-l1", type=float, default=LAMBDA_L1)
        else:
            p.add_argument("--style", type=int, default=19, help="built-in style that paints domain Y")
            p.add_argument("--lambda-cyc", type=float, default=10.0)
            p.add_argument("--lambda-id", type=float, default=5.0)
            p.add_argument("--ngf", type=int, default=16)
            p.add_argument("--blocks", type=int, default=4)
    return ap


def half_state(net: nn.Module) -> dict[str, torch.Tensor]:
    """fp16 copies of the floating tensors: halves the file; inference casts back to float32."""
    return {k: v.detach().half() if v.is_floating_point() else v.detach().clone() for k, v in net.state_dict().items()}


def save(path: str | Path, kind: str, nets: dict[str, nn.Module], meta: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    torch.save({"kind": kind, "configs": {n: m.config for n, m in nets.items()},
                "states": {n: half_state(m) for n, m in nets.items()}, "meta": meta}, tmp)
    tmp.replace(path)


def linear_decay(step: int, steps: int) -> float:
    """pix2pix's schedule: constant for the first half, then linearly to zero."""
    half = steps // 2
    return 1.0 if step < half else max(0.0, 1.0 - (step - half) / max(1, steps - half))


def _adam(params, lr: float) -> torch.optim.Adam:
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))


def _batch(rng: np.random.Generator, n: int, size: int, *tensors: torch.Tensor) -> list[torch.Tensor]:
    idx = torch.from_numpy(rng.integers(0, n, size))
    flip = torch.from_numpy(rng.random(size) < 0.5)
    out = []
    for t in tensors:
        b = t[idx]
        b[flip] = b[flip].flip(-1)  # the same mirror for a pair's sketch and face
        out.append(b)
    return out


def train_pix2pix(args: argparse.Namespace, command: str) -> dict:
    from .dcgan import load_faces

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = load_faces()
    t0 = time.perf_counter()
    train_faces = facepairs.faces(model, list(range(args.faces)))
    x_all, y_all = facepairs.to_tensor(facepairs.sketches(train_faces)), facepairs.to_tensor(train_faces)
    shown = facepairs.faces(model, list(range(facepairs.HELD_OUT_FIRST_SEED, facepairs.HELD_OUT_FIRST_SEED + 8)))
    shown_x = facepairs.to_tensor(facepairs.sketches(shown))
    data_s = time.perf_counter() - t0
    g, d = UNetGenerator(), PatchDiscriminator(in_ch=4)
    opt_g, opt_d = _adam(g.parameters(), args.lr), _adam(d.parameters(), args.lr)
    sched = [torch.optim.lr_scheduler.LambdaLR(o, lambda s: linear_decay(s, args.steps)) for o in (opt_g, opt_d)]
    bce = nn.BCEWithLogitsLoss()
    history: list[dict[str, float]] = []
    kind = "pix2pix-l1" if args.l1_only else "pix2pix"
    t0 = time.perf_counter()
    bar = tqdm(range(1, args.steps + 1), desc=kind, unit="step")
    for step in bar:
        x, y = _batch(rng, len(x_all), args.batch, x_all, y_all)
        fake = g(x)
        record = {}
        if not args.l1_only:
            real_logits, fake_logits = d(torch.cat([x, y], 1)), d(torch.cat([x, fake.detach()], 1))
            loss_d = 0.5 * (bce(real_logits, torch.ones_like(real_logits)) +
                            bce(fake_logits, torch.zeros_like(fake_logits)))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            adv_logits = d(torch.cat([x, fake], 1))
            adv = bce(adv_logits, torch.ones_like(adv_logits))
            record.update(d=float(loss_d.detach()), g_adv=float(adv.detach()))
        else:
            adv = torch.zeros(())
        l1 = (fake - y).abs().mean()
        loss_g = adv + args.lambda_l1 * l1
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for s in sched:
            s.step()
        record["l1"] = float(l1)
        history.append(record)
        if step % 50 == 0:
            bar.set_postfix({k: f"{np.mean([h[k] for h in history[-50:]]):.3f}" for k in record})
        if step % args.save_every == 0 or step == args.steps:
            meta = _meta(command, args, step, time.perf_counter() - t0, data_s, history)
            save(args.out, kind, {"generator": g}, meta)
            _sample_grid(g, shown_x, shown, Path(args.samples) / f"{kind}_{step:06d}.png")
    return _meta(command, args, args.steps, time.perf_counter() - t0, data_s, history)


def _sample_grid(g: nn.Module, x: torch.Tensor, faces: np.ndarray, path: Path) -> None:
    """Rows: sketch, generated, real face, for the first held-out faces."""
    g.eval()
    with torch.no_grad():
        fake = facepairs.to_pictures(g(x))
    g.train()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = np.concatenate([facepairs.to_pictures(x), fake, faces])
    Image.fromarray(montage.grid(rows, cols=len(faces))).save(path)


def _meta(command: str, args: argparse.Namespace, step: int, seconds: float, data_s: float,
          history: list[dict[str, float]]) -> dict:
    tail = history[-100:]

    def mean_of(rows: list[dict[str, float]]) -> dict[str, float]:
        return {k: round(float(np.mean([h[k] for h in rows])), 4) for k in rows[-1]} if rows else {}
    return {"command": command, "seed": args.seed, "steps": step, "batch": args.batch, "faces": args.faces,
            "seconds": round(seconds, 1), "data_seconds": round(data_s, 1), "threads": args.threads,
            "first": mean_of(history[:10]), "last": mean_of(history[-10:]), "final": mean_of(tail),
            "torch": str(torch.__version__)}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    threads.limit(args.threads)
    command = "python -m models.train " + " ".join(shlex.quote(a) for a in argv)
    if args.model == "pix2pix":
        meta = train_pix2pix(args, command)
    else:
        from .cyclegan import train_cyclegan

        meta = train_cyclegan(args, command)
    print(f"wrote {args.out} after {meta['steps']} steps in {meta['seconds']:.0f} s", file=sys.stderr)
    if args.json:
        print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
