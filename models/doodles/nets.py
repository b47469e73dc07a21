"""The nets that learn a class's doodles (28×28): a small DCGAN, conditional on the word.

Every net takes a word index, so one pair of nets serves a pool of one word (always word 0: an ordinary DCGAN)
and, as soon as the class draws a second word, a conditional GAN, without being rebuilt. G draws with BatchNorm:
draw every word in one batch (DoodleTrainer.draw says why). The training step is in
models/doodles/live.py.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

SIDE = 28
WORDS = 8  # the most words one pool holds: the nets' label space


class Generator(nn.Module):
    """z + the word's embedding → 7×7 → 14×14 → 28×28: the DCGAN recipe (transposed convolutions, BatchNorm,
    ReLU, tanh out), small enough to train live on a shared CPU."""

    def __init__(self, noise_dim: int = 32, width: int = 32, words: int = WORDS):
        super().__init__()
        self.embed = nn.Embedding(words, noise_dim)
        self.fc = nn.Sequential(nn.Linear(2 * noise_dim, 2 * width * 7 * 7), nn.BatchNorm1d(2 * width * 7 * 7),
                                nn.ReLU(True))
        self.up = nn.Sequential(nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(True),
                                nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh())
        self.width, self.noise_dim = width, noise_dim

    def forward(self, z: Tensor, words: Tensor) -> Tensor:
        h = self.fc(torch.cat([z, self.embed(words)], 1)).view(-1, 2 * self.width, 7, 7)
        return self.up(h)


class Discriminator(nn.Module):
    """28×28 (+ the word as WORDS constant channels, one of them all ones) → 14×14 → 7×7 → a logit: the image
    lab's conditional D at this size, the word seen from the first layer on. No BatchNorm, so real and fake batches
    are judged apart (and augmentation does not leak between them)."""

    def __init__(self, width: int = 32, words: int = WORDS):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1 + words, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
                                 nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2, True), nn.Flatten(),
                                 nn.Linear(2 * width * 7 * 7, 1))
        self.words = words

    def forward(self, x: Tensor, words: Tensor) -> Tensor:
        maps = F.one_hot(words, self.words).float()[:, :, None, None].expand(-1, -1, SIDE, SIDE)
        return self.net(torch.cat([x, maps], 1)).view(-1)
