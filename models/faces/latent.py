"""Latent vectors from seeds, and the ways to move between them: walks, arithmetic, directions.

Everything starts from integer seeds so that any picture on screen can be made again from the numbers shown.
"""
from __future__ import annotations

import re

import torch

from toy2d import reasons

MAX_SEED = 2**31 - 1
INTERPOLATIONS = ("slerp", "linear")
# Why typed seeds were refused, in English (the UI's catalogue: seeds.<kind>; toy2d/reasons.py)
reasons.TABLES["seeds"] = {
    "not_seed": "{part} is not a seed: use whole numbers like 3, 7 or a range like 10-15",
    "backwards": "the range {part} runs backwards",
    "too_high": "seeds go up to {most}",
    "too_many": "at most {most} seeds at a time",
    "none": "give at least one seed, e.g. 3, 7",
}


def parse_seeds(text: str, limit: int = 64) -> list[int]:
    """'3, 7, 10-12' → [3, 7, 10, 11, 12]. Raises ValueError with a message a student can act on."""
    seeds: list[int] = []
    for part in re.split(r"[,\s;]+", (text or "").strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise reasons.Refused("not_seed", "seeds", part=repr(part))
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo:
            raise reasons.Refused("backwards", "seeds", part=repr(part))
        if hi > MAX_SEED:
            raise reasons.Refused("too_high", "seeds", most=MAX_SEED)
        if len(seeds) + hi - lo + 1 > limit:
            raise reasons.Refused("too_many", "seeds", most=limit)
        seeds.extend(range(lo, hi + 1))
    if not seeds:
        raise reasons.Refused("none", "seeds")
    return seeds


def from_seeds(seeds: list[int], nz: int = 100, truncation: float = 1.0) -> torch.Tensor:
    """(len(seeds), nz) latents: seed s always gives the same N(0, I) draw (on the CPU), scaled by truncation."""
    z = torch.empty(len(seeds), nz)
    for i, s in enumerate(seeds):
        z[i] = torch.randn(nz, generator=torch.Generator().manual_seed(int(s)))
    return z * float(truncation)


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    t = t.reshape(-1, 1)
    return (1 - t) * a + t * b


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Great-circle interpolation of the directions, with the length interpolated linearly.

    Gaussian latents in 100 dimensions all lie near a shell of radius ~10; the straight line between two of them
    dips to ~7 at its middle, where the generator never saw a latent, and mid-walk faces wash out. Slerp stays on
    the shell (exactly, when the ends have equal length)."""
    t = t.reshape(-1, 1)
    na, nb = a.norm(), b.norm()
    ua, ub = a / na.clamp_min(1e-12), b / nb.clamp_min(1e-12)
    omega = torch.arccos((ua * ub).sum().clamp(-1, 1))
    if omega.abs() < 1e-6:  # (anti)parallel ends: the circle is undefined, the line is fine
        direction = lerp(ua, ub, t)
        direction = direction / direction.norm(dim=1, keepdim=True).clamp_min(1e-12)
    else:
        s = torch.sin(omega)
        direction = torch.sin((1 - t) * omega) / s * ua + torch.sin(t * omega) / s * ub
    return direction * ((1 - t) * na + t * nb)


def walk(keys: torch.Tensor, frames: int, mode: str = "slerp") -> torch.Tensor:
    """(frames, nz) latents through the keyframes in order; the first and last frames are the first and last keys,
    and every key is hit exactly when (frames - 1) is a multiple of (len(keys) - 1)."""
    if mode not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATIONS)}")
    if keys.shape[0] < 2:
        raise ValueError("a walk needs at least two keyframes")
    if frames < 2:
        raise ValueError("a walk needs at least two frames")
    segments = keys.shape[0] - 1
    pos = torch.linspace(0, segments, frames, dtype=torch.float64)
    seg = pos.floor().long().clamp(max=segments - 1)
    local = (pos - seg).float()
    step = slerp if mode == "slerp" else lerp
    out = torch.empty(frames, keys.shape[1])
    for k in range(segments):
        mask = seg == k
        if mask.any():
            out[mask] = step(keys[k], keys[k + 1], local[mask])
    out[0], out[-1] = keys[0], keys[-1]
    return out


def mean_latent(z: torch.Tensor) -> torch.Tensor:
    """The average of one or more latents: a 'concept' as in the DCGAN paper, where each term of the arithmetic
    averaged three samples to make it robust."""
    return z.reshape(-1, z.shape[-1]).mean(0)


def arithmetic(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """A − B + C on (averaged) latents: take what separates A from B and add it to C."""
    return a - b + c


def along(start: torch.Tensor, direction: torch.Tensor, amounts: torch.Tensor) -> torch.Tensor:
    """start + t·d̂·√nz for each t: t = 1 moves as far as the typical length of a latent, so slider units mean the
    same for a random direction and for an arithmetic one."""
    unit = direction / direction.norm().clamp_min(1e-12)
    scale = start.shape[-1] ** 0.5
    return start + amounts.reshape(-1, 1) * unit * scale
