"""Classes: a teacher's join code, the students who joined with it, the teacher's secret, and the class's
challenge. No Gradio and no runs here: a class only knows which page (the registry's key) each student is on;
the class tab (playground/tabs/classroom.py) asks the registry for their runs.

Codes and secrets. A join code is 8 symbols from 31 that cannot be confused on a projector (no 0/O, 1/I/L):
31⁸ ≈ 8.5 · 10¹¹ codes. Joining is limited twice: WRONG_TRIES wrong codes a minute per address (a class behind one
school router shares an address, and its right codes do not count), and PAGE_TRIES tries a minute per page. With
at most MAX_CLASSES open, one address trying codes for a whole day hits any class with odds of about 3 · 10⁻⁷
(20 × 14 400 / 8.5 · 10¹¹); many addresses at once are beyond what a join code can stop. The wall is opened by a
separate teacher secret (128 random bits, compared in constant time), never by the code.
Nothing is written to disk: a class lives in this process's memory and is gone when it ends or times out.
"""
from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from toy2d.config import TrainConfig

from .catalogue import Phrase, phrase

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CLASSES = 20
MAX_STUDENTS = 60
WRONG_TRIES = 10  # wrong codes per address a minute
PAGE_TRIES = 10  # tries per page a minute
JOIN_WINDOW_S = 60.0
CLASS_IDLE_S = 30 * 60.0  # a class whose wall nobody has looked at for this long ends…
CLASS_MAX_S = 4 * 3600.0  # …and every class after this long
NICKNAME_MAX = 20


class Refusal(Exception):
    """Why a class action was refused, as a phrase the page says in its language."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.phrase: Phrase = phrase(key, **fields)


@dataclass(frozen=True)
class Challenge:
    """A goal on one data set: every mode covered with at least ``hq`` of the samples high quality; the wall
    ranks the runs that met it by the iteration they first met it at (fewest first)."""

    data: str
    hq: float = 0.9


@dataclass
class Student:
    nickname: str
    page: str  # the registry's key of the student's page
    joined: float
    id: str = field(default_factory=lambda: secrets.token_hex(6))  # what the wall names them by


@dataclass
class Class:
    code: str
    secret: str
    start: TrainConfig  # the class's starting point: tiles show what each student changed from it
    created: float
    seen: float
    students: dict[str, Student] = field(default_factory=dict)  # page → student
    challenge: Challenge | None = None
    projected: str | None = None  # the id of the student whose run is on the projector
    pushed: int = 0  # how many times the teacher sent settings to everyone (pages catch up when it grows)
    drawing: Any = None  # the class's doodles and their GAN (playground/tabs/doodles.py), made when first drawn

    def by_id(self, student_id: object) -> Student | None:
        return next((s for s in self.students.values() if s.id == student_id), None)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: object) -> str:
    """What a student typed, as a code: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", str(text or "")).upper()


def clean_nickname(text: object) -> str:
    """A nickname: printable characters only, spaces squeezed, at most NICKNAME_MAX. Markup stays text: every
    place that shows it escapes it."""
    name = "".join(c for c in str(text or "") if unicodedata.category(c)[0] not in "CZ" or c == " ")
    name = " ".join(name.split())
    if not name:
        raise Refusal("class.msg.nickname_empty")
    if len(name) > NICKNAME_MAX:
        raise Refusal("class.msg.nickname_long", most=NICKNAME_MAX)
    return name


