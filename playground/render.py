"""Draw recorded frames of the layered view as pictures (for the GIF export), with Pillow: no browser needed."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from toy2d import probe

from .frame_protocol import ViewLayers
from .lab_session import Recording

# the page's diverging colours (static/lab2d.js): magenta "fake" → white → green "real"
_STOPS = np.array([[142, 1, 82], [222, 119, 174], [253, 224, 239], [247, 247, 247], [230, 245, 208],
                   [127, 188, 65], [39, 100, 25]], dtype=np.float64)
LUT = np.stack([np.interp(np.linspace(0, len(_STOPS) - 1, 256), np.arange(len(_STOPS)), _STOPS[:, c])
                for c in range(3)], axis=1).astype(np.uint8)
REAL, FAKE = (27, 120, 55), (118, 42, 131)
LAYERS = ("heatmap", "manifold", "real", "fake", "arrows")


def frame_image(view: ViewLayers, real: np.ndarray, size: int = 420, layers: tuple[str, ...] = LAYERS,
                iteration: int | None = None) -> Image.Image:
    """One view as a size×size RGB picture (the layers it has among ``layers``)."""
    x0, x1, y0, y1 = view.box
    to_px = lambda p: np.stack([(p[:, 0] - x0) / (x1 - x0) * size, (1 - (p[:, 1] - y0) / (y1 - y0)) * size], 1)  # noqa: E731
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
    for name, pts, colour in [("real", real, REAL), ("fake", view.fake, FAKE)]:
        if name in layers:
            for x, y in to_px(pts):
                if -3 <= x <= size + 3 and -3 <= y <= size + 3:
                    draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=colour)
    if "arrows" in layers and view.arrows is not None:
        tails = view.fake[::probe.ARROW_EVERY]
        start, end = to_px(tails), to_px(tails + view.arrows)
        for a, b in zip(start, end):
            draw.line((tuple(a), tuple(b)), fill=(0, 0, 0), width=1)
    if iteration is not None:
        draw.text((6, 4), f"iteration {iteration}", fill=(0, 0, 0))
    return img


def save_gif(recording: Recording, path: str, fps: int = 10, progress=None) -> int:
    """Write the recorded frames as an animated GIF; ``progress(i, n)`` is told how far it got. Returns the frame
    count."""
    frames = recording.frames
    if not frames:
        raise ValueError("nothing recorded yet: press Play first, then export")
    images = []
    for i, (iteration, view) in enumerate(frames):
        images.append(frame_image(view, recording.real, iteration=iteration)
                      .convert("P", palette=Image.ADAPTIVE, colors=128))
        if progress is not None:
            progress(i + 1, len(frames))
    images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0,
                   optimize=False)
    return len(images)
