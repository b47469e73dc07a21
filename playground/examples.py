"""Example pictures for the image tabs, written once per process to a temp folder Gradio may serve.

Photos come from scikit-image (public-domain or freely licensed test images). Paintings are made here: no
painting files can be downloaded, so brush strokes are drawn along a swirling flow field, which gives the strong
brush texture that style transfer needs (flat pictures make poor styles).
"""
from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

FOLDER = Path(tempfile.gettempdir()) / "gan-playground-examples"
PHOTOS = ("chelsea", "astronaut", "coffee", "rocket")
PALETTES = {
    "swirling night": ((18, 32, 84), (30, 64, 140), (64, 110, 190), (236, 206, 70), (250, 240, 160), (12, 20, 40)),
    "autumn field": ((120, 40, 20), (200, 90, 30), (240, 170, 60), (90, 110, 40), (250, 230, 190), (60, 30, 20)),
    "sea glass": ((10, 80, 90), (40, 150, 150), (160, 220, 210), (240, 250, 245), (20, 40, 60), (220, 120, 90)),
}


def brush_painting(palette: tuple, seed: int, size: int = 384, strokes: int = 2600) -> Image.Image:
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (size, size), palette[0])
    draw = ImageDraw.Draw(im)
    centres = rng.uniform(0, size, (3, 2))
    for _ in range(strokes):
        x, y = rng.uniform(0, size, 2)
        angle = sum(math.atan2(y - cy, x - cx) + math.pi / 2 for cx, cy in centres) / len(centres)
        angle += 0.6 * math.sin(x / 37) + rng.normal(0, 0.15)
        length, width = rng.uniform(8, 22), int(rng.integers(3, 7))
        colour = palette[int(rng.integers(len(palette)))]
        shade = tuple(int(np.clip(c + rng.normal(0, 14), 0, 255)) for c in colour)
        dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
        draw.line((x - dx, y - dy, x + dx, y + dy), fill=shade, width=width)
    return im.filter(ImageFilter.SMOOTH)


@functools.cache
def photos() -> list[str]:
    from skimage import data

    FOLDER.mkdir(parents=True, exist_ok=True)
    out = []
    for name in PHOTOS:
        path = FOLDER / f"{name}.png"
        if not path.exists():
            Image.fromarray(getattr(data, name)()).convert("RGB").save(path)
        out.append(str(path))
    return out


@functools.cache
def paintings() -> list[str]:
    from skimage import data

    FOLDER.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (name, palette) in enumerate(PALETTES.items()):
        path = FOLDER / f"{name.replace(' ', '-')}.png"
        if not path.exists():
            brush_painting(palette, seed=i).save(path)
        out.append(str(path))
    path = FOLDER / "hubble.png"
    if not path.exists():
        Image.fromarray(data.hubble_deep_field()).save(path)
    return out + [str(path)]


@functools.cache
def held_out_photos() -> list[str]:
    """The photos super-resolution training never saw (models/super_resolution/data.py HELD_OUT): the tab's examples,
    so what it shows is what the nets do on new pictures."""
    from models.super_resolution import data as srdata

    FOLDER.mkdir(parents=True, exist_ok=True)
    out = []
    for name in srdata.HELD_OUT:
        path = FOLDER / f"held-out-{name.split(':')[-1].split('.')[0]}.png"
        if not path.exists():
            Image.fromarray(srdata.photo(name)).save(path)
        out.append(str(path))
    return out
