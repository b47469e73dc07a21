"""A judge of doodles: a small classifier trained on a pool of one word against doodles of another word and
against pictures that are no doodle (scribbles through random points, and blurred noise, which is what an untrained
generator draws), so the benchmark and the tests can ask "does this sample look like the class's word?" without a
human. Without the second kind of negatives any blob that is not the other word passes as the word.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


class Judge(nn.Module):
    def __init__(self, width: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1), nn.ReLU(True), nn.MaxPool2d(2),
                                 nn.Conv2d(width, 2 * width, 3, 1, 1), nn.ReLU(True), nn.MaxPool2d(2),
                                 nn.Flatten(), nn.Linear(2 * width * 49, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).view(-1)

    def share(self, pictures: np.ndarray) -> float:
        """The share of (N, 28, 28) pictures in [0, 1] judged to be the word."""
        with torch.no_grad():
            return float((self(torch.from_numpy(pictures.astype(np.float32)).unsqueeze(1)) > 0).float().mean())


def noise(n: int, gen: torch.Generator) -> np.ndarray:
    """Blurred grey noise of a doodle's size: what a generator draws before it has learnt anything."""
    x = torch.rand(n, 1, 7, 7, generator=gen) * torch.rand(n, 1, 1, 1, generator=gen)
    return nn.functional.interpolate(x, size=28, mode="bilinear", align_corners=False)[:, 0].numpy()


def train_judge(word: np.ndarray, other: np.ndarray, nothing: np.ndarray, steps: int = 400,
                seed: int = 0) -> Judge:
    """A judge of ``word`` (N, 28, 28) against ``other`` (another word's doodles) and ``nothing`` (scribbles),
    pictures in [0, 1], plus as much blurred noise; shifted by up to 2 pixels as it learns so it judges shapes,
    not positions."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    judge = Judge()
    opt = torch.optim.Adam(judge.parameters(), 1e-3)
    negatives = np.concatenate([other, nothing, noise(len(nothing), gen)])
    x = torch.from_numpy(np.concatenate([word, negatives]).astype(np.float32)).unsqueeze(1)
    y = torch.cat([torch.ones(len(word)), torch.zeros(len(negatives))])
    for _ in range(steps):
        idx = torch.randint(0, len(x), (64,), generator=gen)
        dy, dx = (int(v) for v in torch.randint(-2, 3, (2,), generator=gen))
        batch = torch.roll(x[idx], shifts=(dy, dx), dims=(2, 3))
        loss = nn.functional.binary_cross_entropy_with_logits(judge(batch), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return judge.eval()
