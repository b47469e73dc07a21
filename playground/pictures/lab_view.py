"""Draw recorded frames of the layered view as pictures (for the GIF export), with Pillow: no browser needed."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from toy2d import probe
from toy2d.palette import FAKE, LUT, REAL  # the view's colours, one table

from . import fonts
from ..catalogue import t
from ..lab.protocol import ViewLayers
from ..lab.session import Recording

LAYERS = ("heatmap", "manifold", "real", "fake", "arrows")


def frame_image(view: ViewLayers, real: np.ndarray, size: int = 420, layers: tuple[str, ...] = LAYERS,
                iteration: int | None = None, font: ImageFont.ImageFont | None = None,
                lang: str = "en") -> Image.Image:
    """One view as a size×size RGB picture (the layers it has among ``layers``), its text in ``lang``."""
    img = background(view, real, size, layers)
    foreground(img, view, size, layers, iteration, font, lang)
    return img


def _to_px(box: tuple[float, float, float, float], size: int):
    x0, x1, y0, y1 = box
    return lambda p: np.stack([(p[:, 0] - x0) / (x1 - x0) * size, (1 - (p[:, 1] - y0) / (y1 - y0)) * size], 1)


def background(view: ViewLayers, real: np.ndarray, size: int, layers: tuple[str, ...] = LAYERS) -> Image.Image:
    """What moves slowly: D's heatmap, G's manifold and the real samples. A live picture redraws it a few times a
    second and paints the fakes over a copy every frame (foreground)."""
    to_px = _to_px(view.box, size)
    if "heatmap" in layers and view.heat is not None:
        img = Image.fromarray(LUT[view.heat[::-1]]).resize((size, size), Image.BILINEAR)  # row 0 is the bottom
        img = Image.blend(Image.new("RGB", (size, size), "white"), img, 0.75)
    else:
        img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    if "manifold" in layers:
        k, m = view.manifold.shape[:2]
        grid = to_px(view.manifold.reshape(-1, 2)).reshape(k, m, 2)
        lines = [grid[i] for i in range(k)] + ([grid[:, j] for j in range(m)] if m > 1 else [])
        for line in lines:
            draw.line([tuple(p) for p in line], fill=(90, 90, 90), width=1)
    if "real" in layers:
        _dots(img, to_px(real), REAL, size)
    return img


def foreground(img: Image.Image, view: ViewLayers, size: int, layers: tuple[str, ...] = LAYERS,
               iteration: int | None = None, font: ImageFont.ImageFont | None = None, lang: str = "en") -> None:
    """What moves every frame, painted onto ``img``: the fake samples, their arrows, the iteration."""
    to_px = _to_px(view.box, size)
    if "fake" in layers:
        _dots(img, to_px(view.fake), FAKE, size)
    draw = ImageDraw.Draw(img)
    if "arrows" in layers and view.arrows is not None:
        tails = view.fake[::probe.ARROW_EVERY]
        start, end = to_px(tails), to_px(tails + view.arrows)
        for a, b in zip(start, end):
            draw.line((tuple(a), tuple(b)), fill=(0, 0, 0), width=1)
    if iteration is not None:
        draw.text((6, 4), t("picture.iteration", lang, n=iteration), fill=(0, 0, 0),
                  font=font or fonts.font(14, lang))


_DISC = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3) if dx * dx + dy * dy <= 5]  # a 5-px dot


def _dots(img: Image.Image, px: np.ndarray, colour: tuple[int, int, int], size: int) -> None:
    """5-px dots at ``px`` (an ellipse call per point cost ~2 ms a layer; this stamps them all at once)."""
    centres = np.rint(px[np.isfinite(px).all(axis=1)]).astype(np.int64)
    a = np.asarray(img).copy()
    for dx, dy in _DISC:
        x, y = centres[:, 0] + dx, centres[:, 1] + dy
        keep = (x >= 0) & (x < size) & (y >= 0) & (y < size)
        a[y[keep], x[keep]] = colour
    img.paste(Image.fromarray(a))


def save_gif(recording: Recording, path: str, fps: int = 10, progress=None, lang: str = "en") -> int:
    """Write the recorded frames as an animated GIF, its text in ``lang``; ``progress(i, n)`` is told how far it
    got. Returns the frame count."""
    frames = recording.frames
    if not frames:
        raise ValueError("nothing recorded yet: press Play first, then export")
    images = []
    for i, (iteration, view) in enumerate(frames):
        images.append(frame_image(view, recording.real, iteration=iteration, lang=lang)
                      .convert("P", palette=Image.ADAPTIVE, colors=128))
        if progress is not None:
            progress(i + 1, len(frames))
    images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0,
                   optimize=False)
    return len(images)
