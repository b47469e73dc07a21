"""The pictures of "draw together": the GAN's samples, each beside its nearest doodle in the pool, with the losses
and how close the samples are; the 28×28 a student's doodle became; and the pool's mosaic (HTML, so a teacher can
click a doodle away). Drawn with Pillow and sent as one JPEG per change, like the digit GANs tab's frames.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import threading
from typing import Protocol

import numpy as np
from PIL import Image, ImageDraw

from models.doodles.live import COPY
from playground.pictures import digits as digit_frames
from playground.pictures import fonts
from playground.catalogue import t

CELL = 56  # on-screen pixels of one 28×28 sample (2×, nearest: the pixels the network made, not a smoothed guess)
GAP = 4
PAIR_GAP = 14
TEXT = 18


class Doodle(Protocol):
    """What a mosaic reads of a pool's doodle (playground/services/doodle_pool.py's)."""
    picture: np.ndarray  # (28, 28) uint8, ink 255
    word: int
    author: str
    id: str


class View(Protocol):
    """What the GAN's picture reads of a pool's GAN (playground/services/doodle_pool.py's ``View``)."""
    iteration: int
    history: list[dict]
    samples: np.ndarray  # (words, shown, 28, 28) in [0, 1]
    nearest: list[list[tuple[np.ndarray | None, float]]]
    words: list[str]
    counts: list[int]
    closeness: dict[str, float]
    augment: bool
    twin: "View | None"


INK, SOFT, NEAR_BG, COPY_RED = (40, 40, 40), (110, 110, 110), (214, 232, 250), (200, 30, 30)
TILE = 42  # px of a doodle in the mosaic


def _cell(picture: np.ndarray | None, size: int = CELL) -> Image.Image:
    """White ink on black, as the network sees it; an empty cell where there is no picture."""
    if picture is None:
        return Image.new("RGB", (size, size), (90, 90, 90))
    tile = (np.nan_to_num(picture) * 255).clip(0, 255).astype(np.uint8)
    return Image.fromarray(tile).resize((size, size), Image.NEAREST).convert("RGB")


def seen_picture(picture: np.ndarray, scale: int = 6) -> Image.Image:
    """"What the network sees": the 28×28 doodle, each pixel a scale×scale square."""
    return _cell(picture, picture.shape[0] * scale)


@functools.lru_cache(maxsize=4)
def before_play(lang: str = "en") -> Image.Image:
    """What the GAN's place shows on a page drawing alone before its first Play: what Play will do."""
    text = t("doodle.picture.before_play", lang)
    font = fonts.font_for(TEXT + 4, lang, [text])
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = int(probe.textlength(text, font=font)) + 48
    im = Image.new("RGB", (max(width, 480), 120), (246, 246, 246))
    ImageDraw.Draw(im).text((24, 45), text, fill=SOFT, font=font)
    return im


def gan_picture(view: View, lang: str = "en") -> Image.Image:
    """One row per word: each of the GAN's samples with its nearest doodle of that word on a blue ground (a red
    frame where the sample is a copy), then the loss chart and the closeness numbers. A compared pair: the two
    GANs' rows one above the other, each under its own numbers."""
    views = [view] if view.twin is None else [view, view.twin]
    words = [f"{w} ({n})" for w, n in zip(view.words, view.counts)]
    font = fonts.font_for(TEXT, lang, words)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left = int(12 + max(probe.textlength(w, font=font) for w in words))
    shown = view.samples.shape[1]
    pair_w = 2 * CELL + GAP + PAIR_GAP
    row_h, line_h = CELL + 2 * GAP, TEXT + 10
    block_h = line_h + len(words) * row_h
    chart = digit_frames.loss_chart(view.history, ["d", "g"], lang)
    width = max(left + shown * pair_w, chart.width + 400)
    head = line_h + 4
    im = Image.new("RGB", (width, head + len(views) * block_h + chart.height + 8), "white")
    draw = ImageDraw.Draw(im)
    draw.text((4, 4), t("doodle.picture.head", lang), fill=SOFT, font=font)
    for b, v in enumerate(views):
        top = head + b * block_h
        draw.text((4, top + 2), _numbers(v, lang), fill=INK, font=font)
        spacing = v.closeness.get("spacing", float("nan"))
        for r, word in enumerate(words):
            y = top + line_h + r * row_h
            draw.text((left - 8, y + CELL / 2), word, fill=INK, font=font, anchor="rm")
            for c in range(shown):
                x = left + c * pair_w
                im.paste(_cell(v.samples[r, c]), (x, y))
                near, dist = v.nearest[r][c]
                draw.rectangle((x + CELL, y - GAP, x + 2 * CELL + 2 * GAP, y + CELL + GAP - 1), fill=NEAR_BG)
                im.paste(_cell(near), (x + CELL + GAP, y))
                if near is not None and dist < COPY * spacing:
                    draw.rectangle((x - 2, y - 2, x + 2 * CELL + GAP + 1, y + CELL + 1), outline=COPY_RED, width=3)
    y = head + len(views) * block_h + 4
    im.paste(chart, (0, y))
    lines = [t("doodle.picture.iteration", lang, iteration=view.iteration)]
    if view.closeness:
        lines.append(t("doodle.picture.spacing", lang, spacing=f"{view.closeness['spacing']:.3f}"))
    for i, line in enumerate(lines):
        draw.text((chart.width + 12, y + 8 + i * line_h), line, fill=INK, font=font)
    return im


def _numbers(v: View, lang: str) -> str:
    """A GAN's line: augmentation on or off, how near its samples are, how many are copies."""
    said = t("doodle.picture.augment_on" if v.augment else "doodle.picture.augment_off", lang)
    if v.closeness:
        said += " · " + t("doodle.picture.nearest", lang, nearest=f"{v.closeness['nearest']:.3f}") + " · " + \
            t("doodle.picture.copies", lang, share=f"{v.closeness['copies']:.0%}")
    return said


_urls: dict[str, str] = {}  # doodle id → its picture as a data URL: a doodle never changes, so it is encoded once
_urls_lock = threading.Lock()
MOST_URLS = 20_000


def _data_url(doodle: Doodle) -> str:
    with _urls_lock:
        url = _urls.get(doodle.id)
    if url is None:
        out = io.BytesIO()
        Image.fromarray(255 - doodle.picture).save(out, "PNG", optimize=True)  # dark ink on paper, as drawn
        url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
        with _urls_lock:
            if len(_urls) >= MOST_URLS:
                _urls.clear()
            _urls[doodle.id] = url
    return url


TEACHER_MOST, STUDENT_MOST = 600, 120  # doodles a mosaic shows (the newest): a class's pages poll it every 2 s


def mosaic_html(every: list[Doodle], words: list[str], current: int, removable: bool, lang: str = "en",
                most: int = TEACHER_MOST) -> str:
    """Every doodle (the newest ``most`` of a bigger pool) as a small picture, grouped by word, with counts. With
    ``removable`` each is a button: a click (playground/tabs/doodles.py's script) asks to remove it."""
    parts = [f"<div class='dd-count'>{html.escape(t('doodle.pool.count', lang, n=len(every)))}</div>"]
    shown = every[-most:]
    if len(shown) < len(every):
        parts.append(f"<div class='dd-more'>{html.escape(t('doodle.pool.newest', lang, n=len(shown)))}</div>")
    for w, word in enumerate(words):
        mine = [d for d in shown if d.word == w]
        if not mine and w != current:
            continue
        title = t("doodle.pool.word", lang, word=word, n=sum(d.word == w for d in every))
        tiles = []
        for d in mine:
            who = html.escape(d.author or "", quote=True)
            tag = "button" if removable else "span"
            tiles.append(f"<{tag} class='dd-tile' data-id='{html.escape(d.id, quote=True)}' title='{who}'>"
                         f"<img src='{_data_url(d)}' width='{TILE}' height='{TILE}' alt='{who}'></{tag}>")
        parts.append(f"<div class='dd-word'>{html.escape(title)}</div><div class='dd-mosaic'>{''.join(tiles)}</div>")
    return "<div class='dd-pool'>" + "".join(parts) + "</div>"
