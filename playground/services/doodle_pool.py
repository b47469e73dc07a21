"""A pool of doodles and the GAN learning it: one per page drawing alone, one per class drawing together. No Gradio.

``Pool`` holds the doodles (each with its word, who drew it and an id the wall removes it by) with limits a
shared server needs: MAX_DOODLES in a pool, MAX_PER_PAGE from one page, at most BURST from a page in WINDOW_S (a
hand needs a second or more per doodle; a script adding in a loop is slowed).
``Drawing`` is a pool and its GAN (models/doodles/live.py) behind one lock: whoever drives training (a page's
Play, the teacher's) calls ``advance``; the GAN is handed the pool again only when it changed. A page drawing alone
gets its GAN on its first Play, within ``OwnGans``'s bounds (400 pages opening the tab once made 400 GANs, 909 MB).
Nothing touches disk: a pool is gone with its page or its class unless someone downloads it.
"""
from __future__ import annotations

import secrets
import threading
import weakref
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from models.doodles import data as doodles
from models.doodles.nets import WORDS
from models.doodles.live import DoodleTrainer
from toy2d.live import Divergence

MAX_DOODLES = 2000
MAX_PER_PAGE = 200  # a page drawing its own pool…
CLASS_PER_PAGE = 50  # …and a student drawing into a class's (a class of 40 fills it to 2 000)
OWN_GANS_MOST = 40  # GANs of pages drawing alone, at once (~6 MB each)…
OWN_GANS_PER_ADDRESS = 20  # …and from one address
BURST, WINDOW_S = 20, 10.0
FIRST_WORD = "cat"
SUGGESTED = ("cat", "house", "fish", "tree", "sun", "flower", "car", "star", "apple", "bicycle")


@dataclass(frozen=True)
class Doodle:
    picture: np.ndarray  # (28, 28) uint8, ink 255
    word: int  # index into the pool's words
    page: str  # the page that drew it ("" for one uploaded or made by the app)
    author: str = ""  # the nickname the wall shows
    id: str = field(default_factory=lambda: secrets.token_hex(5))


class Pool:
    """Doodles of up to WORDS words. Thread-safe: students add from their pages while the wall reads."""

    def __init__(self, word: str = FIRST_WORD, clock: Callable[[], float] = time.monotonic,
                 per_page: int = MAX_PER_PAGE) -> None:
        self.words: list[str] = [doodles.clean_word(word)]
        self.per_page = per_page
        self.word = 0  # the word being drawn now
        self.doodles: list[Doodle] = []
        self.version = 0  # grows with every change: readers redraw only when it moved
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.clock = clock

    def set_word(self, text: object) -> int:
        """Draw ``text`` from now on (a word drawn before keeps its doodles); returns its index."""
        word = doodles.clean_word(text)
        with self._lock:
            known = [w.casefold() for w in self.words]
            if word.casefold() in known:
                self.word = known.index(word.casefold())
            elif not any(d.word == 0 for d in self.doodles) and len(self.words) == 1:
                self.words[0] = word  # nothing drawn of the first word yet: it is replaced
            elif len(self.words) >= WORDS:
                raise doodles.refused("too_many_words", most=WORDS)
            else:
                self.words.append(word)
                self.word = len(self.words) - 1
            self.version += 1
            return self.word

    def add(self, picture: np.ndarray, page: str, author: str = "") -> Doodle:
        """A doodle of the current word from ``page``, or Refused (pool full, too many from the page, too fast)."""
        now = self.clock()
        with self._lock:
            if len(self.doodles) >= MAX_DOODLES:
                raise doodles.refused("full", most=MAX_DOODLES)
            if page and sum(d.page == page for d in self.doodles) >= self.per_page:
                raise doodles.refused("yours_full", most=self.per_page)
            if page:
                recent = self._recent.setdefault(page, deque())
                while recent and now - recent[0] > WINDOW_S:
                    recent.popleft()
                if len(recent) >= BURST:
                    raise doodles.refused("too_fast")
                recent.append(now)
            doodle = Doodle((np.clip(picture, 0, 1) * 255).round().astype(np.uint8), self.word, page, author)
            self.doodles.append(doodle)
            self.version += 1
            return doodle

    def remove(self, doodle_id: object) -> Doodle:
        with self._lock:
            for i, d in enumerate(self.doodles):
                if d.id == doodle_id:
                    self.version += 1
                    return self.doodles.pop(i)
        raise doodles.refused("not_found")

    def remove_page(self, page: str) -> int:
        """Every doodle ``page`` drew (a student the teacher removes, or whose doodles the teacher clears); how
        many."""
        with self._lock:
            kept = [d for d in self.doodles if d.page != page]
            gone = len(self.doodles) - len(kept)
            if gone:
                self.doodles = kept
                self.version += 1
            return gone

    def snapshot(self) -> tuple[int, list[Doodle], list[str], int]:
        """(version, doodles, words, current word) as of now, for readers that draw outside the lock."""
        with self._lock:
            return self.version, list(self.doodles), list(self.words), self.word

    def count(self, page: str | None = None) -> int:
        with self._lock:
            return sum(page is None or d.page == page for d in self.doodles)

    # ---- files ----------------------------------------------------------------------------------------------
    def to_file(self) -> bytes:
        _, every, words, _ = self.snapshot()
        pictures = np.stack([d.picture for d in every]) if every else np.zeros((0, 28, 28), np.uint8)
        return doodles.save(doodles.Doodles(pictures, np.array([d.word for d in every]), tuple(words)))

    def add_file(self, data: bytes) -> int:
        """The doodles of a saved file added to the pool (their words joined to the pool's); returns how many.
        Refused, and nothing added, if the file is bad or would overfill the pool."""
        got = doodles.load(data, WORDS)
        with self._lock:
            if len(self.doodles) + len(got.pictures) > MAX_DOODLES:
                raise doodles.refused("full", most=MAX_DOODLES)
            known = [w.casefold() for w in self.words]
            unused_first = len(self.words) == 1 and not self.doodles
            new = [w for w in dict.fromkeys(got.words) if w.casefold() not in known]
            if len(self.words) - unused_first + len(new) > WORDS:
                raise doodles.refused("too_many_words", most=WORDS)
            if unused_first and got.words[0].casefold() not in known:
                self.words = []
                known = []
            for w in new:
                if w.casefold() not in known:
                    self.words.append(w)
                    known.append(w.casefold())
            index = [known.index(w.casefold()) for w in got.words]
            for picture, label in zip(got.pictures, got.labels):
                self.doodles.append(Doodle(picture, index[int(label)], ""))
            self.word = min(self.word, len(self.words) - 1)
            self.version += 1
            return len(got.pictures)


