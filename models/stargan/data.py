"""StarGAN's domains, made offline from what the repo already has: the faces DCGAN's faces as photos, and the same
kind of faces painted by three of the style network's 26 built-in styles (each style a domain), chosen because
they look nothing alike: pastel (style 0), starry brushwork (19) and dark ink (23). Every domain draws its faces
from its own seeds, so no picture has a partner in another domain (unpaired, as StarGAN needs); evaluation faces
come from seeds training never uses (facepairs.HELD_OUT_FIRST_SEED on).
"""
from __future__ import annotations

import numpy as np

from ..faces import data as facepairs

DOMAINS = ("photo", "pastel", "starry", "ink")
STYLES = {"pastel": 0, "starry": 19, "ink": 23}
WORK_SIDE = 128  # the style network paints at this size, then the picture shrinks back to 64 px


def render(faces: np.ndarray, domain: str) -> np.ndarray:
    """``faces`` (N, 64, 64, 3) uint8 as they look in ``domain``."""
    return faces if domain == "photo" else facepairs.paint(faces, STYLES[domain], work_side=WORK_SIDE)


def domain_faces(model, domain: int, n: int, first_seed: int = 0) -> np.ndarray:
    """n faces of domain ``domain`` (an index into DOMAINS), each domain from its own block of seeds."""
    seeds = list(range(first_seed + domain * n, first_seed + (domain + 1) * n))
    return render(facepairs.faces(model, seeds), DOMAINS[domain])


def one_hot(labels: "np.ndarray | list[int]", k: int = len(DOMAINS)):
    import torch

    return torch.eye(k)[torch.as_tensor(labels, dtype=torch.long)]
