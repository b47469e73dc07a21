"""Training the judge once (``python -m models.train digit-judge``): the small classifier learns the judge's half of
MNIST, and its accuracy on the GANs' half — digits it never saw — goes into the checkpoint's record."""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from .. import checkpoints, training
from . import data
from .nets import JudgeNet


def shifted(x: torch.Tensor, gen: torch.Generator, most: int = 2) -> torch.Tensor:
    """Each digit moved by up to ``most`` pixels each way (zero fill): a judge that reads a digit wherever a
    generator happens to draw it."""
    pictures = x.view(-1, 1, data.SIDE, data.SIDE)
    padded = F.pad(pictures, (most,) * 4, value=-1.0)
    dx, dy = torch.randint(0, 2 * most + 1, (2,), generator=gen).tolist()
    return padded[:, :, dy:dy + data.SIDE, dx:dx + data.SIDE].reshape(len(x), -1)


def accuracy(net: JudgeNet, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((net.eval()(x).argmax(1) == y).float().mean())


def train_judge(args: argparse.Namespace, command: str) -> dict:
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    x, y = data.load("judge")
    held_x, held_y = data.load("gan")
    net = JudgeNet()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    start, step, history = time.perf_counter(), 0, []
    while step < args.steps:
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x) - args.batch + 1, args.batch):
            idx = perm[i:i + args.batch]
            loss = F.cross_entropy(net.train()(shifted(x[idx], gen)), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            history.append({"loss": float(loss.detach())})
            step += 1
            if step == args.steps:
                break
    meta = training.meta(command, args, step, time.perf_counter() - start, 0.0, history,
                         trained_on="MNIST, the judge's half (5 000 digits)",
                         held_out_accuracy=round(accuracy(net, held_x, held_y), 4))
    checkpoints.save(args.out, "digit-judge", {"judge": net}, meta)
    return meta
