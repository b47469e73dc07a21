"""One picture per frame of the digit GANs tab: the sample grid, the loss curves and the judge's class histogram.

Drawn with Pillow and sent as one JPEG (gr.Image(format="jpeg")): a JPEG image is the fastest way Gradio repaints,
several times faster than a Plotly figure per frame (ARCHITECTURE.md, "How the live picture was chosen").
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from models.digits.data import SIDE
from playground.pictures import fonts
from playground.pictures.chart import line_chart
from playground.catalogue import t

CELL = 2 * SIDE      # on-screen pixels per generated digit: exactly 2×, so every pixel stays square
GAP = 3
CHART_W, CHART_H = 440, 220
TEXT = 18            # px: every text, so the frame reads at ~18 px on a 1920-px screen (shown at natural size)
INK = (40, 40, 40)
COLOURS = {"d": (214, 39, 40), "g": (31, 119, 180), "cycle": (44, 160, 44), "identity": (148, 103, 189)}
CYCLE_ROWS = ("a", "G(a)", "F(G(a))", "b", "F(b)", "G(F(b))")


def grid_picture(grid: np.ndarray, row_labels: list[str], lang: str = "en") -> Image.Image:
    """(rows, cols, 28, 28) in [0, 1] → white-on-black digits with a label left of each row."""
    rows, cols = grid.shape[:2]
    font = fonts.font(TEXT, lang)
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left = 12 + max((draw.textlength(label, font=font) for label in row_labels), default=-12)
    left = int(left)
    im = Image.new("RGB", (left + cols * (CELL + GAP), rows * (CELL + GAP)), "white")
    draw = ImageDraw.Draw(im)
    for r in range(rows):
        for c in range(cols):
            tile = (np.nan_to_num(grid[r, c]) * 255).astype(np.uint8)  # a diverged run may hold NaN
            im.paste(Image.fromarray(tile).resize((CELL, CELL), Image.NEAREST).convert("RGB"),
                     (left + c * (CELL + GAP), r * (CELL + GAP)))
        if row_labels:
            draw.text((left - 6, r * (CELL + GAP) + CELL / 2), row_labels[r], fill=INK, font=font, anchor="rm")
    return im


def loss_chart(history: list[dict[str, float]], keys: list[str], lang: str = "en") -> Image.Image:
    """The last 500 iterations' losses, each named with its latest value."""
    tail = history[-500:]
    xs = [h.get("iteration", i) for i, h in enumerate(tail)]
    series = [(t(f"img.loss.{k}", lang), COLOURS.get(k, INK), xs, [h.get(k, math.nan) for h in tail], 2) for k in keys]
    legend = [(f"{label} {ys[-1]:.3g}", colour) for label, colour, _, ys, _ in series] if tail else None
    return line_chart(series, t("img.picture.losses", lang, n=500), size=(CHART_W, CHART_H), legend=legend, lang=lang)


def histogram_chart(metrics: dict | None, title: str, lang: str = "en") -> Image.Image:
    im = Image.new("RGB", (CHART_W, CHART_H), "white")
    draw = ImageDraw.Draw(im)
    font = fonts.font(TEXT, lang)
    for i, line in enumerate(title.split("\n")):
        draw.text((4, 2 + i * (TEXT + 4)), line, fill=INK, font=font)
    if not metrics:
        draw.text((4, 80), t("picture.measuring", lang), fill=INK, font=font)
        return im
    hist = metrics["histogram"]
    accuracy = metrics.get("accuracy_per_class")
    bar_w, base, height = (CHART_W - 40) / 10, CHART_H - TEXT - 8, CHART_H - 3 * TEXT - 34
    for c, share in enumerate(hist):
        x = 30 + c * bar_w
        draw.rectangle((x + 3, base - min(1.0, share / 0.3) * height, x + bar_w - 3, base), fill=(120, 120, 200))
        if accuracy is not None and accuracy[c] == accuracy[c]:  # not NaN
            y = base - accuracy[c] * height
            draw.line((x + 2, y, x + bar_w - 2, y), fill=(44, 160, 44), width=3)
        draw.text((x + bar_w / 2, base + 2), str(c), fill=INK, font=font, anchor="mt")
    draw.line((30, base - height / 3, CHART_W - 10, base - height / 3), fill=(200, 200, 200))  # the 10 % line
    return im


def frame(grid: np.ndarray, row_labels: list[str], history: list[dict[str, float]], keys: list[str],
          metrics: dict | None, caption: str, lang: str = "en") -> Image.Image:
    """The whole frame, its words in ``lang``."""
    left = grid_picture(grid, row_labels, lang)
    title = t("img.picture.judge", lang)
    if metrics and "accuracy" in metrics:
        title += "\n" + t("img.picture.accuracy", lang)
    right = [loss_chart(history, keys, lang), histogram_chart(metrics, title, lang)]
    height = max(left.height, sum(r.height for r in right)) + TEXT + 10
    im = Image.new("RGB", (left.width + CHART_W + 16, height), "white")
    im.paste(left, (0, 0))
    y = 0
    for r in right:
        im.paste(r, (left.width + 12, y))
        y += r.height
    ImageDraw.Draw(im).text((4, height - TEXT - 4), caption, fill=INK, font=fonts.font(TEXT, lang))
    return im