class OwnGans:
    """The GANs pages train alone, ~6 MB each: at most ``most`` at once, ``per_address`` from one address (a class
    behind one router draws in its class's pool, with one GAN). A page's GAN goes when its page closes (``release``)
    or when nothing holds its drawing any more. Thread-safe."""

    def __init__(self, most: int = OWN_GANS_MOST, per_address: int = OWN_GANS_PER_ADDRESS) -> None:
        self.most, self.per_address = most, per_address
        self._held: dict[str, tuple[weakref.ref, str]] = {}  # page → (its drawing, its address)
        self._lock = threading.Lock()

    def make(self, drawing: "Drawing", page: str, address: str, augment: bool = False) -> None:
        """Make ``drawing``'s GAN for ``page``, or Refused when there is no room for it."""
        if drawing.has_gan:
            return
        with self._lock:
            self._held = {p: h for p, h in self._held.items() if h[0]() is not None and h[0]().has_gan}
            if page not in self._held:
                if len(self._held) >= self.most:
                    raise doodles.refused("gans_full", most=self.most)
                if sum(a == address for _, a in self._held.values()) >= self.per_address:
                    raise doodles.refused("gans_address", most=self.per_address)
            self._held[page] = (weakref.ref(drawing), address)
        drawing.make_gan(augment)

    def release(self, page: str) -> None:
        with self._lock:
            held = self._held.pop(page, None)
        drawing = held[0]() if held else None
        if drawing is not None:
            drawing.drop_gan()

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for ref, _ in self._held.values() if ref() is not None and ref().has_gan)


