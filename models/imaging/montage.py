"""Pictures made of pictures: sample grids, walk strips and labelled equations, as uint8 arrays."""
from __future__ import annotations

import re

import numpy as np
from PIL import Image, ImageDraw, ImageFont

BACKGROUND = 255


def upscale(images: np.ndarray, size: int) -> np.ndarray:
    """(N, h, w, 3) → (N, size, size, 3), smooth (bicubic): 64-pixel faces look blocky on a projector otherwise."""
    if images.shape[1] == size:
        return images
    return np.stack([np.asarray(Image.fromarray(im).resize((size, size), Image.BICUBIC)) for im in images])


def grid(images: np.ndarray, cols: int, gap: int = 2) -> np.ndarray:
    n, h, w, c = images.shape
    rows = max(1, -(-n // cols))
    out = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, c), BACKGROUND, np.uint8)
    for i, im in enumerate(images):
        r, k = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, k * (w + gap):k * (w + gap) + w] = im
    return out


def strip(frames: np.ndarray, count: int = 10, gap: int = 2) -> np.ndarray:
    """`count` evenly spaced frames in one row, first and last included."""
    idx = np.unique(np.linspace(0, len(frames) - 1, min(count, len(frames))).round().astype(int))
    return grid(frames[idx], cols=len(idx), gap=gap)


def equation(tiles: list[np.ndarray], labels: list[str], signs: list[str],
             font: ImageFont.ImageFont | None = None) -> np.ndarray:
    """Tiles with a caption under each and a sign between neighbours: the arithmetic A − B + C = result. ``font``:
    one with the captions' script (Pillow's own, sized to the tiles, has no Hangul)."""
    h, w = tiles[0].shape[:2]
    font = font or ImageFont.load_default(size=max(12, h // 8))
    captions = ["\n".join(caption_lines(label, font, w - 6)) for label in labels]
    lines = max((c.count("\n") + 1 for c in captions), default=1)
    line_h = font.getbbox("Hg")[3] + 4
    sign_w, cap_h = max(24, w // 3), max(18, h // 6, lines * line_h + 6)
    canvas = Image.new("RGB", (len(tiles) * w + len(signs) * sign_w, h + cap_h), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    x = 0
    for i, (tile, label) in enumerate(zip(tiles, captions)):
        canvas.paste(Image.fromarray(tile), (x, 0))
        draw.multiline_text((x + w / 2, h + cap_h / 2), label, fill=(40, 40, 40), font=font, anchor="mm",
                            align="center", spacing=4)
        x += w
        if i < len(signs):
            draw.text((x + sign_w / 2, h / 2), signs[i], fill=(40, 40, 40), font=font, anchor="mm")
            x += sign_w
    return np.asarray(canvas)


def caption_lines(text: str, font: ImageFont.ImageFont, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` where words allow: a caption wider than its
    picture was cut at both ends ("pix2pix (cGAN + L1)" showed as "ɔix2pix (cGAN + L")."""
    lines: list[str] = []
    words = []
    for group in re.findall(r"\([^)]*\)|\S+", text):  # a bracketed aside stays on one line where it fits
        words += [group] if font.getlength(group) <= width else group.split(" ")
    for word in words:
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]

