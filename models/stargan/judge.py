"""A small classifier that says which StarGAN domain a 64×64 picture is in, trained apart from StarGAN on real
pictures of each domain (faces from seeds neither StarGAN's training nor its evaluation uses). It judges whether a
translation reached the requested domain, as the StarGAN paper's classifier does."""
from __future__ import annotations

import functools

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..faces import data as facepairs

from . import data as stardata

JUDGE_FIRST_SEED = 2_000_000  # its own faces: StarGAN trains on 0 …, evaluates from 1 000 000


class DomainJudge(nn.Module):
    def __init__(self, domains: int = len(stardata.DOMAINS)):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
                                 nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                 nn.Linear(64, domains))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


@functools.cache
def judge(per_domain: int = 400, steps: int = 800, seed: int = 0) -> DomainJudge:
    """Trained once per process (a few seconds) on ``per_domain`` real pictures of each domain."""
    from ..faces.infer import load_faces

    torch.manual_seed(seed)
    model = load_faces()
    x = torch.cat([facepairs.to_tensor(stardata.domain_faces(model, i, per_domain, JUDGE_FIRST_SEED))
                   for i in range(len(stardata.DOMAINS))])
    y = torch.arange(len(stardata.DOMAINS)).repeat_interleave(per_domain)
    net = DomainJudge()
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        idx = torch.from_numpy(rng.integers(0, len(x), 64))
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return net.eval().requires_grad_(False)


def domains_of(pictures: np.ndarray) -> np.ndarray:
    """The judged domain index of each (N, 64, 64, 3) uint8 picture."""
    net = judge()  # trained (with gradients) before the no-grad block, on first use
    with torch.no_grad():
        return net(facepairs.to_tensor(pictures)).argmax(1).numpy()
