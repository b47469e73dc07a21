"""A grid of 64-px pictures with a name over each column and a name left of each row, big enough for a projector:
each picture enlarged to CELL px with Lanczos (smooth faces rather than visible pixels), captions 18 px in the
page's language."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from playground import fonts

CELL = 160
GAP = 6
TEXT = 18


def labelled_grid(rows: list[list[np.ndarray]], columns: list[str], row_names: list[str],
                  lang: str = "en") -> Image.Image:
    font = fonts.font(TEXT, lang)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left = int(max((measure.textlength(n, font=font) for n in row_names), default=0)) + 12
    top = TEXT + 12
    cols = max(len(r) for r in rows)
    im = Image.new("RGB", (left + cols * (CELL + GAP), top + len(rows) * (CELL + GAP)), "white")
    draw = ImageDraw.Draw(im)
    for c, name in enumerate(columns):
        draw.text((left + c * (CELL + GAP) + CELL / 2, 4), name, fill=(20, 20, 20), font=font, anchor="ma")
    for r, (pictures, name) in enumerate(zip(rows, row_names)):
        y = top + r * (CELL + GAP)
        draw.text((left - 8, y + CELL / 2), name, fill=(20, 20, 20), font=font, anchor="rm")
        for c, p in enumerate(pictures):
            if p is not None:
                im.paste(Image.fromarray(p).resize((CELL, CELL), Image.LANCZOS), (left + c * (CELL + GAP), y))
    return im
