"""pix2pix's training loop (Isola et al.): a U-Net generator and a PatchGAN discriminator on sketch → face pairs,
adversarial loss plus L1 to the true face (``--l1-only`` drops the adversary, to show what it adds)."""
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
from ..faces.infer import load_faces
from .nets import PatchDiscriminator, UNetGenerator

LAMBDA_L1 = 100.0


def train_pix2pix(args: argparse.Namespace, command: str) -> dict:

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
    opt_g, opt_d = training.adam(g.parameters(), args.lr), training.adam(d.parameters(), args.lr)
    sched = [torch.optim.lr_scheduler.LambdaLR(o, lambda s: training.linear_decay(s, args.steps))
             for o in (opt_g, opt_d)]
    bce = nn.BCEWithLogitsLoss()
    history: list[dict[str, float]] = []
    kind = "pix2pix-l1" if args.l1_only else "pix2pix"
    t0 = time.perf_counter()
    bar = tqdm(range(1, args.steps + 1), desc=kind, unit="step")
    for step in bar:
        x, y = training.batch(rng, len(x_all), args.batch, x_all, y_all)
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
        record["l1"] = float(l1.detach())
        history.append(record)
        if step % 50 == 0:
            bar.set_postfix({k: f"{np.mean([h[k] for h in history[-50:]]):.3f}" for k in record})
        if step % args.save_every == 0 or step == args.steps:
            meta = training.meta(command, args, step, time.perf_counter() - t0, data_s, history)
            checkpoints.save(args.out, kind, {"generator": g}, meta)
            _sample_grid(g, shown_x, shown, Path(args.samples) / f"{kind}_{step:06d}.png")
    return training.meta(command, args, args.steps, time.perf_counter() - t0, data_s, history)


def _sample_grid(g: nn.Module, x: torch.Tensor, faces: np.ndarray, path: Path) -> None:
    """Rows: sketch, generated, real face, for the first held-out faces."""
    training.save_grid(path, len(faces), [g], lambda: [facepairs.to_pictures(x), facepairs.to_pictures(g(x)), faces])
