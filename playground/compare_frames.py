"""Pictures for the 2D experiments tab: runs side by side in one box, overlaid metric curves, mode timelines, and
the conditional GAN's per-class view. Drawn with Pillow and sent as one JPEG per frame (the fastest way Gradio
repaints here, see playground/digit_frames.py).
"""
from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from toy2d import probe
from toy2d.compare import LockStep, Track
from toy2d.conditional import ClassScore, ConditionalTrainer

from . import render
from .frame_protocol import ViewLayers

PANEL = 330
COND_PANEL = 440
CHART_W, CHART_H = 330, 150
INK = (40, 40, 40)
RUN_COLOURS = [(214, 39, 40), (31, 119, 180), (44, 160, 44), (148, 103, 189)]
GAN_LAYERS = ("heatmap", "manifold", "real", "fake", "arrows")
VAE_LAYERS = ("manifold", "real", "fake")  # a VAE has no discriminator: no heatmap, no arrows


@functools.lru_cache(maxsize=8)
def _font(size: int = 11) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def class_colours(k: int) -> np.ndarray:
    """k distinguishable colours (hues around the wheel, two lightness levels for many classes)."""
    hues = np.arange(k) / k
    light = np.where(np.arange(k) % 2 == 0, 0.45, 0.6) if k > 12 else np.full(k, 0.5)
    out = []
    for h, li in zip(hues, light):
        rgb = [max(0.0, min(1.0, abs(((h * 6 + s) % 6) - 3) - 1)) for s in (0, 4, 2)]
        out.append([int(255 * (li * 2 * c if li <= 0.5 else c + (1 - c) * (2 * li - 1))) for c in rgb])
    return np.array(out, dtype=np.uint8)


def shared_box(models: list, prev: probe.Box | None) -> probe.Box:
    """One box for runs drawn side by side: the real data and every run's fakes, kept still like the lab's."""
    real = models[0].pool[: probe.N_SHOWN].numpy()
    fakes = np.concatenate([probe.fixed_fakes(m).numpy() for m in models])
    return probe.fit_view(real, fakes, prev)


def _view(f: probe.Frame) -> ViewLayers:
    """A frame's layers with its own longest arrow as the reference (a picture has no history to keep)."""
    return ViewLayers.of(f, float(np.nanmax(f.arrow_norm)) if np.isfinite(f.arrow_norm).any() else 0.0)


def panel(model, box: probe.Box, title: str, colour: tuple[int, int, int]) -> Image.Image:
    """One run drawn in ``box``: the 2D lab's layers for a GAN, samples and decoder manifold for a VAE."""
    real = model.pool[: probe.N_SHOWN].numpy()
    if hasattr(model, "d"):
        view = _view(probe.frame(model, box=box))
        img = render.frame_image(view, real, PANEL, GAN_LAYERS, iteration=model.iteration)
    else:
        mani, _ = probe.manifold(model)
        view = ViewLayers.samples(box, model.sample(probe.N_SHOWN, seed=probe.FAKE_SEED), mani)
        img = render.frame_image(view, real, PANEL, VAE_LAYERS, iteration=model.iteration)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, PANEL - 20, PANEL, PANEL), fill=colour)
    draw.text((6, PANEL - 17), title, fill="white", font=_font(12))
    if model.diverged:
        draw.rectangle((0, 20, PANEL, 52), fill=(255, 235, 200))
        draw.text((6, 24), "diverged: training stopped", fill=(160, 60, 0), font=_font(12))
        draw.text((6, 38), model.diverged.reason[:52], fill=(160, 60, 0), font=_font(10))
    return img


