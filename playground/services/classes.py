"""Classes: a teacher's join code, the students who joined with it, the teacher's secret, and the class's
challenge. No Gradio and no runs here: a class only knows which page (the registry's key) each student is on;
the class tab (playground/tabs/classroom.py) asks the registry for their runs.

Codes and secrets. A join code is 8 symbols from 31 that cannot be confused on a projector (no 0/O, 1/I/L):
31⁸ ≈ 8.5 · 10¹¹ codes. A class sits behind one school router, so a right code always joins, whatever else came
from that address: a per-address lock had ten typos among thirty students (or one troll) turn every right code
away for a minute. Guessing costs the guesser instead: a page may type FREE_WRONG wrong codes, then waits
BACKOFF_S before its next try, doubling with each wrong code (at most BACKOFF_MAX_S), and any page at most
PAGE_TRIES tries a minute. A script that makes up a new page for every few guesses is bounded only by how fast the
server answers joins: benchmarks/abuse.py measures it (about 100 a second on the 2-core machine of
benchmarks/RESULTS.md, every one an event through the queue), so a whole day of it against MAX_CLASSES classes hits
one with odds of about 20 × 100 × 86 400 / 8.5 · 10¹¹ ≈ 2 · 10⁻⁴ — and wins only a student's place, which the
teacher can take back (``remove``); the wall stays behind the teacher's secret (128 random bits, compared in
constant time), never the code. A class keeps its ``size`` places (the teacher's choice, default DEFAULT_SIZE) out
of the server's live runs, so other visitors cannot take them (registry.py); one address starts at most
CLASSES_PER_ADDRESS classes keeping PLACES_PER_ADDRESS places in all (a script cannot keep every place from a
real teacher), and a class nobody joins ends after UNJOINED_S.
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

from .. import limits
from ..catalogue import Phrase, phrase

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CLASSES = 20
CLASSES_PER_ADDRESS = 2  # a school's teachers behind one router start a few; a script no more…
PLACES_PER_ADDRESS = 60  # …and keep at most this many places in all (two classes of 30)
DEFAULT_SIZE = 40  # places a class keeps for its students…
MAX_STUDENTS = 60  # …at most (the teacher chooses)
FREE_WRONG = 3  # wrong codes a page may type before it has to wait…
BACKOFF_S = 2.0  # …this long, doubling with every further wrong code…
BACKOFF_MAX_S = 60.0  # …up to this
PAGE_TRIES = 10  # tries per page a minute, right or wrong
JOIN_WINDOW_S = 60.0
CLASS_IDLE_S = 30 * 60.0  # a class whose wall nobody has looked at for this long ends…
CLASS_MAX_S = 4 * 3600.0  # …and every class after this long…
UNJOINED_S = 20 * 60.0  # …and one nobody has joined after this
ARRIVING_S = 300.0  # a page opened with a class's link holds a place this long before it joins
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
    # the student's own first weights: the class's settings, each run from its own seed (identical runs would make a
    # wall of one picture and every challenge a draw)
    seed: int = field(default_factory=lambda: secrets.randbelow(2**31 - 1))


@dataclass
class Class:
    code: str
    secret: str
    start: TrainConfig  # the class's starting point: tiles show what each student changed from it
    created: float
    seen: float
    size: int = DEFAULT_SIZE  # places kept for the students
    address: str = ""  # who started it (CLASSES_PER_ADDRESS)
    students: dict[str, Student] = field(default_factory=dict)  # page → student
    arriving: dict[str, float] = field(default_factory=dict)  # pages opened with the class's link → when
    removed: set[str] = field(default_factory=set)  # pages the teacher removed: they cannot join again
    joined_ever: bool = False
    challenge: Challenge | None = None
    projected: str | None = None  # the id of the student whose run is on the projector
    pushed: int = 0  # how many times the teacher sent settings to everyone (pages catch up when it grows)
    drawing: Any = None  # the class's doodles and their GAN (playground/tabs/doodles.py), made when first drawn

    def config_for(self, student: Student) -> TrainConfig:
        """The run a student starts from: the class's settings with the student's own seed."""
        return self.start.replace(seed=student.seed)

    def by_id(self, student_id: object) -> Student | None:
        return next((s for s in self.students.values() if s.id == student_id), None)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: object) -> str:
    """What a student typed, as a code: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", str(text or "")).upper()


