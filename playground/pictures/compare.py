"""Pictures for the 2D experiments tab: runs side by side in one box, overlaid metric curves, mode timelines, and
the conditional GAN's per-class view. Drawn with Pillow and sent as one JPEG per frame (the fastest way Gradio
repaints here, see playground/pictures/digits.py).

Sized for a projector: every text is TEXT px in a picture about as wide as the tab is on a 1920-px screen, so it is
shown at TEXT px there and at ~¾ of it on a 1366-px laptop. A live frame pays only for what moves: each panel's
background (D's heatmap, G's manifold, the real samples) is redrawn a few times a second (HEAVY_EVERY_S) and a chart
only when a measurement is added (Sketchbook); the fakes and their arrows are painted every frame.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from toy2d import probe
from toy2d.compare import LockStep, Lane
from toy2d.conditional import ClassScore, ConditionalTrainer

from . import fonts
from . import lab_view as render
from .chart import line_chart
from ..catalogue import in_lang, t
from ..lab.protocol import ViewLayers

TEXT = 18  # px: every text in these pictures
PANEL = 440  # a run's square view in the A/B and VAE pictures
COND_PANEL = 560  # the conditional GAN's view
COLUMN_W = 420  # the charts beside the views
GAP = 6
HEAVY_EVERY_S = 0.25  # a panel's heatmap, manifold and real samples at most this often
INK = (40, 40, 40)
RUN_COLOURS = [(214, 39, 40), (31, 119, 180), (44, 160, 44), (148, 103, 189)]
GAN_LAYERS = ("heatmap", "manifold", "real", "fake", "arrows")
VAE_LAYERS = ("manifold", "real", "fake")  # a VAE has no discriminator: no heatmap, no arrows
TIMELINE_TOP = TEXT + 12  # the timeline's rows start under its title (Noto Sans KR sits lower than Pillow's font)


def font(size: int = TEXT, lang: str = "en") -> ImageFont.ImageFont:
    return fonts.font(size, lang)


def wrap(text: str, width: float, size: int = TEXT, lang: str = "en") -> list[str]:
    """``text`` in lines no wider than ``width`` px (a word longer than that gets a line of its own)."""
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength
    lines: list[str] = []
    for word in text.split():
        if lines and measure(lines[-1] + " " + word, font=font(size, lang)) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# ---- what a live picture keeps between frames ----------------------------------------------------------------------
@dataclass
class PanelCache:
    """One run's slow layers: the probe frame they came from (probe.frame reuses its heatmap and manifold), or the
    VAE's manifold, and the background drawn from them."""
    frame: probe.Frame | None = None
    manifold: np.ndarray | None = None
    box: probe.Box | None = None
    background: Image.Image | None = None
    at: float = -math.inf

    def fresh(self, box: probe.Box, now: float) -> bool:
        return self.background is not None and self.box == box and now - self.at < HEAVY_EVERY_S


@dataclass
class Sketchbook:
    """A page's drawing state for one live picture: each panel's slow layers and each chart as last drawn, with
    the key it was drawn for (a chart is drawn again only when its key changes)."""
    panels: dict[str, PanelCache] = field(default_factory=dict)
    charts: dict[str, tuple[Any, Image.Image]] = field(default_factory=dict)

    def panel(self, name: str) -> PanelCache:
        return self.panels.setdefault(name, PanelCache())

    def chart(self, name: str, key: Any, draw: Callable[[], Image.Image]) -> Image.Image:
        kept = self.charts.get(name)
        if kept is None or kept[0] != key:
            kept = self.charts[name] = (key, draw())
        return kept[1]


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


def _layers(model, box: probe.Box, cache: PanelCache, real: np.ndarray, size: int,
            layers: tuple[str, ...]) -> ViewLayers:
    """The model's view in ``box``; its slow layers (and ``cache.background``) kept from the cache while fresh."""
    now = time.perf_counter()
    fresh = cache.fresh(box, now)
    if hasattr(model, "d"):
        f = probe.frame(model, box=box, layers=cache.frame if fresh else None)
        cache.frame = cache.frame if fresh else f
        view = _view(f)
    else:
        if not fresh:
            cache.manifold = probe.manifold(model)[0]
        view = ViewLayers.samples(box, model.sample(probe.N_SHOWN, seed=probe.FAKE_SEED), cache.manifold)
    if not fresh:
        cache.background, cache.box, cache.at = render.background(view, real, size, layers), box, now
    return view