def line_chart(series: list[tuple[str, tuple[int, int, int], list[float], list[float], int]], title: str,
               y_range: tuple[float, float] | None = None, hlines: list[tuple[float, tuple[int, int, int]]] = (),
               size: tuple[int, int] = (CHART_W, CHART_H)) -> Image.Image:
    """Lines (label, colour, xs, ys, width) on shared axes; None/NaN/inf points are gaps."""
    w, h = size
    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    font = _font(10)
    draw.text((4, 2), title, fill=INK, font=font)
    left, right, top, bottom = 34, w - 6, 30, h - 16
    x = 4
    for label, colour, *_ in series:  # the legend: one row under the title
        draw.text((x, 14), label, fill=colour, font=font)
        x += draw.textlength(label, font=font) + 10
    xs_all = [x for _, _, xs, _, _ in series for x in xs]
    ys_all = [y for _, _, _, ys, _ in series for y in ys if y is not None and math.isfinite(y)]
    ys_all += [y for y, _ in hlines]
    if not xs_all or not ys_all:
        draw.text((left, h / 2), "measuring…", fill=INK, font=font)
        return im
    x0, x1 = min(xs_all), max(xs_all)
    x1 = x1 if x1 > x0 else x0 + 1
    y0, y1 = y_range or (min(ys_all), max(ys_all))
    y1 = y1 if y1 > y0 else y0 + 1
    px = lambda x: left + (x - x0) / (x1 - x0) * (right - left)  # noqa: E731
    py = lambda y: bottom - (min(max(y, y0), y1) - y0) / (y1 - y0) * (bottom - top)  # noqa: E731
    draw.line((left, bottom, right, bottom), fill=(180, 180, 180))
    for y, colour in hlines:
        for x in range(left, right, 6):
            draw.line((x, py(y), x + 3, py(y)), fill=colour)
    for label, colour, xs, ys, width in series:
        run: list[tuple[float, float]] = []
        for x, y in list(zip(xs, ys)) + [(None, None)]:
            if y is None or not math.isfinite(y):
                if len(run) >= 2:
                    draw.line(run, fill=colour, width=width)
                elif len(run) == 1:
                    draw.ellipse((run[0][0] - 1, run[0][1] - 1, run[0][0] + 1, run[0][1] + 1), fill=colour)
                run = []
            else:
                run.append((px(x), py(y)))
    draw.text((2, top - 2), f"{y1:.3g}", fill=INK, font=font)
    draw.text((2, bottom - 9), f"{y0:.3g}", fill=INK, font=font)
    draw.text((right, bottom + 2), f"iteration {x1:.0f}", fill=INK, font=font, anchor="ra")
    return im


def timeline(track: Track, colour: tuple[int, int, int], width: int = CHART_W, last: int = 120) -> Image.Image:
    """Modes (rows) × the last measurements (columns), filled where the mode was covered: hopping shows as a
    staircase, collapse as a single row."""
    total = track.mode_history.total
    its, grid = track.mode_history.timeline(last)
    row_h = max(2, min(8, 96 // total))
    im = Image.new("RGB", (width, total * row_h + 16), "white")
    draw = ImageDraw.Draw(im)
    draw.text((4, 1), f"{track.name}: modes covered per measurement (newest right)", fill=INK, font=_font(10))
    if len(its):
        cell = (width - 8) / last
        x_start = width - 4 - cell * len(its)
        for t in range(len(its)):
            for m in np.flatnonzero(grid[t]):
                x = x_start + t * cell
                draw.rectangle((x, 14 + m * row_h, x + max(1.0, cell - 0.5), 14 + (m + 1) * row_h - 1), fill=colour)
    return im


def _series(tracks: list[Track], key: str, width: int = 2, suffix: str = "") -> list:
    return [(f"{t.name}{suffix}", RUN_COLOURS[i % len(RUN_COLOURS)], [r["iteration"] for r in t.rows],
             [r[key] for r in t.rows], width) for i, t in enumerate(tracks)]


def _pale(c: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(int(v + (255 - v) * 0.6) for v in c)


def compare_picture(lock: LockStep, box: probe.Box, titles: list[str]) -> Image.Image:
    """The runs side by side, then JS (with its real-vs-real floor), then modes now / in the window, then each
    run's mode timeline (data sets with modes only)."""
    panels = [panel(t.model, box, title, RUN_COLOURS[i % len(RUN_COLOURS)])
              for i, (t, title) in enumerate(zip(lock.tracks, titles))]
    rows: list[Image.Image] = [_hstack(panels)]
    js = line_chart(_series(lock.tracks, "js"), "JS divergence to the data (bits; dotted: real vs real)",
                    hlines=[(lock.reference.js_floor_bits, (120, 120, 120))], y_range=(0.0, 1.0))
    charts = [js]
    if lock.dist.mixture is not None:
        total = len(lock.dist.mixture.centres)
        window = lock.tracks[0].mode_history.window
        series = [(name, _pale(c), xs, ys, 5) for name, c, xs, ys, _ in
                  _series(lock.tracks, "modes_recent", suffix=f" in last {window} it.")]
        series += _series(lock.tracks, "modes_now", suffix=" now")
        charts.append(line_chart(series, "modes covered now, and at any time in the window (pale)",
                                 y_range=(0, total)))
        rows.append(_hstack(charts))
        rows.append(_hstack([timeline(t, RUN_COLOURS[i % len(RUN_COLOURS)]) for i, t in enumerate(lock.tracks)]))
    else:
        charts.append(line_chart(_series(lock.tracks, "kl"), "KL(real ‖ model) (bits)"))
        rows.append(_hstack(charts))
    return _vstack(rows)


def conditional_picture(trainer: ConditionalTrainer, label: int, box: probe.Box,
                        scores: list[ClassScore]) -> Image.Image:
    """Left: the asked class's D heatmap, manifold and arrows, with every class's samples in its colour and the
    real data coloured by class. Right: per-class accuracy bars and the losses."""
    colours = class_colours(trainer.classes)
    view = trainer.for_class(label)
    real_all = trainer.pool[: 2 * probe.N_SHOWN].numpy()
    img = render.frame_image(_view(probe.frame(view, box=box)), real_all, COND_PANEL,
                             ("heatmap", "manifold", "arrows"), iteration=trainer.iteration)
    size = img.width
    draw = ImageDraw.Draw(img)
    x0, x1, y0, y1 = box
    to_px = lambda p: np.stack([(p[:, 0] - x0) / (x1 - x0) * size, (1 - (p[:, 1] - y0) / (y1 - y0)) * size], 1)  # noqa: E731
    labels = trainer.pool_labels[: 2 * probe.N_SHOWN].numpy()
    for (x, y), c in zip(to_px(real_all), labels):
        draw.rectangle((x - 1, y - 1, x + 1, y + 1), fill=tuple(int(v) for v in _pale(tuple(colours[c]))))
    for c in range(trainer.classes):
        pts = to_px(trainer.sample(60, seed=2000 + c, label=c))
        r = 3 if c == label else 2
        for x, y in pts:
            if -5 <= x <= size + 5 and -5 <= y <= size + 5:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in colours[c]),
                             outline="black" if c == label else None)
    cx, cy = to_px(trainer.mixture.centres[label:label + 1])[0]
    draw.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), outline="black", width=2)
    draw.text((6, size - 18), f"class {label}: G(z, {label}) in black-ringed dots, its manifold and D(x, {label})",
              fill=INK, font=_font(12))
    bars = class_bars(scores, colours, label)
    losses = line_chart([("D loss", (33, 102, 172), [h[0] for h in trainer.history[-600:]],
                          [h[1] for h in trainer.history[-600:]], 1),
                         ("G loss", (178, 24, 43), [h[0] for h in trainer.history[-600:]],
                          [h[2] for h in trainer.history[-600:]], 1)], "losses (last 600 iterations)")
    return _hstack([img, _vstack([bars, losses])])