class Drawing:
    """A pool and the GAN learning it — or, to compare, two GANs from the same start on the same pool, one with
    augmentation and one without, trained in turn. ``advance`` trains (one caller at a time); ``view`` is what a
    page draws."""

    def __init__(self, word: str = FIRST_WORD, augment: bool = False, seed: int = 0,
                 per_page: int = MAX_PER_PAGE, gan: bool = True) -> None:
        """``gan=False``: the GAN (~6 MB) is made only when ``make_gan`` is called (a page's own drawing, on its
        first Play: a page that only opens the tab costs a pool, not a network)."""
        self.pool = Pool(word, per_page=per_page)
        self.trainers: list[DoodleTrainer] = [DoodleTrainer(augment=augment, seed=seed)] if gan else []
        self.seed = seed
        self.trained_on = -1  # the pool's version the GANs were last handed
        self.lock = threading.Lock()
        self.playing = False  # a page's stream trains while this is set (live_loop)
        self.lang = "en"

    @property
    def trainer(self) -> DoodleTrainer:
        """The GAN with the page's choice of augmentation (the first of a compared pair)."""
        return self.trainers[0]

    @property
    def comparing(self) -> bool:
        return len(self.trainers) == 2

    @property
    def has_gan(self) -> bool:
        return bool(self.trainers)

    def make_gan(self, augment: bool = False) -> None:
        if not self.trainers:
            with self.lock:
                self.trainers = [DoodleTrainer(augment=augment, seed=self.seed)]
                self.trained_on = -1

    def drop_gan(self) -> None:
        """Let the GAN go (its page closed); the pool stays."""
        self.playing = False
        with self.lock:
            self.trainers = []

    def toggle(self, augment: bool, compare: bool, lang: str) -> bool:
        """Play ⇄ pause (a page's stream trains while playing). The augmentation and comparison boxes count until
        the first iteration; after that only a new GAN changes them. Returns whether it plays now."""
        if self.trainer.iteration == 0 and (self.trainer.augment != augment or self.comparing != compare):
            self.reset(augment, compare)
        self.playing, self.lang = not self.playing, lang
        return self.playing

    def reset(self, augment: bool | None = None, compare: bool | None = None) -> None:
        """New GANs on the same pool; a stream training the old ones ends. A compared pair starts from the same
        weights (the same seed), so augmentation is all that differs."""
        self.playing = False
        augment = (self.trainer.augment if self.trainers else False) if augment is None else augment
        compare = self.comparing if compare is None else compare
        with self.lock:
            self.trainers = [DoodleTrainer(augment=a, seed=self.seed) for a in ([augment, not augment] if compare
                                                                                else [augment])]
            self.trained_on = -1

    def _hand_pool(self) -> None:
        version, every, _, _ = self.pool.snapshot()
        if version != self.trained_on:
            pictures = np.stack([d.picture for d in every]) if every else np.zeros((0, 28, 28), np.uint8)
            for t in self.trainers:
                t.set_pool(pictures, np.array([d.word for d in every], dtype=np.int64))
            self.trained_on = version

    def advance(self, budget_s: float) -> int:
        """Train for up to ``budget_s`` on the pool as it is now (a compared pair: half each, so they stay
        within a few iterations of each other); returns the iterations the first GAN made (0 with an empty pool,
        after divergence, or when another caller is training)."""
        if not self.lock.acquire(blocking=False):
            return 0
        try:
            self._hand_pool()
            done = [t.train(budget_s / len(self.trainers)) for t in self.trainers]
            return done[0]
        finally:
            self.lock.release()

    def view(self) -> "View":
        """What a page shows of the GAN now: samples per word, each with its nearest doodle, and the numbers;
        the compared GAN's as ``twin``."""
        with self.lock:
            self._hand_pool()
            _, every, words, _ = self.pool.snapshot()
            views = [_view(t, every, words) for t in self.trainers]
        if len(views) == 2:
            views[0].twin = views[1]
        return views[0]


def _view(t: DoodleTrainer, every: list[Doodle], words: list[str]) -> "View":
    n_words = len(words)
    samples = t.samples(n_words)
    nearest = []
    for w in range(n_words):
        idx, dist = t.nearest(samples[w], w)
        nearest.append([(every[i].picture.astype(np.float32) / 255 if i >= 0 else None, float(d))
                        for i, d in zip(idx, dist)])
    closeness = t.closeness(n_words) if every else {}
    counts = [sum(d.word == w for d in every) for w in range(n_words)]
    return View(t.iteration, list(t.history[-500:]), samples, nearest, words, counts, closeness, t.augment,
                t.diverged)


@dataclass
class View:
    iteration: int
    history: list[dict]
    samples: np.ndarray  # (words, SHOWN, 28, 28) in [0, 1]
    nearest: list[list[tuple[np.ndarray | None, float]]]  # per word, per sample: the nearest doodle and distance
    words: list[str]
    counts: list[int]
    closeness: dict[str, float]
    augment: bool
    diverged: Divergence | None
    twin: "View | None" = None  # the other GAN of a compared pair
