"""Reading any picture a user gives us into plain RGB uint8, or refusing it with a reason they can act on.

Phones write EXIF rotations, PNGs carry alpha or palettes, scanners write 16-bit or CMYK files, and a tiny file
can claim to be 20 000×20 000 pixels. The size is checked from the header before any pixel is decoded.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from toy2d import reasons

MAX_PIXELS = 40_000_000   # refuse before decoding: a 40-megapixel photo is the largest real input we expect
MIN_SIDE = 32


# What a reader is told about a picture (refused, or changed on the way), in English; the UI's catalogue has them
# as image.<kind> (toy2d/reasons.py).
SAYINGS = {
    "none": "no picture given",
    "array": "an array of shape {shape} is not a picture",
    "bomb": "the picture claims far more than {most} MP (a decompression bomb?): scale it down first",
    "unreadable": "the file{name} is not a picture this app can read (PNG, JPEG, WebP, GIF, BMP or TIFF): {error}",
    "too_big": "the picture is {w}×{h} pixels ({mp} MP); at most {most} MP is accepted: scale it down first",
    "corrupt": "the picture could not be decoded (truncated or corrupt?): {error}",
    "too_small": "the picture is only {w}×{h} pixels; at least {least} on each side is needed",
    "rotated": "rotated upright from its EXIF orientation",
    "scaled": "scaled from {w}×{h} to {to_w}×{to_h} (long side at most {most} px)",
}
reasons.TABLES["image"] = SAYINGS


class ImageRejected(reasons.Refused):
    """The input cannot be used; the message says why and what would work."""

    def __init__(self, kind: str, **fields: object) -> None:
        super().__init__(kind, "image", **fields)


def _note(kind: str, **fields: object) -> reasons.Reason:
    return reasons.reason(kind, "image", **fields)


def _flatten(im: Image.Image) -> Image.Image:
    """Any mode → RGB: transparency onto white, 16/32-bit grey scaled to 8 bits, palettes and CMYK converted."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        top = 65535.0 if im.mode.startswith("I;16") or a.max() > 255 else 255.0
        return Image.fromarray(np.clip(a / top * 255 + 0.5, 0, 255).astype(np.uint8)).convert("RGB")
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def read(source: str | Path | bytes | Image.Image | np.ndarray, max_side: int,
         min_side: int = MIN_SIDE) -> tuple[np.ndarray, list[reasons.Reason]]:
    """(H, W, 3) uint8 and notes on what was changed (e.g. 'scaled from 4000×3000 to 1024×768')."""
    if source is None:
        raise ImageRejected("none")
    notes: list[reasons.Reason] = []
    if isinstance(source, np.ndarray):
        a = source
        if a.ndim == 2:
            a = np.stack([a] * 3, -1)
        if a.ndim != 3 or a.shape[2] not in (3, 4):
            raise ImageRejected("array", shape=str(a.shape))
        if a.dtype != np.uint8:
            a = np.clip(a * (255 if a.max() <= 1 else 1), 0, 255).astype(np.uint8)
        im = Image.fromarray(a)
    elif isinstance(source, Image.Image):
        im = source
    else:
        try:
            im = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        except Image.DecompressionBombError:
            raise ImageRejected("bomb", most=f"{MAX_PIXELS / 1e6:.0f}") from None
        except (UnidentifiedImageError, OSError, ValueError) as e:
            name = "" if isinstance(source, bytes) else f" ({Path(source).name})"
            raise ImageRejected("unreadable", name=name, error=type(e).__name__) from None
    w, h = im.size
    if w * h > MAX_PIXELS:
        raise ImageRejected("too_big", w=w, h=h, mp=f"{w * h / 1e6:.0f}", most=f"{MAX_PIXELS / 1e6:.0f}")
    try:
        im = ImageOps.exif_transpose(im)
        if im.size != (w, h):
            notes.append(_note("rotated"))
        rgb = _flatten(im)
    except (OSError, ValueError, SyntaxError) as e:
        raise ImageRejected("corrupt", error=str(e)) from None
    w, h = rgb.size
    if min(w, h) < min_side:
        raise ImageRejected("too_small", w=w, h=h, least=min_side)
    if max(w, h) > max_side:
        scale = max_side / max(w, h)
        size = (max(min_side, round(w * scale)), max(min_side, round(h * scale)))
        rgb = rgb.resize(size, Image.LANCZOS)
        notes.append(_note("scaled", w=w, h=h, to_w=size[0], to_h=size[1], most=max_side))
    return np.asarray(rgb, dtype=np.uint8).copy(), notes


def square(picture: np.ndarray, side: int) -> np.ndarray:
    """Centre square crop scaled to side × side: faces and sketches are square."""
    h, w = picture.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    return np.asarray(Image.fromarray(picture[top:top + s, left:left + s]).resize((side, side), Image.LANCZOS))