def panel(model, box: probe.Box, title: str, colour: tuple[int, int, int],
          cache: PanelCache | None = None, band_lines: int = 1, lang: str = "en") -> Image.Image:
    """One run drawn in ``box``: the 2D lab's layers for a GAN, samples and decoder manifold for a VAE; its title
    in a band of its colour below, at least ``band_lines`` lines tall (panels side by side keep one height)."""
    cache = cache or PanelCache()
    real = model.pool[: probe.N_SHOWN].numpy()
    layers = GAN_LAYERS if hasattr(model, "d") else VAE_LAYERS
    view = _layers(model, box, cache, real, PANEL, layers)
    lines = wrap(title, PANEL - 12, lang=lang)
    band = max(band_lines, len(lines)) * (TEXT + 4) + 6
    f = font(TEXT, lang)
    img = Image.new("RGB", (PANEL, PANEL + band), colour)
    square = cache.background.copy()
    render.foreground(square, view, PANEL, layers, iteration=model.iteration, font=f, lang=lang)
    img.paste(square, (0, 0))
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((6, PANEL + 3 + i * (TEXT + 4)), line, fill="white", font=f)
    if model.diverged:
        notice = [t("picture.diverged", lang), *wrap(in_lang(model.diverged.why, lang), PANEL - 12, lang=lang)[:2]]
        draw.rectangle((0, TEXT + 10, PANEL, TEXT + 16 + len(notice) * (TEXT + 4)), fill=(255, 235, 200))
        for i, line in enumerate(notice):
            draw.text((6, TEXT + 13 + i * (TEXT + 4)), line, fill=(160, 60, 0), font=f)
    return img


