"""CycleGAN's training loop (Zhu et al.) on unpaired faces and paintings: two generators, two discriminators,
cycle-consistency and identity terms, and the history buffer of fakes."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from .. import checkpoints, training
from ..faces import data as facepairs
from .nets import ResnetGenerator, round_trip
from ..faces.infer import load_faces
from ..pix2pix.nets import PatchDiscriminator


class ImagePool:
    """Discriminators see a mix of new fakes and fakes from earlier steps (CycleGAN's history buffer), which damps
    the oscillation of two players chasing each other's latest move."""

    def __init__(self, size: int, rng: np.random.Generator):
        self.size, self.rng, self.images = size, rng, []

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        out = []
        for image in batch.detach():
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif self.rng.random() < 0.5:
                i = int(self.rng.integers(self.size))
                out.append(self.images[i])
                self.images[i] = image
            else:
                out.append(image)
        return torch.stack(out)


def train_cyclegan(args: argparse.Namespace, command: str) -> dict:

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = load_faces()
    t0 = time.perf_counter()
    # unpaired on purpose: domain Y is painted from *other* faces than domain X
    x_all = facepairs.to_tensor(facepairs.faces(model, list(range(args.faces))))
    y_all = facepairs.to_tensor(facepairs.paint(facepairs.faces(model, list(range(args.faces, 2 * args.faces))),
                                                args.style))
    first = facepairs.HELD_OUT_FIRST_SEED
    shown = facepairs.faces(model, list(range(first, first + 8)))
    shown_x = facepairs.to_tensor(shown)
    shown_y = facepairs.to_tensor(facepairs.paint(facepairs.faces(model, list(range(first + 8, first + 16))),
                                                  args.style))
    data_s = time.perf_counter() - t0
    g, f = ResnetGenerator(ngf=args.ngf, blocks=args.blocks), ResnetGenerator(ngf=args.ngf, blocks=args.blocks)
    d_x, d_y = PatchDiscriminator(3, norm="instance"), PatchDiscriminator(3, norm="instance")
    opt_g = training.adam([*g.parameters(), *f.parameters()], args.lr)
    opt_d = training.adam([*d_x.parameters(), *d_y.parameters()], args.lr)
    sched = [torch.optim.lr_scheduler.LambdaLR(o, lambda s: training.linear_decay(s, args.steps))
             for o in (opt_g, opt_d)]
    pool_x, pool_y = ImagePool(50, rng), ImagePool(50, rng)
    mse, l1 = nn.MSELoss(), nn.L1Loss()
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    bar = tqdm(range(1, args.steps + 1), desc="cyclegan", unit="step")
    for step in bar:
        idx_x, idx_y = rng.integers(0, len(x_all), args.batch), rng.integers(0, len(y_all), args.batch)
        x, y = x_all[torch.from_numpy(idx_x)], y_all[torch.from_numpy(idx_y)]
        fake_y, fake_x = g(x), f(y)
        pred_y, pred_x = d_y(fake_y), d_x(fake_x)
        adv = mse(pred_y, torch.ones_like(pred_y)) + mse(pred_x, torch.ones_like(pred_x))
        cyc = l1(f(fake_y), x) + l1(g(fake_x), y)
        ident = l1(g(y), y) + l1(f(x), x) if args.lambda_id > 0 else torch.zeros(())
        loss_g = adv + args.lambda_cyc * cyc + args.lambda_id * ident
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        loss_d = torch.zeros(())
        for d, real, fake in ((d_y, y, pool_y(fake_y)), (d_x, x, pool_x(fake_x))):
            real_pred, fake_pred = d(real), d(fake)
            loss_d = loss_d + 0.5 * (mse(real_pred, torch.ones_like(real_pred)) +
                                     mse(fake_pred, torch.zeros_like(fake_pred)))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        for s in sched:
            s.step()
        history.append({k: float(v.detach()) for k, v in (("adv", adv), ("cyc", cyc), ("id", ident), ("d", loss_d))})
        if step % 50 == 0:
            bar.set_postfix({k: f"{np.mean([h[k] for h in history[-50:]]):.3f}" for k in history[-1]})
        if step % args.save_every == 0 or step == args.steps:
            meta = training.meta(command, args, step, time.perf_counter() - t0, data_s, history, **_settings(args))
            checkpoints.save(args.out, "cyclegan", {"g": g, "f": f}, meta)
            _sample_rows(g, f, shown_x, shown_y, Path(args.samples) / f"cyclegan_{step:06d}.png")
    return training.meta(command, args, args.steps, time.perf_counter() - t0, data_s, history, **_settings(args))


def _settings(args: argparse.Namespace) -> dict:
    return {"style": args.style, "lambda_cyc": args.lambda_cyc, "lambda_id": args.lambda_id}


def _sample_rows(g: nn.Module, f: nn.Module, x: torch.Tensor, y: torch.Tensor, path: Path) -> None:
    """Six rows: X, G(X), F(G(X)), Y, F(Y), G(F(Y)) — the seeds' Original → Translated → Reconstructed."""
    def draw() -> list[np.ndarray]:
        return [facepairs.to_pictures(t) for t in (x, *round_trip(g, f, x), y, *round_trip(f, g, y))]
    training.save_grid(path, len(x), [g, f], draw)
