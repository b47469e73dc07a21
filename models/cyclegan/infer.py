"""Our faces ↔ painting CycleGAN and the pretrained photo → vintage CycleGAN at inference: loading, pre- and
post-processing, nothing else."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .. import checkpoints
from ..device import best_device, loaded_once
from ..faces import data as facepairs
from ..registry import get
from ..store import ModelUnavailable, load_torch
from .nets import ResnetGenerator, round_trip

CYCLEGAN = checkpoints.path("cyclegan")


@functools.cache
def own(path: Path = CYCLEGAN) -> tuple[ResnetGenerator, ResnetGenerator, dict]:
    ck = checkpoints.read(path)
    return checkpoints.build(ResnetGenerator, ck, "g"), checkpoints.build(ResnetGenerator, ck, "f"), ck["meta"]


@loaded_once
def vintage_generator() -> ResnetGenerator:
    """The pretrained photo → vintage generator (45 MB from the store, on first use)."""
    net = ResnetGenerator(ngf=64, blocks=9)
    try:
        net.load_state_dict(load_torch("cyclegan-vintage"))
    except ModelUnavailable:
        raise  # not downloaded, or not verified: its own message (a RuntimeError too, but not a wrong file)
    except RuntimeError as e:
        ck = get("cyclegan-vintage")
        raise ModelUnavailable(ck, f"the file does not hold the expected generator ({str(e)[:120]}…).",
                               f"delete it and run `python -m models fetch {ck.name}`.") from e
    return net.eval().requires_grad_(False).to(best_device())


def cycle(g: nn.Module, f: nn.Module, pictures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(translated, reconstructed) for (N, 64, 64, 3) uint8 pictures: Original → G → F."""
    there, back = round_trip(g, f, facepairs.to_tensor(pictures))
    return facepairs.to_pictures(there), facepairs.to_pictures(back)


def vintage(photo: np.ndarray) -> np.ndarray:
    """Photo (sides multiples of 4 after cropping) → vintage photo, same size."""
    net = vintage_generator()
    h, w = photo.shape[:2]
    photo = photo[: h - h % 4, : w - w % 4]
    device = next(net.parameters()).device
    with torch.no_grad():
        out = net(facepairs.to_tensor(photo[None]).to(device))
    return facepairs.to_pictures(out)[0]
