"""A doodle as the network sees it: strokes read at 28×28 by one recipe, and the .npz file a class's doodles are
kept in.

The recipe (QuickDraw's idea: keep the strokes, not the pixels a pad happened to paint) is the same for every
doodle, whatever the pad's size or the pen a student chose: the strokes' bounding box is centred in the 28×28
square and scaled so its longer side is BOX (20) pixels, as MNIST fits its digits into 20×20; the strokes are then
drawn again with a PEN-pixel round pen at SUPER× the size and averaged down, so edges are anti-aliased. Ink is
1, paper 0.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from toy2d import reasons
from toy2d.reasons import Refused

SIDE = 28
BOX = 20.0  # the longer side of a doodle's bounding box, in pixels of SIDE
PEN = 2.5  # the pen's width in pixels of SIDE
SUPER = 4  # drawn at SUPER × SIDE, then averaged down
MAX_STROKES = 200
MAX_POINTS = 5000  # points of one doodle, all strokes together
MAX_FILE_DOODLES = 5000
MAX_FILE_BYTES = 8 * 2**20
WORD_MAX = 24

reasons.TABLES["doodles"] = {
    "empty": "the pad is empty: draw something first",
    "strokes": "a drawing must be strokes of x, y points",
    "points": "the drawing has {count} points; at most {most} are accepted",
    "file_unread": "could not read the doodles file: {why}",
    "file_kind": "this is not a doodles file saved by this app (.npz with 'doodles' and 'words')",
    "file_shape": "the doodles must be 28×28 pictures; the file holds {shape}",
    "file_labels": "each doodle needs the number of its word (0 to {most}); the file's do not fit",
    "file_many": "the file holds {count} doodles; at most {most} are accepted",
    "file_big": "the file is {mb} MB; at most {most_mb} MB is accepted",
    "file_empty": "the file holds no doodles",
    "word_empty": "type a word to draw",
    "word_long": "a word has at most {most} characters",
    "too_many_words": "a pool holds at most {most} words",
    "full": "the pool is full ({most} doodles): remove some or start again",
    "yours_full": "you have added {most} doodles already: that is plenty",
    "too_fast": "that is faster than anyone draws: wait a few seconds",
    "not_found": "that doodle is no longer in the pool",
    "gans_full": "{most} pages are training a doodle GAN of their own right now: try again in a few minutes, or "
                 "draw together in a class",
    "gans_address": "your network trains {most} doodle GANs of its own already: close a few tabs, or draw together "
                    "in a class",
}


def refused(kind: str, **fields: object) -> Refused:
    return Refused(kind, "doodles", **fields)


def clean_word(text: object) -> str:
    """The word a class draws: printable, spaces squeezed, at most WORD_MAX characters. Markup stays text: every
    place that shows it escapes it."""
    word = " ".join("".join(c for c in str(text or "") if c.isprintable()).split())
    if not word:
        raise refused("word_empty")
    if len(word) > WORD_MAX:
        raise refused("word_long", most=WORD_MAX)
    return word


def strokes_from(raw: object) -> list[np.ndarray]:
    """A page's strokes (a list of lists of [x, y] numbers) checked: finite numbers, at most MAX_STROKES strokes
    and MAX_POINTS points; empty strokes are dropped. Refused if nothing is left."""
    if not isinstance(raw, (list, tuple)):
        raise refused("strokes")
    if len(raw) > MAX_STROKES:
        raise refused("points", count=f">{MAX_STROKES} strokes", most=MAX_POINTS)
    strokes, count = [], 0
    for stroke in raw:
        if not isinstance(stroke, (list, tuple)):
            raise refused("strokes")
        count += len(stroke)
        if count > MAX_POINTS:
            raise refused("points", count=count, most=MAX_POINTS)
        if not stroke:
            continue
        try:
            pts = np.array(stroke, dtype=float)
        except (TypeError, ValueError):
            raise refused("strokes") from None
        if pts.ndim != 2 or pts.shape[1] != 2 or not np.isfinite(pts).all() or np.abs(pts).max() > 1e6:
            raise refused("strokes")
        strokes.append(pts)
    if not strokes:
        raise refused("empty")
    return strokes


def render(strokes: list[np.ndarray]) -> np.ndarray:
    """(SIDE, SIDE) float32 in [0, 1]: the strokes centred, scaled and drawn by the module's recipe."""
    every = np.concatenate(strokes)
    lo, hi = every.min(0), every.max(0)
    extent = float((hi - lo).max())
    scale = BOX / extent if extent > 0 else 1.0
    size = SIDE * SUPER
    centre = (lo + hi) / 2
    im = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(im)
    width = PEN * SUPER
    for stroke in strokes:
        pts = [(float(x), float(y)) for x, y in ((stroke - centre) * scale + SIDE / 2) * SUPER]
        if len(pts) > 1:
            draw.line(pts, fill=255, width=round(width), joint="curve")
        for x, y in (pts[0], pts[-1]):  # round ends (and a dot for a one-point stroke)
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    small = im.resize((SIDE, SIDE), Image.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


def read(raw: object) -> np.ndarray:
    """A page's strokes → the doodle the network sees (strokes_from's refusals, then render)."""
    return render(strokes_from(raw))


@dataclass(frozen=True)
class Doodles:
    """Doodles and their words, as a file holds them: pictures (N, 28, 28) uint8 (ink 255), labels (N,) indexes
    into words."""

    pictures: np.ndarray
    labels: np.ndarray
    words: tuple[str, ...]


def save(doodles: Doodles) -> bytes:
    """The .npz a teacher downloads: no pickles, so loading one runs nothing."""
    out = io.BytesIO()
    np.savez_compressed(out, doodles=doodles.pictures.astype(np.uint8), labels=doodles.labels.astype(np.int16),
                        words=np.array(doodles.words, dtype=f"<U{WORD_MAX}"))
    return out.getvalue()


def load(data: bytes, most_words: int) -> Doodles:
    """A file saved by ``save`` read back, or Refused saying what is wrong with it."""
    if len(data) > MAX_FILE_BYTES:
        raise refused("file_big", mb=f"{len(data) / 2**20:.1f}", most_mb=MAX_FILE_BYTES // 2**20)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # sizes before anything is decompressed
            if sum(i.file_size for i in z.infolist()) > 4 * MAX_FILE_DOODLES * SIDE * SIDE:
                raise refused("file_many", count="?", most=MAX_FILE_DOODLES)
        with np.load(io.BytesIO(data), allow_pickle=False) as f:
            if not {"doodles", "words"} <= set(f.files):
                raise refused("file_kind")
            pictures, words = f["doodles"], f["words"]
            labels = f["labels"] if "labels" in f.files else np.zeros(len(pictures), dtype=np.int16)
    except Refused:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise refused("file_unread", why=type(e).__name__) from None
    if pictures.ndim != 3 or pictures.shape[1:] != (SIDE, SIDE) or pictures.dtype.kind not in "uif":
        raise refused("file_shape", shape="×".join(map(str, pictures.shape)))
    if len(pictures) == 0:
        raise refused("file_empty")
    if len(pictures) > MAX_FILE_DOODLES:
        raise refused("file_many", count=len(pictures), most=MAX_FILE_DOODLES)
    if words.ndim == 0:
        words = words.reshape(1)
    if words.dtype.kind != "U" or len(words) == 0:
        raise refused("file_kind")
    if len(words) > most_words:
        raise refused("too_many_words", most=most_words)
    words = tuple(clean_word(w) for w in words.tolist())
    if labels.shape != (len(pictures),) or labels.dtype.kind not in "ui" or labels.min() < 0 \
            or labels.max() >= len(words):
        raise refused("file_labels", most=len(words) - 1)
    floats = pictures.dtype.kind == "f"
    pictures = np.nan_to_num(pictures.astype(np.float64))
    if floats and pictures.max() <= 1.0:  # saved as [0, 1] floats by another tool
        pictures = pictures * 255
    return Doodles(np.clip(np.round(pictures), 0, 255).astype(np.uint8), labels.astype(np.int64), words)
