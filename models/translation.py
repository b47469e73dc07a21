"""Image-to-image translation at inference: our pix2pix (sketch → face), our faces ↔ painting CycleGAN, and the
pretrained vintage CycleGAN (StarGAN's is models/stargan/infer.py). Loading, pre- and post-processing, nothing else."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

from . import checkpoints
from .imaging import sketch
from .faces import data as facepairs
from .cyclegan import ResnetGenerator, round_trip
from .device import best_device, loaded_once
from .pix2pix import UNetGenerator
from .registry import get
from .store import ModelUnavailable, load_torch

PIX2PIX = checkpoints.path("pix2pix")
PIX2PIX_L1 = checkpoints.path("pix2pix_l1")
CYCLEGAN = checkpoints.path("cyclegan")
SIDE = 64


@functools.cache
def pix2pix(path: Path = PIX2PIX) -> UNetGenerator:
    return checkpoints.build(UNetGenerator, checkpoints.read(path), "generator")


def untrained_pix2pix(seed: int = 0) -> UNetGenerator:
    torch.manual_seed(seed)
    return UNetGenerator().eval().requires_grad_(False)


@functools.cache
def own_cyclegan(path: Path = CYCLEGAN) -> tuple[ResnetGenerator, ResnetGenerator, dict]:
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


def square(picture: np.ndarray, side: int) -> np.ndarray:
    """Centre square crop scaled to side × side: faces and sketches are square."""
    h, w = picture.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    return np.asarray(Image.fromarray(picture[top:top + s, left:left + s]).resize((side, side), Image.LANCZOS))


def on_white(drawing: np.ndarray) -> np.ndarray:
    """RGBA strokes composited onto white paper; RGB and grey pass through."""
    if drawing.ndim == 3 and drawing.shape[2] == 4:
        alpha = drawing[..., 3:4].astype(np.float32) / 255
        return (drawing[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return drawing


def pad_to_sketch(drawing: np.ndarray) -> np.ndarray:
    """A sketch-pad drawing (any size; RGBA strokes or RGB on white) → the 64×64 grey sketch pix2pix reads.
    Shrinking thins a mouse stroke to grey; the ink is darkened back to the XDoG sketches' contrast."""
    grey = (sketch.grey(on_white(drawing)) * 255).astype(np.uint8)
    small = np.asarray(Image.fromarray(square(grey, max(SIDE, min(grey.shape)))).resize((SIDE, SIDE), Image.BOX))
    ink = 255 - small.astype(np.float32)
    return np.clip(255 - ink * 1.5, 0, 255).astype(np.uint8)


def photo_to_sketch(photo: np.ndarray) -> np.ndarray:
    """A photo → the same kind of XDoG sketch the training pairs used (on its centre square at 64 px)."""
    return sketch.xdog(square(photo, SIDE))


def sketch_to_face(net: nn.Module, sketches: np.ndarray) -> np.ndarray:
    """(N, 64, 64) or (64, 64) uint8 sketches → (N, 64, 64, 3) uint8 faces."""
    batch = sketches[None] if sketches.ndim == 2 else sketches
    with torch.no_grad():
        return facepairs.to_pictures(net(facepairs.to_tensor(batch)))


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