# Letters that show no ink (Hangul fillers, the braille blank): a nickname of them looks empty on the wall.
INVISIBLE = set("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Letters of other scripts drawn like Latin ones: "Mina" with a Cyrillic "і" is the same name on the wall.
LOOKALIKE = str.maketrans("аеорсхуіјѕԁɡһӏոցԛաАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρτυχ",
                          "aeopcxyijsdghlnqqwABEKMHOPCTXIJSABEZHIKMNOPTYXoikvptux")


def clean_nickname(text: object) -> str:
    """A nickname: printable characters only (in their usual form: full-width letters become plain ones), spaces
    squeezed, at most NICKNAME_MAX, and some ink. Markup stays text: every place that shows it escapes it."""
    name = unicodedata.normalize("NFKC", str(text or ""))
    name = "".join(c for c in name if (unicodedata.category(c)[0] not in "CZ" or c == " ") and c not in INVISIBLE)
    name = " ".join(name.split())
    if not name:
        raise Refusal("class.msg.nickname_empty")
    if len(name) > NICKNAME_MAX:
        raise Refusal("class.msg.nickname_long", most=NICKNAME_MAX)
    return name


def looks(name: str) -> str:
    """What a nickname looks like on the wall (case and look-alike letters aside): two names that look the same
    cannot both be in a class."""
    return name.translate(LOOKALIKE).casefold()


class Classes:
    """Every open class, by code. Thread-safe: pages join and walls refresh on different server threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, seats_most: int | None = None) -> None:
        self._classes: dict[str, Class] = {}
        self._tries: dict[str, deque[float]] = {}  # page → its tries in the last JOIN_WINDOW_S
        self._wrong: dict[str, tuple[int, float]] = {}  # page → (wrong codes typed, may try again at)
        self._lock = threading.RLock()
        self.clock = clock
        self.seats_most = limits.MAX_LIVE_RUNS * 4 // 5 if seats_most is None else seats_most

    # ---- the teacher ----------------------------------------------------------------------------------------
    def start(self, config: TrainConfig, address: str = "", size: object = DEFAULT_SIZE,
              room: int | None = None) -> Class:
        """A new class keeping ``size`` places; refused when the server has too many classes or too few places
        (``room``: the runs the server could still open now, when the caller knows), or ``address`` has started
        CLASSES_PER_ADDRESS already."""
        size = class_size(size)
        self.reap()
        with self._lock:
            if len(self._classes) >= MAX_CLASSES:
                raise Refusal("class.msg.too_many_classes", most=MAX_CLASSES)
            mine = [c for c in self._classes.values() if address and c.address == address]
            if len(mine) >= CLASSES_PER_ADDRESS:
                raise Refusal("class.msg.classes_per_address", most=CLASSES_PER_ADDRESS)
            if sum(c.size for c in mine) + size > PLACES_PER_ADDRESS:
                raise Refusal("class.msg.places_per_address", most=PLACES_PER_ADDRESS,
                              left=PLACES_PER_ADDRESS - sum(c.size for c in mine))
            left = self.seats_most - sum(c.size for c in self._classes.values())
            if room is not None:
                left = min(left, room)
            if size > left:
                raise Refusal("class.msg.no_places", size=size, left=max(0, left))
            code = new_code()
            while code in self._classes:
                code = new_code()
            now = self.clock()
            c = Class(code, secrets.token_urlsafe(16), config, now, now, size=size, address=address)
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

    def remove(self, code: object, secret: object, student_id: object) -> Student:
        """The teacher takes a student's place back: that page leaves the class and cannot join it again."""
        c = self.teacher(code, secret)
        with self._lock:
            student = c.by_id(student_id)
            if student is None:
                raise Refusal("class.msg.no_student")
            del c.students[student.page]
            c.removed.add(student.page)
            return student

    # ---- students ---------------------------------------------------------------------------------------------
    def join(self, code: object, nickname: object, page: str, address: str = "",
             gone: Callable[[str], bool] = lambda page: False) -> Class:
        """``page`` joins the class as ``nickname``; a page that joins again keeps its place under its new name.
        A right code always joins (within the page's own limits); a wrong one costs the page (FREE_WRONG, then
        back-off). ``gone(page)`` says a page has closed, so a student who reloaded can take their nickname back
        from their old page. (``address`` is kept for callers; joins are not limited by it.)"""
        self._count_try(page)
        name = clean_nickname(nickname)
        self.reap()
        with self._lock:
            c = self._classes.get(normal_code(code))
            if c is None:
                self._wrong_code(page)
                raise Refusal("class.msg.no_class")
            if page in c.removed:
                raise Refusal("class.msg.removed")
            for p in [p for p in c.students if p != page and gone(p)]:
                del c.students[p]
            if page not in c.students and len(c.students) >= c.size:
                raise Refusal("class.msg.class_full", most=c.size)
            taken = {looks(s.nickname) for p, s in c.students.items() if p != page}
            if looks(name) in taken:
                raise Refusal("class.msg.nickname_taken", name=name)
            for other in self._classes.values():  # a page is in one class at a time
                if other is not c:
                    other.students.pop(page, None)
                    other.arriving.pop(page, None)
            old = c.students.get(page)
            c.students[page] = Student(name, page, self.clock(), *([old.id] if old else []))
            c.arriving.pop(page, None)
            c.joined_ever = True
            self._wrong.pop(page, None)
            return c

    def arrive(self, code: object, page: str) -> Class | None:
        """A page opened with a class's link (?class=CODE): it may take one of the class's places for its run
        (registry.py) until it joins, closes, or ARRIVING_S have passed. None when there is no such class with a
        place free."""
        now = self.clock()
        with self._lock:
            c = self._classes.get(normal_code(code))
            if c is None or page in c.removed:
                return None
            for p in [p for p, at in c.arriving.items() if now - at > ARRIVING_S]:
                del c.arriving[p]
            if page in c.students or page in c.arriving:
                return c
            if len(c.students) + len(c.arriving) >= c.size:
                return None
            c.arriving[page] = now
            return c

    def leave(self, page: str) -> None:
        with self._lock:
            for c in self._classes.values():
                c.students.pop(page, None)
                c.arriving.pop(page, None)

    def class_of(self, page: str) -> Class | None:
        with self._lock:
            return next((c for c in self._classes.values() if page in c.students), None)

    def seated(self, page: str) -> bool:
        """Does ``page`` hold one of a class's places (a student, or arriving with the class's link)?"""
        with self._lock:
            return any(page in c.students or page in c.arriving for c in self._classes.values())

    def empty_places(self, holds_run: Callable[[str], bool]) -> int:
        """Places the classes keep that no page holds a run in yet: the registry keeps them free."""
        with self._lock:
            return sum(max(0, c.size - sum(1 for p in c.students.keys() | c.arriving if holds_run(p)))
                       for c in self._classes.values())

    def _count_try(self, page: str) -> None:
        """Refuse a page that tried PAGE_TRIES times in the last minute, or whose back-off is not over; else count
        this try."""
        now = self.clock()
        with self._lock:
            _, until = self._wrong.get(page, (0, 0.0))
            if now < until:
                raise Refusal("class.msg.slow_down", seconds=int(until - now) + 1)
            tries = self._tries.setdefault(page, deque())
            while tries and now - tries[0] > JOIN_WINDOW_S:
                tries.popleft()
            if len(tries) >= PAGE_TRIES:
                raise Refusal("class.msg.slow_down", seconds=int(JOIN_WINDOW_S - (now - tries[0])) + 1)
            tries.append(now)
            if len(self._tries) > 10_000 or len(self._wrong) > 10_000:  # forget those that stopped trying
                self._tries = {k: v for k, v in self._tries.items() if v and now - v[-1] <= JOIN_WINDOW_S}
                self._wrong = {k: v for k, v in self._wrong.items() if now - v[1] <= BACKOFF_MAX_S}

    def _wrong_code(self, page: str) -> None:
        """Count a wrong code against the page: past FREE_WRONG it waits before its next try."""
        with self._lock:
            wrong = self._wrong.get(page, (0, 0.0))[0] + 1
            wait = 0.0 if wrong <= FREE_WRONG else min(BACKOFF_MAX_S, BACKOFF_S * 2 ** (wrong - FREE_WRONG - 1))
            self._wrong[page] = (wrong, self.clock() + wait)

    # ---- ending on their own ----------------------------------------------------------------------------------
    def reap(self) -> list[str]:
        """End classes past CLASS_MAX_S, unwatched for CLASS_IDLE_S, or never joined for UNJOINED_S; returns their
        codes."""
        now = self.clock()
        with self._lock:
            gone = [k for k, c in self._classes.items()
                    if now - c.created > CLASS_MAX_S or now - c.seen > CLASS_IDLE_S
                    or (not c.joined_ever and now - c.created > UNJOINED_S)]
            for k in gone:
                del self._classes[k]
            return gone

    def __len__(self) -> int:
        with self._lock:
            return len(self._classes)

    def __contains__(self, code: object) -> bool:
        with self._lock:
            return normal_code(code) in self._classes


def class_size(value: object) -> int:
    """The places a teacher asked for: a whole number from 1 to MAX_STUDENTS."""
    try:
        size = int(value)  # type: ignore[arg-type]
        if size != value and not isinstance(value, str):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise Refusal("class.msg.size", most=MAX_STUDENTS) from None
    if not 1 <= size <= MAX_STUDENTS:
        raise Refusal("class.msg.size", most=MAX_STUDENTS)
    return size
