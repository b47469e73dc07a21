"""A line chart as a picture: the one the 2D experiments' curves, the digit GANs' and the doodle GANs' losses share.
Sized for a projector like the pictures around it (TEXT px text)."""
from __future__ import annotations

import math

from PIL import Image, ImageDraw

from . import fonts
from ..catalogue import t

TEXT = 18
WIDTH = 420
INK = (40, 40, 40)
Colour = tuple[int, int, int]


def line_chart(series: list[tuple[str, Colour, list[float], list[float], int]], title: str,
               y_range: tuple[float, float] | None = None, hlines: list[tuple[float, Colour]] = (),
               size: tuple[int, int] = (WIDTH, 220), legend: list[tuple[str, Colour]] | None = None,
               lang: str = "en") -> Image.Image:
    """Lines (label, colour, xs, ys, width) on shared axes; None/NaN/inf points are gaps. ``legend``: the entries
    to name (default: every series)."""
    w, h = size
    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    f = fonts.font(TEXT, lang)
    draw.text((4, 2), title, fill=INK, font=f)
    x = 4
    for label, colour in legend if legend is not None else [(s[0], s[1]) for s in series]:
        draw.line((x, TEXT + 16, x + 16, TEXT + 16), fill=colour, width=4)
        draw.text((x + 20, TEXT + 6), label, fill=colour, font=f)
        x += 20 + draw.textlength(label, font=f) + 14
    xs_all = [x for _, _, xs, _, _ in series for x in xs]
    ys_all = [y for _, _, _, ys, _ in series for y in ys if y is not None and math.isfinite(y)]
    ys_all += [y for y, _ in hlines]
    top, bottom = 2 * TEXT + 20, h - TEXT - 8
    if not xs_all or not ys_all:
        draw.text((8, (top + bottom) / 2), t("picture.measuring", lang), fill=INK, font=f)
        return im
    x0, x1 = min(xs_all), max(xs_all)
    x1 = x1 if x1 > x0 else x0 + 1
    y0, y1 = y_range or (min(ys_all), max(ys_all))
    y1 = y1 if y1 > y0 else y0 + 1
    ticks = [f"{y1:.3g}", f"{y0:.3g}"]
    left, right = 8 + max(draw.textlength(tick, font=f) for tick in ticks), w - 8
    px = lambda x: left + (x - x0) / (x1 - x0) * (right - left)  # noqa: E731
    py = lambda y: bottom - (min(max(y, y0), y1) - y0) / (y1 - y0) * (bottom - top)  # noqa: E731
    draw.line((left, bottom, right, bottom), fill=(180, 180, 180))
    draw.line((left, top, left, bottom), fill=(180, 180, 180))
    for y, colour in hlines:
        for x in range(int(left), int(right), 8):
            draw.line((x, py(y), x + 4, py(y)), fill=colour, width=2)
    for label, colour, xs, ys, width in series:
        run: list[tuple[float, float]] = []
        for x, y in list(zip(xs, ys)) + [(None, None)]:
            if y is None or not math.isfinite(y):
                if len(run) >= 2:
                    draw.line(run, fill=colour, width=width)
                elif len(run) == 1:
                    draw.ellipse((run[0][0] - 2, run[0][1] - 2, run[0][0] + 2, run[0][1] + 2), fill=colour)
                run = []
            else:
                run.append((px(x), py(y)))
    draw.text((left - 4, top), ticks[0], fill=INK, font=f, anchor="rm")
    draw.text((left - 4, bottom), ticks[1], fill=INK, font=f, anchor="rm")
    draw.text((left, bottom + 3), f"{x0:.0f}", fill=INK, font=f, anchor="la")
    draw.text((right, bottom + 3), t("picture.iteration", lang, n=f"{x1:.0f}"), fill=INK, font=f, anchor="ra")
    return im