def timeline_row_h(total: int) -> int:
    return max(3, min(10, 110 // total))


def timeline(track: Lane, colour: tuple[int, int, int], width: int = PANEL, last: int = 120,
             lang: str = "en") -> Image.Image:
    """Modes (rows) × the last measurements (columns), filled where the mode was covered: hopping shows as a
    staircase, collapse as a single row."""
    total = track.mode_history.total
    its, grid = track.mode_history.timeline(last)
    row_h = timeline_row_h(total)
    im = Image.new("RGB", (width, TIMELINE_TOP + total * row_h + 2), "white")
    draw = ImageDraw.Draw(im)
    draw.text((4, 2), t("picture.timeline", lang, name=track.name), fill=INK, font=font(TEXT, lang))
    draw.rectangle((2, TIMELINE_TOP - 1, width - 3, TIMELINE_TOP + total * row_h), outline=(200, 200, 200))
    if len(its):
        cell = (width - 8) / last
        x_start = width - 4 - cell * len(its)
        for k in range(len(its)):
            for m in np.flatnonzero(grid[k]):
                x = x_start + k * cell
                draw.rectangle((x, TIMELINE_TOP + m * row_h, x + max(1.0, cell - 0.5),
                                TIMELINE_TOP + (m + 1) * row_h - 1), fill=colour)
    return im


def _series(lanes: list[Lane], key: str, width: int = 3) -> list:
    return [(t.name, RUN_COLOURS[i % len(RUN_COLOURS)], [r["iteration"] for r in t.rows],
             [r[key] for r in t.rows], width) for i, t in enumerate(lanes)]


def _pale(c: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(int(v + (255 - v) * 0.6) for v in c)


def compare_picture(lock: LockStep, box: probe.Box, titles: list[str], book: Sketchbook | None = None,
                    lang: str = "en") -> Image.Image:
    """The runs side by side, each with its mode timeline under it (data sets with modes); beside them JS (with
    its real-vs-real floor) and modes covered now / in the window, or KL for data sets without modes."""
    book = book or Sketchbook()
    columns = []
    band_lines = max(len(wrap(title, PANEL - 12, lang=lang)) for title in titles)
    for i, (tr, title) in enumerate(zip(lock.lanes, titles)):
        colour = RUN_COLOURS[i % len(RUN_COLOURS)]
        parts = [panel(tr.model, box, title, colour, book.panel(tr.name), band_lines, lang)]
        if tr.mode_history is not None:
            key = (tr.name, len(tr.rows), tr.rows[-1]["iteration"] if tr.rows else None, lang)
            parts.append(book.chart(f"timeline {tr.name}", key, lambda tr=tr, c=colour: timeline(tr, c, lang=lang)))
        columns.append(_vstack(parts))
    key = (lang, *((len(tr.rows), tr.rows[-1]["iteration"] if tr.rows else None) for tr in lock.lanes))
    legend = [(tr.name, RUN_COLOURS[i % len(RUN_COLOURS)]) for i, tr in enumerate(lock.lanes)]
    charts = [book.chart("js", key, lambda: line_chart(
        _series(lock.lanes, "js"), t("picture.js", lang), hlines=[(lock.reference.js_floor_bits, (120, 120, 120))],
        y_range=(0.0, 1.0), legend=[*legend, (t("picture.floor", lang), (120, 120, 120))], lang=lang))]
    if lock.dist.mixture is not None:
        total, window = len(lock.dist.mixture.centres), lock.lanes[0].mode_history.window
        series = [(name, _pale(c), xs, ys, 7) for name, c, xs, ys, _ in _series(lock.lanes, "modes_recent")]
        series += _series(lock.lanes, "modes_now")
        charts.append(book.chart("modes", key, lambda: line_chart(
            series, t("picture.modes", lang, window=window), y_range=(0, total), legend=legend, lang=lang)))
    else:
        charts.append(book.chart("kl", key, lambda: line_chart(_series(lock.lanes, "kl"), t("picture.kl", lang),
                                                               legend=legend, lang=lang)))
    return _hstack([*columns, _vstack(charts)])


def conditional_picture(trainer: ConditionalTrainer, label: int, box: probe.Box,
                        scores: list[ClassScore], lang: str = "en") -> Image.Image:
    """Left: the asked class's D heatmap, manifold and arrows, with every class's samples in its colour and the
    real data coloured by class. Right: per-class accuracy bars and the losses."""
    colours = class_colours(trainer.classes)
    view = trainer.for_class(label)
    real_all = trainer.pool[: 2 * probe.N_SHOWN].numpy()
    img = render.frame_image(_view(probe.frame(view, box=box)), real_all, COND_PANEL,
                             ("heatmap", "manifold", "arrows"), iteration=trainer.iteration, font=font(TEXT, lang),
                             lang=lang)
    size = img.width
    draw = ImageDraw.Draw(img)
    x0, x1, y0, y1 = box
    to_px = lambda p: np.stack([(p[:, 0] - x0) / (x1 - x0) * size, (1 - (p[:, 1] - y0) / (y1 - y0)) * size], 1)  # noqa: E731
    labels = trainer.pool_labels[: 2 * probe.N_SHOWN].numpy()
    for (x, y), c in zip(to_px(real_all), labels):
        draw.rectangle((x - 1, y - 1, x + 1, y + 1), fill=tuple(int(v) for v in _pale(tuple(colours[c]))))
    for c in range(trainer.classes):
        pts = to_px(trainer.sample(60, seed=2000 + c, label=c))
        r = 4 if c == label else 3
        for x, y in pts:
            if -5 <= x <= size + 5 and -5 <= y <= size + 5:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in colours[c]),
                             outline="black" if c == label else None)
    cx, cy = to_px(trainer.mixture.centres[label:label + 1])[0]
    draw.ellipse((cx - 11, cy - 11, cx + 11, cy + 11), outline="black", width=3)
    draw.text((6, size - TEXT - 8), t("picture.cgan_caption", lang, label=label), fill=INK, font=font(TEXT, lang))
    bars = class_bars(scores, colours, label, lang)
    tail = trainer.history[-600:]
    losses = line_chart([(t("lab.d_loss", lang), (33, 102, 172), [h[0] for h in tail], [h[1] for h in tail], 2),
                         (t("lab.g_loss", lang), (178, 24, 43), [h[0] for h in tail], [h[2] for h in tail], 2)],
                        t("picture.cgan_losses", lang), size=(COLUMN_W + 20, COND_PANEL - 300 - GAP), lang=lang)
    return _hstack([img, _vstack([bars, losses])])


def class_bars(scores: list[ClassScore], colours: np.ndarray, label: int, lang: str = "en") -> Image.Image:
    """Per class: the share of G(z, class) on its mode (bar) and on any mode (tick)."""
    w, h = COLUMN_W + 20, 300
    im = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(im)
    f = font(TEXT, lang)
    draw.text((4, 2), t("picture.class_bars", lang), fill=INK, font=f)
    draw.text((4, TEXT + 6), t("picture.class_bars2", lang), fill=INK, font=f)
    if not scores:
        draw.text((50, h / 2), t("picture.measuring", lang), fill=INK, font=f)
        return im
    k = len(scores)
    left, base, height = 52, h - TEXT - 10, h - 3 * TEXT - 34
    bar_w = (w - left - 6) / k
    for s in scores:
        x = left + s.label * bar_w
        fill = tuple(int(v) for v in colours[s.label])
        draw.rectangle((x + 1, base - s.on_mode * height, x + bar_w - 1, base), fill=fill,
                       outline="black" if s.label == label else None, width=2 if s.label == label else 1)
        y = base - s.high_quality * height
        draw.line((x, y, x + bar_w, y), fill=INK, width=3)
        if k <= 12 or s.label % 5 == 0:
            draw.text((x + bar_w / 2, base + 3), str(s.label), fill=INK, font=f, anchor="ma")
    for frac in (0.5, 1.0):
        draw.text((left - 4, base - frac * height), f"{frac:.0%}", fill=INK, font=f, anchor="rm")
    return im


def _hstack(images: list[Image.Image]) -> Image.Image:
    w, h = sum(i.width for i in images) + GAP * (len(images) - 1), max(i.height for i in images)
    out = Image.new("RGB", (w, h), "white")
    x = 0
    for i in images:
        out.paste(i, (x, 0))
        x += i.width + GAP
    return out


def _vstack(images: list[Image.Image]) -> Image.Image:
    w, h = max(i.width for i in images), sum(i.height for i in images) + GAP * (len(images) - 1)
    out = Image.new("RGB", (w, h), "white")
    y = 0
    for i in images:
        out.paste(i, (0, y))
        y += i.height + GAP
    return out
