"""Reading any picture a user gives us into plain RGB uint8, or refusing it with a reason they can act on.

Phones write EXIF rotations, PNGs carry alpha or palettes, scanners write 16-bit or CMYK files, and a tiny file
can claim to be 20 000×20 000 pixels. The size is checked from the header before any pixel is decoded.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000   # refuse before decoding: a 40-megapixel photo is the largest real input we expect
MIN_SIDE = 32


class ImageRejected(ValueError):
    """The input cannot be used; the message says why and what would work."""


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
         min_side: int = MIN_SIDE) -> tuple[np.ndarray, list[str]]:
    """(H, W, 3) uint8 and notes on what was changed (e.g. 'scaled from 4000×3000 to 1024×768')."""
    if source is None:
        raise ImageRejected("no picture given")
    notes: list[str] = []
    if isinstance(source, np.ndarray):
        a = source
        if a.ndim == 2:
            a = np.stack([a] * 3, -1)
        if a.ndim != 3 or a.shape[2] not in (3, 4):
            raise ImageRejected(f"an array of shape {a.shape} is not a picture")
        if a.dtype != np.uint8:
            a = np.clip(a * (255 if a.max() <= 1 else 1), 0, 255).astype(np.uint8)
        im = Image.fromarray(a)
    elif isinstance(source, Image.Image):
        im = source
    else:
        try:
            im = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        except Image.DecompressionBombError:
            raise ImageRejected(f"the picture claims far more than {MAX_PIXELS / 1e6:.0f} MP (a decompression bomb?): "
                                f"scale it down first") from None
        except (UnidentifiedImageError, OSError, ValueError) as e:
            name = "" if isinstance(source, bytes) else f" ({Path(source).name})"
            raise ImageRejected(f"the file{name} is not a picture this app can read (PNG, JPEG, WebP, GIF, "
                                f"BMP or TIFF): {type(e).__name__}") from None
    w, h = im.size
    if w * h > MAX_PIXELS:
        raise ImageRejected(f"the picture is {w}×{h} pixels ({w * h / 1e6:.0f} MP); at most {MAX_PIXELS / 1e6:.0f} "
                            f"MP is accepted: scale it down first")
    try:
        im = ImageOps.exif_transpose(im)
        if im.size != (w, h):
            notes.append("rotated upright from its EXIF orientation")
        rgb = _flatten(im)
    except (OSError, ValueError, SyntaxError) as e:
        raise ImageRejected(f"the picture could not be decoded (truncated or corrupt?): {e}") from None
    w, h = rgb.size
    if min(w, h) < min_side:
        raise ImageRejected(f"the picture is only {w}×{h} pixels; at least {min_side} on each side is needed")
    if max(w, h) > max_side:
        scale = max_side / max(w, h)
        size = (max(min_side, round(w * scale)), max(min_side, round(h * scale)))
        rgb = rgb.resize(size, Image.LANCZOS)
        notes.append(f"scaled from {w}×{h} to {size[0]}×{size[1]} (long side at most {max_side} px)")
    return np.asarray(rgb, dtype=np.uint8).copy(), notes