def class_bars(scores: list[ClassScore], colours: np.ndarray, label: int) -> Image.Image:
    """Per class: the share of G(z, class) on its own mode (bar) and on any mode (tick)."""
    im = Image.new("RGB", (CHART_W, 220), "white")
    draw = ImageDraw.Draw(im)
    font = _font(10)
    draw.text((4, 2), "per class: share of G(z, class) on its mode (bar), on any mode (tick)", fill=INK, font=font)
    if not scores:
        draw.text((30, 100), "measuring…", fill=INK, font=font)
        return im
    k = len(scores)
    base, height, bar_w = 200, 170, (CHART_W - 34) / k
    for s in scores:
        x = 30 + s.label * bar_w
        fill = tuple(int(v) for v in colours[s.label])
        draw.rectangle((x + 1, base - s.on_mode * height, x + bar_w - 1, base), fill=fill,
                       outline="black" if s.label == label else None)
        y = base - s.high_quality * height
        draw.line((x, y, x + bar_w, y), fill=INK, width=2)
        if k <= 12 or s.label % 4 == 0:
            draw.text((x + bar_w / 2, base + 2), str(s.label), fill=INK, font=font, anchor="mt")
    for frac in (0.5, 1.0):
        draw.text((2, base - frac * height - 5), f"{frac:.0%}", fill=INK, font=font)
    return im


def _hstack(images: list[Image.Image]) -> Image.Image:
    w, h = sum(i.width for i in images) + 6 * (len(images) - 1), max(i.height for i in images)
    out = Image.new("RGB", (w, h), "white")
    x = 0
    for i in images:
        out.paste(i, (x, 0))
        x += i.width + 6
    return out


def _vstack(images: list[Image.Image]) -> Image.Image:
    w, h = max(i.width for i in images), sum(i.height for i in images) + 6 * (len(images) - 1)
    out = Image.new("RGB", (w, h), "white")
    y = 0
    for i in images:
        out.paste(i, (0, y))
        y += i.height + 6
    return out
