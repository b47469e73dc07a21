"""Our StyleGAN at inference: the committed generator, and what the tab and the benchmark do with it — faces from
seeds with truncation, styles mixed by resolution band, the same face under different noise, walks in Z and in W.
Every picture is made from integer seeds (faces and noise), so anything on screen can be made again."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch

from .. import checkpoints
from ..faces import data as facepairs, latent
from .nets import GROUPS, StyleGenerator, mix

STYLEGAN = checkpoints.path("stylegan")
BANDS = tuple(GROUPS)  # coarse, middle, fine
NOISE_SEED = 0


@functools.cache
def stylegan(path: Path = STYLEGAN) -> tuple[StyleGenerator, dict]:
    """The committed generator (the training run's moving average) and its run's record."""
    ck = checkpoints.read(path)
    return checkpoints.build(StyleGenerator, ck, "generator"), ck["meta"]


def noise_maps(g: StyleGenerator, n: int, seed: int) -> list[torch.Tensor]:
    """Per-layer noise for n pictures, the same for every picture (so pictures differ by their styles only)."""
    gen = torch.Generator().manual_seed(int(seed))
    return [torch.randn(1, 1, res, res, generator=gen).expand(n, -1, -1, -1)
            for res, layers in g.synthesis.noise_shapes() for _ in range(layers)]


def ws_of(g: StyleGenerator, seeds: "list[int]", psi: float = 1.0) -> torch.Tensor:
    return g.ws(latent.from_seeds(seeds, g.z_dim), psi)


def render(g: StyleGenerator, ws: torch.Tensor, noise: "str | int" = NOISE_SEED) -> np.ndarray:
    """(N, 32, 32, 3) uint8 pictures for ws; ``noise`` a seed (the same noise for all), or "off"."""
    with torch.no_grad():
        maps = "off" if noise == "off" else noise_maps(g, len(ws), int(noise))
        return facepairs.to_pictures(g.synthesis(ws, maps))


def faces(g: StyleGenerator, seeds: "list[int]", psi: float = 1.0, noise: "str | int" = NOISE_SEED) -> np.ndarray:
    return render(g, ws_of(g, seeds, psi), noise)


def mixing(g: StyleGenerator, seeds_a: "list[int]", seeds_b: "list[int]", band: str, psi: float = 1.0,
           noise: "str | int" = NOISE_SEED) -> np.ndarray:
    """(len(a), len(b), 32, 32, 3): row i is face A_i with the ``band`` styles (coarse, middle or fine) of B_j."""
    wa, wb = ws_of(g, seeds_a, psi), ws_of(g, seeds_b, psi)
    rows = [render(g, mix(wa[i:i + 1].expand(len(seeds_b), -1, -1), wb, GROUPS[band]), noise)
            for i in range(len(seeds_a))]
    return np.stack(rows)


def noise_draws(g: StyleGenerator, seed: int, draws: int, first_noise: int, psi: float = 1.0) -> np.ndarray:
    """(draws, 32, 32, 3): one face (one w) under ``draws`` different noise seeds from first_noise on."""
    ws = ws_of(g, [seed], psi)
    return np.concatenate([render(g, ws, first_noise + i) for i in range(draws)])


def noise_std(pictures: np.ndarray) -> np.ndarray:
    """Per-pixel standard deviation over noise draws (grey, [0, 1]): where noise acts — hair, edges, not the face's
    layout (the paper's figure 4c)."""
    return pictures.astype(np.float64).mean(-1).std(0) / 255


def walks(g: StyleGenerator, seed_a: int, seed_b: int, frames: int, psi: float = 1.0,
          noise: "str | int" = NOISE_SEED) -> dict[str, np.ndarray]:
    """From face A to face B in ``frames`` steps two ways: along the great circle in Z (each point then mapped to
    W), and along the straight line in W between the two faces' w's. Same ends, different paths between."""
    za, zb = latent.from_seeds([seed_a, seed_b], g.z_dim)
    t = torch.linspace(0, 1, frames)
    wz = g.ws(latent.slerp(za, zb, t), psi)
    ends = g.ws(torch.stack([za, zb]), psi)
    ww = latent.lerp(ends[0, 0], ends[1, 0], t)[:, None].expand(-1, g.n_ws, -1)
    return {"z": render(g, wz, noise), "w": render(g, ww, noise)}


def step_changes(frames: np.ndarray) -> np.ndarray:
    """RMS change between consecutive frames ([0, 1] scale): an even walk has even steps."""
    x = frames.astype(np.float64) / 255
    return np.sqrt(((x[1:] - x[:-1]) ** 2).mean((1, 2, 3)))


def structure(pictures: np.ndarray, side: int = 8) -> np.ndarray:
    """Low-frequency structure: grey, each picture brought to mean 0 and unit spread (so colour and brightness, which
    the fine styles carry, do not count), then averaged down to side × side. Pose and face shape survive this."""
    grey = pictures.astype(np.float64).mean(-1)
    grey = (grey - grey.mean((1, 2), keepdims=True)) / (grey.std((1, 2), keepdims=True) + 1e-6)
    n, h, w = grey.shape
    return grey.reshape(n, side, h // side, side, w // side).mean((2, 4))


def lowfreq_change(a: np.ndarray, b: np.ndarray, mixed: np.ndarray) -> float:
    """How much of the low-frequency difference between A and B the mixed pictures (A with some of B's styles)
    took on: 0 = still A's layout, 1 = B's. Averaged over pairs whose layouts differ at all."""
    sa, sb, sm = structure(a), structure(b), structure(mixed)
    apart = np.sqrt(((sb - sa) ** 2).sum((1, 2)))
    moved = np.sqrt(((sm - sa) ** 2).sum((1, 2)))
    keep = apart > 1e-6
    return float(np.mean(moved[keep] / apart[keep])) if keep.any() else 0.0
