"""StarGAN at inference: the committed generator (one for every domain of data.py) and pictures translated by it."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch

from .. import checkpoints
from ..faces import data as facepairs
from .data import one_hot
from .nets import StarGenerator

STARGAN = checkpoints.path("stargan")


@functools.cache
def stargan(path: Path = STARGAN) -> tuple[StarGenerator, dict]:
    """Our StarGAN generator and its run's record."""
    ck = checkpoints.read(path)
    return checkpoints.build(StarGenerator, ck, "generator"), ck["meta"]


def to_domains(g: StarGenerator, pictures: np.ndarray, domains: "list[int]") -> np.ndarray:
    """(N, 64, 64, 3) uint8 pictures, each translated to its domain in ``domains`` (indices), by one generator."""
    with torch.no_grad():
        return facepairs.to_pictures(g(facepairs.to_tensor(pictures), one_hot(domains, g.config["domains"])))
