"""The class wall: every student's run as a tile (the lab's view as a small picture, nickname, iteration, loss,
data set, what they changed from the class's starting point, badges for what happened), sorted or filtered by a
metric, and the challenge's ranking. Pure functions of lab_session.Tile; the class tab gathers the tiles.

Tile pictures are JPEGs drawn by render.frame_image and cached by (run, iteration): a paused run costs nothing.
"""
from __future__ import annotations

import base64
import html
import io
import math
import re
from dataclasses import dataclass, fields

from toy2d.config import TrainConfig

from ..pictures import lab_view as render
from ..catalogue import CATALOGUE, t
from .classes import Challenge
from ..lab.session import Tile

SORTS = ("name", "modes", "js", "iteration", "challenge")
SHOWN = ("all", "covered", "collapsed", "diverged")
TILE_PX = 140  # drawn at this size: on a 1920×1080 wall 10 fit a row, 30 in three rows on one screen
BIG_PX = 640  # the projected run
COVERED_HQ = 0.9  # "all modes covered" highlight: every mode, at least this share of samples near one
JPEG_QUALITY = 80


@dataclass(frozen=True)
class Entry:
    """One student on the wall: an opaque id (never their page's key), their nickname, their run's tile."""

    id: str
    nickname: str
    tile: Tile | None  # None: the page has no run (closed, or the server freed it)


def covered(tile: Tile) -> bool:
    return bool(tile.modes_total) and tile.modes == tile.modes_total and (tile.hq or 0) >= COVERED_HQ


def met(tile: Tile | None, challenge: Challenge | None) -> int | None:
    """The iteration at which the tile's run met the challenge, None if it has not (or is on another data set)."""
    if tile is None or challenge is None or tile.config.data != challenge.data:
        return None
    return tile.met_at


def label(name: str, lang: str) -> str:
    """A setting's name as the lab's panel shows it."""
    return t(f"setting.{name}", lang) if f"setting.{name}" in CATALOGUE["en"] else name


def changes(config: TrainConfig, start: TrainConfig, lang: str) -> list[str]:
    """'label: value' for each setting that differs from the class's starting point (drawn points are 'drawn'); the
    seed is each student's own (Class.config_for), not a change."""
    out = []
    for f in fields(TrainConfig):
        value = getattr(config, f.name)
        if f.name == "seed" or value == getattr(start, f.name):
            continue
        name = label(f.name, lang)
        out.append(t("class.drawn", lang) if f.name == "points" else f"{name}: {value:g}"
                   if isinstance(value, float) else f"{name}: {value}")
    return out


def order(entries: list[Entry], sort: str, challenge: Challenge | None = None) -> list[Entry]:
    """Sorted for the wall: by nickname, modes covered (most first), JS (lowest first), iteration (most first),
    or the challenge (met first, by fewest iterations; then the rest by modes covered). Runs without numbers last."""
    def key(e: Entry):
        tl, name = e.tile, _natural(e.nickname)
        if sort == "name" or tl is None:
            return (tl is None, 0, name)
        if sort == "modes":
            return (tl.modes is None, -(tl.modes or 0), -(tl.hq or 0), name)
        if sort == "js":
            return (tl.js is None or not math.isfinite(tl.js), tl.js or 0, name)
        if sort == "iteration":
            return (False, -tl.iteration, name)
        done = met(tl, challenge)
        return (done is None, done if done is not None else -(tl.modes or 0), name)
    return sorted(entries, key=key)


def _natural(name: str) -> tuple:
    """'student 2' before 'student 10'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name.casefold()))


def keep(entries: list[Entry], shown: str) -> list[Entry]:
    test = {"all": lambda tl: True, "covered": covered, "collapsed": lambda tl: tl.collapsed,
            "diverged": lambda tl: tl.diverged}[shown]
    return [e for e in entries if shown == "all" or (e.tile is not None and test(e.tile))]


def picture(tile: Tile, size: int = TILE_PX) -> bytes:
    """The run's last view as a JPEG (layers without the iteration, which the tile writes beside it)."""
    img = render.frame_image(tile.view, tile.real, size=size, layers=("heatmap", "manifold", "real", "fake"))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


