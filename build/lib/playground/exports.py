"""Files made for download (saved runs, metrics CSVs, GIFs, walk videos), with their disk use bounded.

Each export used to get a temporary folder of its own that nothing removed, and Gradio copied every file into its
cache besides: 20 saves of a large run wrote 300 MB in 5.5 s. Here exports live inside Gradio's cache folder, so
Gradio serves them where they are (no copy), each page keeps only its newest few, and all pages' together stay
under limits.EXPORT_DISK_MB, the oldest deleted first.
"""
from __future__ import annotations

import hashlib
import itertools
import shutil
import threading
import time
from pathlib import Path

from gradio.utils import get_upload_folder

from . import limits

_lock = threading.Lock()
_serial = itertools.count()


def folder() -> Path:
    """Where exports live: under Gradio's cache (GRADIO_TEMP_DIR), read at call time."""
    return Path(get_upload_folder()) / "gan-playground-exports"


def new_path(owner: str, filename: str, keep: int = limits.EXPORTS_PER_PAGE) -> Path:
    """A path for a new export named ``filename`` (the name the user downloads). ``owner`` (a page's session hash,
    or a tab's name for files that are not a page's own) keeps its ``keep`` newest exports; older ones go."""
    mine = folder() / hashlib.sha256(owner.encode()).hexdigest()[:16]  # any string from a client becomes a name
    with _lock:
        mine.mkdir(parents=True, exist_ok=True)
        entries = sorted(p for p in mine.iterdir() if p.is_dir())  # named by creation time: oldest first
        for old in entries[:max(0, len(entries) - (keep - 1))]:
            shutil.rmtree(old, ignore_errors=True)
        trim(limits.EXPORT_DISK_MB * 1e6)
        slot = mine / f"{time.time_ns():020d}-{next(_serial)}"  # unique across restarts of the app too
        slot.mkdir()
    return slot / Path(filename).name


def trim(max_bytes: float) -> None:
    """Delete the oldest export folders until all of them together hold at most ``max_bytes``."""
    slots = [s for page in folder().glob("*") if page.is_dir() for s in page.iterdir() if s.is_dir()]
    sizes = {s: sum(f.stat().st_size for f in s.iterdir() if f.is_file()) for s in slots}
    total = sum(sizes.values())
    for s in sorted(slots, key=lambda s: s.stat().st_mtime):
        if total <= max_bytes:
            break
        shutil.rmtree(s, ignore_errors=True)
        total -= sizes[s]


def disk_bytes() -> int:
    """What all exports hold now (for tests and benchmarks/abuse.py)."""
    return sum(f.stat().st_size for f in folder().rglob("*") if f.is_file())
