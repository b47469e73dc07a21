"""StyleGAN's training loop on 32-px faces from the faces DCGAN (models/faces/data.py): the non-saturating logistic
loss with R1 on real pictures, mixing regularisation, an exponential moving average of the generator (the one that
is saved and shown), and the mean w that truncation pulls towards.

Choices and why: the logistic loss with R1 (γ = 0.01, applied every 16 steps and scaled by 16, StyleGAN2's "lazy"
form) is the paper's own and the most stable for style-based generators; Adam lr 2.5e-3 with β = (0, 0.99) as in
StyleGAN2; mixing regularisation on 90 % of the batches (two z's with a random crossover resolution), which the
paper uses so that neighbouring resolutions' styles do not depend on each other — it is what makes the mixing grid
work. Not used: path-length regularisation (StyleGAN2), which would double the generator's cost on a CPU and is not
needed for mixing; progressive growing (the skip generator trains all resolutions at once).
"""
from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from tqdm import tqdm

from toy2d import losses

from .. import checkpoints, training
from ..faces import data as facepairs
from ..faces.infer import load_faces
from .nets import StyleDiscriminator, StyleGenerator

MIX_PROBABILITY = 0.9
R1_EVERY = 16
W_AVG_BETA = 0.995


def training_faces(n: int, side: int, first_seed: int = 0) -> np.ndarray:
    """(n, side, side, 3) uint8 faces from the faces DCGAN's seeds first_seed … first_seed + n − 1."""
    return facepairs.shrink(facepairs.faces(load_faces(), list(range(first_seed, first_seed + n))), side)


def mixed_ws(g: StyleGenerator, n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    """ws for a batch: on MIX_PROBABILITY of batches, each picture switches from its first w to a second one at a
    random resolution (the same crossover for the batch, as cheap as per picture for this purpose)."""
    z = torch.randn(n, g.z_dim, generator=gen).to(device)
    ws = g.ws(z)
    if torch.rand((), generator=gen) < MIX_PROBABILITY:
        cut = int(torch.randint(1, g.n_ws, (), generator=gen))
        ws2 = g.ws(torch.randn(n, g.z_dim, generator=gen).to(device))
        ws = torch.cat([ws[:, :cut], ws2[:, cut:]], 1)
    return ws


@torch.no_grad()
def ema_update(g_ema: StyleGenerator, g: StyleGenerator, beta: float) -> None:
    for pe, p in zip(g_ema.parameters(), g.parameters()):
        pe.lerp_(p, 1 - beta)
    for be, b in zip(g_ema.buffers(), g.buffers()):
        be.copy_(b)


def train_stylegan(args: argparse.Namespace, command: str) -> dict:
    # Seeded before the data, as the committed run was: building the DCGAN draws from this seed in a fresh process
    # (the documented command), so a run inside a process that already holds the DCGAN starts elsewhere.
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    device = training.device(args.device)
    t0 = time.perf_counter()
    x_all = facepairs.to_tensor(training_faces(args.faces, args.size))
    data_s = time.perf_counter() - t0
    g = StyleGenerator(channels=args.channels).to(device)
    d = StyleDiscriminator(args.channels).to(device)
    if args.init:  # go on from a run's checkpoint: its averaged generator and its discriminator, new optimisers
        ck = torch.load(args.init, map_location="cpu", weights_only=True)
        g.load_state_dict({k: v.float() for k, v in ck["states"]["generator"].items()})
        d.load_state_dict({k: v.float() for k, v in ck["states"]["discriminator"].items()})
    g_ema = copy.deepcopy(g).eval().requires_grad_(False)
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.0, 0.99))
    ema_beta = 0.5 ** (args.batch / (args.ema_kimg * 1000))
    shown_z = torch.randn(32, g.z_dim, generator=torch.Generator().manual_seed(1)).to(device)
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    bar = tqdm(range(1, args.steps + 1), desc="stylegan", unit="step")
    for step in bar:
        (real,) = training.batch(rng, len(x_all), args.batch, x_all)
        real = real.to(device)
        # D: real up, fake down (softplus form of the logistic loss), R1 on the reals every R1_EVERY steps
        d.requires_grad_(True)
        with torch.no_grad():
            fake = g.synthesis(mixed_ws(g, args.batch, gen, device))
        lazy = step % R1_EVERY == 0
        if lazy:
            logits_real, r1 = losses.r1_with_scores(d, real)
        else:
            logits_real, r1 = d(real), torch.zeros(())
        loss_d = F.softplus(d(fake)).mean() + F.softplus(-logits_real).mean()
        opt_d.zero_grad(set_to_none=True)
        (loss_d + args.r1_gamma * r1 * R1_EVERY * lazy).backward()  # R1 is ½E‖∇D‖²: γ/2 of the mean square
        opt_d.step()
        # G: make D call the fakes real (non-saturating)
        d.requires_grad_(False)
        ws = mixed_ws(g, args.batch, gen, device)
        loss_g = F.softplus(-d(g.synthesis(ws))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        with torch.no_grad():
            g.w_avg.lerp_(ws[:, 0].mean(0), 1 - W_AVG_BETA)
        ema_update(g_ema, g, ema_beta)
        record = {"d": float(loss_d.detach()), "g": float(loss_g.detach()),
                  "d_real": float(torch.sigmoid(logits_real.detach()).mean())}
        if lazy:
            record["r1"] = float(r1.detach())
        history.append(record)
        if step % 50 == 0:
            bar.set_postfix({k: f"{np.mean([h[k] for h in history[-50:]]):.3f}" for k in ("d", "g", "d_real")})
        if step % args.save_every == 0 or step == args.steps:
            meta = training.meta(command, args, step, time.perf_counter() - t0, data_s, _losses(history),
                                 size=args.size, device=str(device), init=args.init)
            checkpoints.save(args.out, "stylegan", {"generator": g_ema, "discriminator": d}, meta)
            _sample_grid(g_ema, shown_z, Path(args.samples) / f"stylegan_{step:06d}.png")
    return training.meta(command, args, args.steps, time.perf_counter() - t0, data_s, _losses(history),
                         size=args.size, device=str(device), init=args.init)


def _losses(history: list[dict[str, float]]) -> list[dict[str, float]]:
    return [{k: h[k] for k in ("d", "g", "d_real")} for h in history]


def _sample_grid(g: StyleGenerator, z: torch.Tensor, path: Path) -> None:
    def draw() -> list[np.ndarray]:
        pictures = facepairs.to_pictures(g(z, noise="off").cpu())
        return [np.stack([np.asarray(Image.fromarray(p).resize((64, 64), Image.LANCZOS)) for p in pictures])]
    training.save_grid(path, 8, [], draw)
