"""Our pix2pix at inference (sketch → face): the committed generator, the sketch pad's drawing and a photo made into
the sketches it learnt from. Loading, pre- and post-processing, nothing else."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

from .. import checkpoints
from ..faces import data as facepairs
from ..imaging import inputs, sketch
from .nets import UNetGenerator

PIX2PIX = checkpoints.path("pix2pix")
PIX2PIX_L1 = checkpoints.path("pix2pix_l1")
SIDE = facepairs.SIDE


@functools.cache
def generator(path: Path = PIX2PIX) -> UNetGenerator:
    return checkpoints.build(UNetGenerator, checkpoints.read(path), "generator")


def untrained(seed: int = 0) -> UNetGenerator:
    torch.manual_seed(seed)
    return UNetGenerator().eval().requires_grad_(False)


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
    small = np.asarray(Image.fromarray(inputs.square(grey, max(SIDE, min(grey.shape)))).resize((SIDE, SIDE), Image.BOX))
    ink = 255 - small.astype(np.float32)
    return np.clip(255 - ink * 1.5, 0, 255).astype(np.uint8)


def photo_to_sketch(photo: np.ndarray) -> np.ndarray:
    """A photo → the same kind of XDoG sketch the training pairs used (on its centre square at 64 px)."""
    return sketch.xdog(inputs.square(photo, SIDE))


def sketch_to_face(net: nn.Module, sketches: np.ndarray) -> np.ndarray:
    """(N, 64, 64) or (64, 64) uint8 sketches → (N, 64, 64, 3) uint8 faces."""
    batch = sketches[None] if sketches.ndim == 2 else sketches
    with torch.no_grad():
        return facepairs.to_pictures(net(facepairs.to_tensor(batch)))
