"""A DCGAN learning a pool of doodles while the pool grows: the training step, the samples a page shows, and how
close they are to the pool (the nearest doodle of each sample, and whether the samples are copies).

The pool is handed in again whenever it changed (``set_pool``); the nets keep training from where they were, so a
class sees its GAN adapt to the doodles as they arrive. Non-saturating loss, Adam (2e-4, β 0.5), batches of
BATCH drawn with replacement (a pool may hold fewer doodles than a batch), fakes asked for the words in the same
proportions as the real batch. With ``augment`` both real and fake pass through models/doodles/diffaugment.py before D.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from toy2d import losses, reasons
from toy2d.live import Divergence

from .. import training
from . import diffaugment
from .nets import SIDE, WORDS, Discriminator, Generator

BATCH = 32
LR = 2e-4
SHOWN = 6  # samples per word on the page (fixed noise, so a page sees the same samples change)
MEASURED = 64  # samples per word that the closeness figures are measured on
COPY = 0.5  # a sample nearer to a doodle than COPY × the doodles' own typical spacing is a copy


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) root-mean-square pixel distances between two sets of (·, 28, 28) pictures in [0, 1]."""
    fa, fb = a.reshape(len(a), -1).astype(np.float64), b.reshape(len(b), -1).astype(np.float64)
    sq = (fa ** 2).sum(1)[:, None] + (fb ** 2).sum(1)[None, :] - 2 * fa @ fb.T
    return np.sqrt(np.maximum(sq, 0) / fa.shape[1])


class DoodleTrainer:
    """One live GAN on one pool. Not thread-safe: its owner (playground/doodle_pool.Drawing) holds a lock."""

    def __init__(self, augment: bool = False, seed: int = 0, noise_dim: int = 32):
        torch.manual_seed(seed)
        self.gen = torch.Generator().manual_seed(seed)
        self.g, self.d = Generator(noise_dim), Discriminator()
        self.opt_g, self.opt_d = training.adam(self.g.parameters(), LR), training.adam(self.d.parameters(), LR)
        self.augment, self.noise_dim = augment, noise_dim
        self.fixed_z = torch.randn(SHOWN, noise_dim, generator=torch.Generator().manual_seed(12345))
        self.measure_z = torch.randn(MEASURED, noise_dim, generator=torch.Generator().manual_seed(54321))
        self.real = torch.zeros(0, 1, SIDE, SIDE)
        self.labels = torch.zeros(0, dtype=torch.long)
        self.pictures = np.zeros((0, SIDE, SIDE), np.float32)  # the pool in [0, 1], for the nearest doodles
        self.iteration, self.history = 0, []
        self.diverged: Divergence | None = None
        self.loss = losses.get("nonsaturating")

    def set_pool(self, pictures: np.ndarray, labels: np.ndarray) -> None:
        """The pool as it is now: (N, 28, 28) uint8 pictures (ink 255) and their word indexes (< WORDS)."""
        self.pictures = pictures.astype(np.float32) / 255.0
        self.real = torch.from_numpy(self.pictures * 2 - 1).unsqueeze(1)
        self.labels = torch.from_numpy(np.asarray(labels, dtype=np.int64)).clamp(0, WORDS - 1)

    def _seen(self, x: torch.Tensor) -> torch.Tensor:
        return diffaugment.augment(x, self.gen) if self.augment else x

    def step(self) -> dict[str, float] | None:
        """One iteration (one D update, one G update); None with an empty pool or after divergence."""
        if len(self.real) == 0 or self.diverged:
            return None
        idx = torch.randint(0, len(self.real), (BATCH,), generator=self.gen)
        real, words = self.real[idx], self.labels[idx]
        z = torch.randn(BATCH, self.noise_dim, generator=self.gen)
        with torch.no_grad():
            fake = self.g(z, words)
        d_loss = self.loss.d_loss(self.d(self._seen(real), words), self.d(self._seen(fake), words))
        self.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        self.opt_d.step()
        z = torch.randn(BATCH, self.noise_dim, generator=self.gen)
        g_loss = self.loss.g_loss(self.d(self._seen(self.g(z, words)), words))
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        self.opt_g.step()
        self.iteration += 1
        record = {"d": float(d_loss.detach()), "g": float(g_loss.detach()), "iteration": self.iteration}
        self.history.append(record)
        del self.history[:-2000]
        for name in ("d", "g"):
            why = losses.broken(record[name])
            if why is not None:
                loss = reasons.stopped("loss", net=reasons.stopped(f"net.{name.upper()}"), why=why)
                self.diverged = Divergence(self.iteration, name.upper(), loss)
                break
        return record

    def train(self, budget_s: float, most: int = 10_000) -> int:
        """Steps for up to ``budget_s`` seconds (at least one), at most ``most``; returns how many were made."""
        t0, done = time.perf_counter(), 0
        while done < most and self.step() is not None:
            done += 1
            if time.perf_counter() - t0 >= budget_s:
                break
        return done

    def draw(self, z: torch.Tensor, words: int) -> np.ndarray:
        """(words, len(z), 28, 28) in [0, 1]: each noise drawn as every word, in one batch. One batch, because G
        draws with its batch's own statistics: a batch of one word alone would have the word's part taken out by
        BatchNorm as the batch's mean, and every word would look the same."""
        n, k = len(z), max(1, words)
        labels = torch.arange(k).repeat_interleave(n)
        out = training.with_batch_statistics([self.g], lambda: self.g(z.repeat(k, 1), labels))
        return ((out[:, 0] + 1) / 2).clamp(0, 1).view(k, n, SIDE, SIDE).numpy()

    def samples(self, words: int) -> np.ndarray:
        """(words, SHOWN, 28, 28) in [0, 1]: the same noise for every word, so a column is one 'hand'."""
        return self.draw(self.fixed_z, words)

    def nearest(self, samples: np.ndarray, word: int) -> tuple[np.ndarray, np.ndarray]:
        """For each sample of ``word``: the index (into the pool) of its nearest doodle of that word, and the
        distance; (-1, inf) where the word has no doodle."""
        mine = np.flatnonzero(self.labels.numpy() == word)
        if len(mine) == 0:
            return np.full(len(samples), -1), np.full(len(samples), math.inf)
        dist = distances(samples, self.pictures[mine])
        best = dist.argmin(1)
        return mine[best], dist[np.arange(len(samples)), best]

    def closeness(self, words: int) -> dict[str, float]:
        """How near MEASURED samples per word are to the pool: ``nearest`` (their mean distance to the nearest
        doodle), ``spacing`` (the doodles' own median distance to their nearest other doodle: what 'as close as
        two hands' means), and ``copies`` (the share of samples nearer than COPY × spacing to a doodle)."""
        near, spacing = [], []
        labels = self.labels.numpy()
        drawn = self.draw(self.measure_z, words)
        for w in range(max(1, words)):
            mine = self.pictures[labels == w]
            if len(mine) == 0:
                continue
            near.append(self.nearest(drawn[w], w)[1])
            if len(mine) > 1:
                own = distances(mine, mine)
                np.fill_diagonal(own, np.inf)
                spacing.append(own.min(1))
        if not near:
            return {}
        near_all = np.concatenate(near)
        space = float(np.median(np.concatenate(spacing))) if spacing else math.nan
        copies = float((near_all < COPY * space).mean()) if math.isfinite(space) else math.nan
        return {"nearest": float(near_all.mean()), "spacing": space, "copies": copies}

