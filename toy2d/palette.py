"""The 2D view's colours, one table for every painter: the page (playground/static/lab2d.js keeps the same
numbers), the Pillow pictures (playground/pictures/lab_view.py) and the notebook's Plotly figures (toy2d/figure.py)."""
from __future__ import annotations

import numpy as np

# D's belief, diverging: magenta "fake" → white "cannot tell" → green "real" (PiYG-like)
STOPS = np.array([[142, 1, 82], [222, 119, 174], [253, 224, 239], [247, 247, 247], [230, 245, 208],
                  [127, 188, 65], [39, 100, 25]], dtype=np.float64)
LUT = np.stack([np.interp(np.linspace(0, len(STOPS) - 1, 256), np.arange(len(STOPS)), STOPS[:, c])
                for c in range(3)], axis=1).astype(np.uint8)
REAL, FAKE = (27, 120, 55), (118, 42, 131)


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % tuple(int(v) for v in rgb)


def plotly_scale() -> list[list]:
    """STOPS as a Plotly colorscale."""
    return [[i / (len(STOPS) - 1), f"rgb({int(r)},{int(g)},{int(b)})"] for i, (r, g, b) in enumerate(STOPS)]