class Classes:
    """Every open class, by code. Thread-safe: pages join and walls refresh on different server threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._classes: dict[str, Class] = {}
        self._tries: dict[str, deque[float]] = {}
        self._lock = threading.RLock()  # join counts a wrong code while it holds the lock
        self.clock = clock

    # ---- the teacher ----------------------------------------------------------------------------------------
    def start(self, config: TrainConfig) -> Class:
        self.reap()
        with self._lock:
            if len(self._classes) >= MAX_CLASSES:
                raise Refusal("class.msg.too_many_classes", most=MAX_CLASSES)
            code = new_code()
            while code in self._classes:
                code = new_code()
            now = self.clock()
            c = Class(code, secrets.token_urlsafe(16), config, now, now)
            self._classes[code] = c
            return c

    def teacher(self, code: object, secret: object) -> Class:
        """The class whose teacher secret this is; Refusal otherwise (the same for a wrong code or secret)."""
        self.reap()
        with self._lock:
            c = self._classes.get(normal_code(code))
            if c is None or not hmac.compare_digest(str(secret or "").encode(), c.secret.encode()):
                raise Refusal("class.msg.not_teacher")
            c.seen = self.clock()
            return c

    def end(self, code: object, secret: object) -> list[str]:
        """End the class; returns its students' pages (their runs go on as ordinary pages)."""
        c = self.teacher(code, secret)
        with self._lock:
            self._classes.pop(c.code, None)
        return list(c.students)

    # ---- students ---------------------------------------------------------------------------------------------
    def join(self, code: object, nickname: object, page: str, address: str,
             gone: Callable[[str], bool] = lambda page: False) -> Class:
        """``page`` joins the class as ``nickname``; a page that joins again keeps its place under its new name.
        ``address`` is what the wrong-code limit counts; ``gone(page)`` says a page has closed, so a student who
        reloaded can take their nickname back from their old page."""
        self._count(f"page:{page}", PAGE_TRIES)
        self._count(f"wrong:{address}", WRONG_TRIES, add=False)
        name = clean_nickname(nickname)
        self.reap()
        with self._lock:
            c = self._classes.get(normal_code(code))
            if c is None:
                self._add(f"wrong:{address}")
                raise Refusal("class.msg.no_class")
            for p in [p for p in c.students if p != page and gone(p)]:
                del c.students[p]
            if page not in c.students and len(c.students) >= MAX_STUDENTS:
                raise Refusal("class.msg.class_full", most=MAX_STUDENTS)
            taken = {s.nickname.casefold() for p, s in c.students.items() if p != page}
            if name.casefold() in taken:
                raise Refusal("class.msg.nickname_taken", name=name)
            for other in self._classes.values():  # a page is in one class at a time
                if other is not c:
                    other.students.pop(page, None)
            old = c.students.get(page)
            c.students[page] = Student(name, page, self.clock(), *([old.id] if old else []))
            return c

    def leave(self, page: str) -> None:
        with self._lock:
            for c in self._classes.values():
                c.students.pop(page, None)

    def class_of(self, page: str) -> Class | None:
        with self._lock:
            return next((c for c in self._classes.values() if page in c.students), None)

    def _count(self, who: str, most: int, add: bool = True) -> None:
        """Refuse ``who`` (a page or an address) that has tried ``most`` times in the last JOIN_WINDOW_S; else
        count this try (``add``)."""
        now = self.clock()
        with self._lock:
            tries = self._tries.setdefault(who, deque())
            while tries and now - tries[0] > JOIN_WINDOW_S:
                tries.popleft()
            if len(tries) >= most:
                raise Refusal("class.msg.slow_down", seconds=int(JOIN_WINDOW_S - (now - tries[0])) + 1)
            if add:
                tries.append(now)
            if len(self._tries) > 10_000:  # forget those that stopped trying
                self._tries = {k: v for k, v in self._tries.items() if v and now - v[-1] <= JOIN_WINDOW_S}

    def _add(self, who: str) -> None:
        with self._lock:
            self._tries.setdefault(who, deque()).append(self.clock())

    # ---- ending on their own ----------------------------------------------------------------------------------
    def reap(self) -> list[str]:
        """End classes past CLASS_MAX_S or unwatched for CLASS_IDLE_S; returns their codes."""
        now = self.clock()
        with self._lock:
            gone = [k for k, c in self._classes.items()
                    if now - c.created > CLASS_MAX_S or now - c.seen > CLASS_IDLE_S]
            for k in gone:
                del self._classes[k]
            return gone

    def __len__(self) -> int:
        with self._lock:
            return len(self._classes)

    def __contains__(self, code: object) -> bool:
        with self._lock:
            return normal_code(code) in self._classes