class TilePictures:
    """Tile JPEGs by entry id, drawn again only when the run or its iteration changed."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[tuple[int, int, int], str]] = {}

    def uri(self, entry: Entry, size: int = TILE_PX) -> str | None:
        tl = entry.tile
        if tl is None or tl.view is None:
            return None
        stamp = (tl.run, tl.iteration, size)
        kept = self._kept.get(entry.id)
        if kept is None or kept[0] != stamp:
            kept = (stamp, "data:image/jpeg;base64," + base64.b64encode(picture(tl, size)).decode())
            self._kept[entry.id] = kept
        return kept[1]

    def forget_all_but(self, ids: set[str]) -> None:
        self._kept = {k: v for k, v in self._kept.items() if k in ids}


def _number(v: float | None, fmt: str) -> str:
    return "–" if v is None or not math.isfinite(v) else format(v, fmt)


def badges(tile: Tile, challenge: Challenge | None, lang: str) -> list[tuple[str, str]]:
    """(css class, words) for what happened to the run: diverged, collapsed now, all modes covered, goal met."""
    out = []
    if tile.diverged:
        out.append(("bad", t("class.badge.diverged", lang)))
    elif tile.collapsed:
        out.append(("warn", t("class.badge.collapsed", lang)))
    if covered(tile):
        out.append(("good", t("class.badge.covered", lang)))
    done = met(tile, challenge)
    if done is not None:
        out.append(("goal", t("class.badge.met", lang, iteration=f"{done:,}")))
    return out


def tile_html(entry: Entry, uri: str | None, start: TrainConfig, challenge: Challenge | None, lang: str,
              rank: int | None = None) -> str:
    esc = html.escape
    tl = entry.tile
    head = f"<b>{esc(entry.nickname)}</b>" + (f" <span class='rank'>#{rank}</span>" if rank else "")
    if tl is None:
        return (f"<button class='gp-tile gone' data-id='{esc(entry.id)}'><div class='who'>{head}</div>"
                f"<div class='nums'>{esc(t('class.tile.gone', lang))}</div></button>")
    marks = badges(tl, challenge, lang)
    image = (f"<img alt='' src='{uri}' width='{TILE_PX}' height='{TILE_PX}'>" if uri else
             f"<div class='wait'>{esc(t('class.tile.waiting', lang))}</div>")
    modes = "" if not tl.modes_total else t("class.tile.modes", lang, modes=tl.modes if tl.modes is not None else "–",
                                            total=tl.modes_total)
    if tl.view is None:  # the page has not drawn a frame yet: nothing to show but that
        return (f"<button class='gp-tile' data-id='{esc(entry.id)}'><div class='who'>{head}</div>{image}"
                f"<div class='data'>{esc(t('class.tile.data', lang, data=tl.config.data))}</div></button>")
    nums = " · ".join(x for x in (t("class.tile.iteration", lang, n=f"{tl.iteration:,}"),
                                  f"D {_number(tl.d_loss, '.3f')} G {_number(tl.g_loss, '.3f')}", modes,
                                  f"JS {_number(tl.js, '.2f')}") if x)
    diff = changes(tl.config, start, lang)
    css = " ".join(["gp-tile"] + [c for c, _ in marks])
    return (f"<button class='{css}' data-id='{esc(entry.id)}' title='{esc(t('class.tile.project', lang))}'>"
            f"<div class='who'>{head}</div>{image}"
            f"<div class='nums'>{esc(nums)}</div>"
            f"<div class='data'>{esc(t('class.tile.data', lang, data=tl.config.data))}</div>"
            + (f"<div class='diff'>{esc('; '.join(diff))}</div>" if diff else "")
            + "".join(f"<span class='badge {c}'>{esc(w)}</span>" for c, w in marks)
            + "</button>")


def wall_html(entries: list[Entry], pictures: TilePictures, start: TrainConfig, sort: str, shown: str,
              challenge: Challenge | None, lang: str) -> str:
    """The whole wall: a line with the counts, then the tiles in order (ranked when sorted by the challenge)."""
    ordered = keep(order(entries, sort, challenge), shown)
    pictures.forget_all_but({e.id for e in entries})
    live = [e for e in entries if e.tile is not None]
    counts = t("class.wall.counts", lang, students=len(entries), covered=sum(covered(e.tile) for e in live),
               collapsed=sum(e.tile.collapsed for e in live), diverged=sum(e.tile.diverged for e in live))
    tiles = []
    for i, e in enumerate(ordered):
        rank = i + 1 if sort == "challenge" and met(e.tile, challenge) is not None else None
        tiles.append(tile_html(e, pictures.uri(e), start, challenge, lang, rank))
    empty = "" if ordered else f"<p class='empty'>{html.escape(t('class.wall.empty', lang))}</p>"
    return (f"<p class='counts'>{html.escape(counts)}</p><div class='gp-wall' data-sort='{html.escape(sort)}'>"
            f"{''.join(tiles)}</div>{empty}")


def project_html(entry: Entry, pictures: TilePictures, lang: str) -> str:
    """The projected run, big, with its key numbers: refreshed a few times a second, so nothing else (the settings
    are settings_html, sent once when the run is picked)."""
    esc = html.escape
    tl = entry.tile
    if tl is None:
        return f"<p>{esc(t('class.tile.gone', lang))}</p>"
    uri = pictures.uri(Entry(entry.id + ":big", entry.nickname, tl), BIG_PX)
    image = f"<img alt='' src='{uri}' width='{BIG_PX}' height='{BIG_PX}'>" if uri else ""
    nums = [t("class.tile.iteration", lang, n=f"{tl.iteration:,}")]
    if tl.modes_total:
        nums.append(t("class.tile.modes", lang, modes=tl.modes if tl.modes is not None else "–", total=tl.modes_total))
    if tl.hq is not None:
        nums.append(f"HQ {100 * tl.hq:.0f} %")
    if tl.js is not None and math.isfinite(tl.js):
        nums.append(f"JS {tl.js:.2f}")
    return (f"<div class='gp-projected'><h2>{esc(entry.nickname)}</h2><p class='gp-nums'>{esc(' · '.join(nums))}</p>"
            f"{image}</div>")


def settings_html(entry: Entry, lang: str) -> str:
    """Every setting of the projected run (read-only: it is the student's run), folded: shown on demand."""
    esc = html.escape
    tl = entry.tile
    if tl is None:
        return ""
    rows = "".join(f"<tr><th>{esc(label(f.name, lang))}</th><td>{esc(str(getattr(tl.config, f.name)))}</td></tr>"
                   for f in fields(TrainConfig) if f.name != "points")
    return (f"<details class='gp-settings-fold'><summary>{esc(t('class.settings', lang))}</summary>"
            f"<table class='gp-settings'>{rows}</table></details>")
