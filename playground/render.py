"""Draw recorded frames of the layered view as pictures (for the GIF export), with Pillow: no browser needed."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .payload import decode

# the page's diverging colours (static/lab2d.js): magenta "fake" → white → green "real"
_STOPS = np.array([[142, 1, 82], [222, 119, 174], [253, 224, 239], [247, 247, 247], [230, 245, 208],
                   [127, 188, 65], [39, 100, 25]], dtype=np.float64)
LUT = np.stack([np.interp(np.linspace(0, len(_STOPS) - 1, 256), np.arange(len(_STOPS)), _STOPS[:, c])
                for c in range(3)], axis=1).astype(np.uint8)
REAL, FAKE = (27, 120, 55), (118, 42, 131)


def frame_image(frame: dict, real: np.ndarray, size: int = 420,
                layers: tuple[str, ...] = ("heatmap", "manifold", "real", "fake", "arrows")) -> Image.Image:
    """One recorded frame (payload.frame_arrays plus "iteration") as a size×size RGB picture."""
    x0, x1, y0, y1 = frame["box"]
    n = frame["heat_n"]
    to_px = lambda p: np.stack([(p[:, 0] - x0) / (x1 - x0) * size, (1 - (p[:, 1] - y0) / (y1 - y0)) * size], 1)  # noqa: E731
    if "heatmap" in layers:
        heat = decode(frame["heat"], np.uint8).reshape(n, n)[::-1]  # row 0 of the grid is the bottom
        img = Image.fromarray(LUT[heat]).resize((size, size), Image.BILINEAR)
        img = Image.blend(Image.new("RGB", (size, size), "white"), img, 0.75)
    else:
        img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    if "manifold" in layers:
        k, m = frame["manifold_k"], frame["manifold_m"]
        grid = to_px(decode(frame["manifold"]).reshape(-1, 2)).reshape(k, m, 2)
        lines = [grid[i] for i in range(k)] + ([grid[:, j] for j in range(m)] if m > 1 else [])
        for line in lines:
            draw.line([tuple(p) for p in line], fill=(90, 90, 90), width=1)
    dots = [("real", real, REAL), ("fake", decode(frame["fake"]).reshape(-1, 2), FAKE)]
    for name, pts, colour in dots:
        if name in layers:
            for x, y in to_px(pts):
                if -3 <= x <= size + 3 and -3 <= y <= size + 3:
                    draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=colour)
    if "arrows" in layers:
        fake = decode(frame["fake"]).reshape(-1, 2)
        start, end = to_px(fake[::2]), to_px(fake[::2] + decode(frame["arrows"]).reshape(-1, 2)[::2])
        for a, b in zip(start, end):
            draw.line((tuple(a), tuple(b)), fill=(0, 0, 0), width=1)
    draw.text((6, 4), f"iteration {frame.get('iteration', '?')}", fill=(0, 0, 0))
    return img


def save_gif(frames: list[dict], real: np.ndarray, path: str, fps: int = 10, progress=None) -> int:
    """Write the frames as an animated GIF; ``progress(i, n)`` is told how far it got. Returns the frame count."""
    if not frames:
        raise ValueError("nothing recorded yet: press Play first, then export")
    images = []
    for i, f in enumerate(frames):
        images.append(frame_image(f, real).convert("P", palette=Image.ADAPTIVE, colors=128))
        if progress is not None:
            progress(i + 1, len(frames))
    images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0,
                   optimize=False)
    return len(images)
