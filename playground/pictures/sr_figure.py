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


@dataclass(frozen=True)
class Panel:
    name: str
    picture: np.ndarray
    caption: str = ""  # "PSNR 27.1 dB · SSIM 0.78", or nothing where there is no original


def zoom_box(shape: tuple[int, ...], x: float, y: float, side: int) -> tuple[int, int, int, int]:
    """A ``side``-pixel square centred at (x, y) (fractions of the width and height), inside the picture."""
    h, w = shape[:2]
    side = min(side, h, w)
    left = int(round(min(max(x * w - side / 2, 0), w - side)))
    top = int(round(min(max(y * h - side / 2, 0), h - side)))
    return left, top, left + side, top + side


def figure(panels: list[Panel], box: tuple[int, int, int, int], lang: str = "en",
           panel_side: int = 320) -> Image.Image:
    """Panels (all the same size) shown at ``panel_side`` px, the region ``box`` outlined in each, and below a
    row of that region magnified (nearest neighbour: the pixels as they are)."""
    font = fonts.font(TEXT, lang)
    h, w = panels[0].picture.shape[:2]
    scale = panel_side / max(h, w)
    pw, ph = round(w * scale), round(h * scale)
    cell = max(pw, ZOOM_SIDE)
    lines = 2 if any(p.caption for p in panels) else 1
    band = lines * (TEXT + 6) + 6
    width = len(panels) * cell + (len(panels) - 1) * GAP
    height = ph + band + GAP + ZOOM_SIDE
    im = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(im)
    for i, p in enumerate(panels):
        x0 = i * (cell + GAP)
        shown = Image.fromarray(p.picture).resize((pw, ph), Image.LANCZOS if scale < 1 else Image.NEAREST)
        im.paste(shown, (x0 + (cell - pw) // 2, 0))
        left, t, r, b = (round(v * scale) for v in box)
        draw.rectangle((x0 + (cell - pw) // 2 + left, t, x0 + (cell - pw) // 2 + r - 1, b - 1), outline=BOX, width=2)
        draw.text((x0 + cell / 2, ph + 4), p.name, fill=(20, 20, 20), font=font, anchor="ma")
        if p.caption:
            draw.text((x0 + cell / 2, ph + TEXT + 10), p.caption, fill=(70, 70, 70), font=font, anchor="ma")
        region = Image.fromarray(p.picture).crop(box).resize((ZOOM_SIDE, ZOOM_SIDE), Image.NEAREST)
        im.paste(region, (x0 + (cell - ZOOM_SIDE) // 2, ph + band + GAP))
    return im
