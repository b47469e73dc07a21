"""StarGAN's training loop (Choi et al. 2018): one generator for all domains, a discriminator with a real/fake
(WGAN-GP) head and a domain-classification head, and the reconstruction loss G(G(x, c), c_x) ≈ x.

Losses and weights as the paper: λ_cls = 1, λ_rec = 10, λ_gp = 10, Adam 1e-4 (β 0.5, 0.999), lr linearly to 0 over
the second half. One change for a CPU: ``--n-critic`` 2 D updates per G update instead of 5 (the critic's job is
easy here: the domains differ in colour and texture, and 5 would spend most of the CPU time on D).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from toy2d import losses

from .. import checkpoints, training
from ..faces import data as facepairs

from . import data as stardata
from ..faces.infer import load_faces
from .nets import StarDiscriminator, StarGenerator


def train_stargan(args: argparse.Namespace, command: str) -> dict:
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    device = training.device(args.device)
    k = len(stardata.DOMAINS)
    t0 = time.perf_counter()
    model = load_faces()
    data = [facepairs.to_tensor(stardata.domain_faces(model, i, args.faces)) for i in range(k)]
    x_all = torch.cat(data)
    labels_all = torch.cat([torch.full((len(d),), i, dtype=torch.long) for i, d in enumerate(data)])
    shown = facepairs.faces(model, list(range(facepairs.HELD_OUT_FIRST_SEED, facepairs.HELD_OUT_FIRST_SEED + 6)))
    data_s = time.perf_counter() - t0
    g = StarGenerator(k, args.ngf, args.blocks).to(device)
    d = StarDiscriminator(k, args.ndf).to(device)
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.5, 0.999))
    scheds = [torch.optim.lr_scheduler.LambdaLR(o, lambda s: training.linear_decay(s, args.steps))
              for o in (opt_g, opt_d)]
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    bar = tqdm(range(1, args.steps + 1), desc="stargan", unit="step")
    for step in bar:
        idx = torch.from_numpy(rng.integers(0, len(x_all), args.batch))
        x, label = x_all[idx].to(device), labels_all[idx].to(device)
        flip = torch.from_numpy(rng.random(args.batch) < 0.5).to(device)
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        target = torch.from_numpy(rng.integers(0, k, args.batch)).to(device)
        c_target, c_source = stardata.one_hot(target.cpu(), k).to(device), stardata.one_hot(label.cpu(), k).to(device)
        # D: real scores up, fake down, the real picture's domain, and a gradient penalty
        fake = g(x, c_target).detach()
        src_real, cls_real = d(x)
        src_fake, _ = d(fake)
        loss_cls_d = F.cross_entropy(cls_real, label)
        gp = losses.gradient_penalty(lambda pictures: d(pictures)[0], x, fake)
        loss_d = src_fake.mean() - src_real.mean() + args.lambda_cls * loss_cls_d + args.lambda_gp * gp
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        record = {"d": float(loss_d.detach()), "d_cls": float(loss_cls_d.detach())}
        if step % args.n_critic == 0:  # G: fool D, be classified as the target, and come back to the source
            fake = g(x, c_target)
            src_fake, cls_fake = d(fake)
            loss_cls_g = F.cross_entropy(cls_fake, target)
            loss_rec = (g(fake, c_source) - x).abs().mean()
            loss_g = -src_fake.mean() + args.lambda_cls * loss_cls_g + args.lambda_rec * loss_rec
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            record.update(g_cls=float(loss_cls_g.detach()), rec=float(loss_rec.detach()))
        for s in scheds:  # both decay with the iteration; G's once it has stepped (PyTorch warns otherwise)
            if s.optimizer is opt_d or step >= args.n_critic:
                s.step()
        history.append(record)
        if step % 50 == 0:
            keys = ("d", "d_cls", "g_cls", "rec")
            bar.set_postfix({key: f"{np.mean([h[key] for h in history[-50:] if key in h]):.3f}" for key in keys})
        if step % args.save_every == 0 or step == args.steps:
            meta = training.meta(command, args, step, time.perf_counter() - t0, data_s, _g_rows(history),
                                 domains=list(stardata.DOMAINS), device=str(device))
            checkpoints.save(args.out, "stargan", {"generator": g, "discriminator": d}, meta)
            _sample_grid(g, shown, Path(args.samples) / f"stargan_{step:06d}.png")
    return training.meta(command, args, args.steps, time.perf_counter() - t0, data_s, _g_rows(history),
                         domains=list(stardata.DOMAINS), device=str(device))


def _g_rows(history: list[dict[str, float]]) -> list[dict[str, float]]:
    """The rows of the iterations that updated G (they carry every loss): what the run's record averages."""
    return [h for h in history if "rec" in h]


def _sample_grid(g: StarGenerator, faces: np.ndarray, path: Path) -> None:
    """Rows: the held-out photos, then each domain from the same generator."""
    device = next(g.parameters()).device
    x = facepairs.to_tensor(faces).to(device)
    training.save_grid(path, len(faces), [g], lambda: [faces] + [
        facepairs.to_pictures(g(x, stardata.one_hot([i] * len(faces)).to(device)).cpu())
        for i in range(len(stardata.DOMAINS))])
