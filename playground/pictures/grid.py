"""A grid of small pictures with a name over each column and a name left of each row, big enough for a projector:
each picture enlarged to ``cell`` px with Lanczos (smooth faces rather than visible pixels), captions 18 px in the
page's language. Used by the StarGAN (64-px domains) and StyleGAN (32-px faces) tabs."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from playground.pictures import fonts

CELL = 160
GAP = 6
TEXT = 18


def labelled_grid(rows: list[list[np.ndarray | None]], columns: list[str], row_names: list[str],
                  lang: str = "en", cell: int = CELL) -> Image.Image:
    """``rows`` of uint8 (h, w, 3) pictures (None leaves a cell blank); ``columns`` may be shorter than a row."""
    font = fonts.font_for(TEXT, lang, [*columns, *row_names])
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left = int(max((measure.textlength(n, font=font) for n in row_names), default=0)) + 12
    top = TEXT + 12 if any(columns) else 4
    cols = max(len(r) for r in rows)
    im = Image.new("RGB", (left + cols * (cell + GAP), top + len(rows) * (cell + GAP)), "white")
    draw = ImageDraw.Draw(im)
    for c, name in enumerate(columns):
        draw.text((left + c * (cell + GAP) + cell / 2, 4), name, fill=(20, 20, 20), font=font, anchor="ma")
    for r, (pictures, name) in enumerate(zip(rows, row_names)):
        y = top + r * (cell + GAP)
        draw.text((left - 8, y + cell / 2), name, fill=(20, 20, 20), font=font, anchor="rm")
        for c, p in enumerate(pictures):
            if p is not None:
                im.paste(Image.fromarray(p).resize((cell, cell), Image.LANCZOS), (left + c * (cell + GAP), y))
    return im


def heat(values: np.ndarray, most: float) -> np.ndarray:
    """A (h, w) map of values in [0, most] as a uint8 RGB picture, dark to bright (magma-like: black → red →
    yellow), so a spread map can sit in a grid of faces."""
    t = np.clip(values / max(most, 1e-9), 0, 1)[..., None]
    stops = np.array([[0, 0, 4], [120, 28, 109], [237, 105, 37], [252, 255, 164]], np.float64)
    pos = t * (len(stops) - 1)
    i = np.minimum(pos.astype(int), len(stops) - 2)
    frac = pos - i
    return (stops[i[..., 0]] * (1 - frac) + stops[i[..., 0] + 1] * frac).round().astype(np.uint8)
