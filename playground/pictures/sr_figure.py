"""The super-resolution tab's picture, laid out like the SRGAN paper's figure: the panels side by side with their
name and numbers under each, and below them the same small region of every panel magnified, where the
difference in texture shows. Drawn with Pillow; the text in the page's language (Hangul with its font)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from playground.pictures import fonts

TEXT = 18
GAP = 8
ZOOM_SIDE = 240  # on-screen side of a magnified region
BOX = (230, 60, 40)
PENDING = (225, 225, 225)


@dataclass(frozen=True)
class Panel:
    name: str
    picture: np.ndarray
    caption: str = ""  # "27.1 dB · SSIM 0.78" and more lines after "\n", or nothing where there is no original
    pending: bool = False  # still being computed: drawn as a grey panel, its magnified region left empty


def zoom_box(shape: tuple[int, ...], x: float, y: float, side: int) -> tuple[int, int, int, int]:
    """A ``side``-pixel square centred at (x, y) (fractions of the width and height), inside the picture."""
    h, w = shape[:2]
    side = min(side, h, w)
    left = int(round(min(max(x * w - side / 2, 0), w - side)))
    top = int(round(min(max(y * h - side / 2, 0), h - side)))
    return left, top, left + side, top + side


def figure(panels: list[Panel], box: tuple[int, int, int, int], lang: str = "en",
           panel_side: int = 320, per_row: int = 0) -> Image.Image:
    """Panels (all the same size) shown at ``panel_side`` px, the region ``box`` outlined in each, and below a
    row of that region magnified (nearest neighbour: the pixels as they are); ``per_row`` panels to a row (0: all
    in one), rows stacked, so six panels fit a laptop's width as two rows of three."""
    if per_row and len(panels) > per_row:
        rows = [figure(panels[i:i + per_row], box, lang, panel_side) for i in range(0, len(panels), per_row)]
        im = Image.new("RGB", (max(r.width for r in rows), sum(r.height for r in rows) + GAP * 3 * (len(rows) - 1)),
                       "white")
        y = 0
        for r in rows:
            im.paste(r, (0, y))
            y += r.height + GAP * 3
        return im
    font = fonts.font(TEXT, lang)
    h, w = panels[0].picture.shape[:2]
    scale = panel_side / max(h, w)
    pw, ph = round(w * scale), round(h * scale)
    cell = max(pw, ZOOM_SIDE)
    lines = 1 + max(len(p.caption.split("\n")) if p.caption else 0 for p in panels)
    band = lines * (TEXT + 6) + 6
    width = len(panels) * cell + (len(panels) - 1) * GAP
    height = ph + band + GAP + ZOOM_SIDE
    im = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(im)
    for i, p in enumerate(panels):
        x0 = i * (cell + GAP)
        if p.pending:
            draw.rectangle((x0 + (cell - pw) // 2, 0, x0 + (cell + pw) // 2 - 1, ph - 1), fill=PENDING)
        else:
            shown = Image.fromarray(p.picture).resize((pw, ph), Image.LANCZOS if scale < 1 else Image.NEAREST)
            im.paste(shown, (x0 + (cell - pw) // 2, 0))
            left, t, r, b = (round(v * scale) for v in box)
            draw.rectangle((x0 + (cell - pw) // 2 + left, t, x0 + (cell - pw) // 2 + r - 1, b - 1), outline=BOX,
                           width=2)
            region = Image.fromarray(p.picture).crop(box).resize((ZOOM_SIDE, ZOOM_SIDE), Image.NEAREST)
            im.paste(region, (x0 + (cell - ZOOM_SIDE) // 2, ph + band + GAP))
        draw.text((x0 + cell / 2, ph + 4), p.name, fill=(20, 20, 20), font=font, anchor="ma")
        for k, line in enumerate(p.caption.split("\n") if p.caption else []):
            draw.text((x0 + cell / 2, ph + (k + 1) * (TEXT + 6) + 4), line, fill=(70, 70, 70), font=font, anchor="ma")
    return im
