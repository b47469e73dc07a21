"""The files visitors upload, from Gradio's upload route until they are read, with the disk they use bounded.

Gradio keeps every upload in its cache until its hourly sweep: 40 uploads of 24 MB, no page needed, added a GB in
15 s. The front door (gate.py) counts each address's upload bytes (limits.UPLOAD_MB_PER_MINUTE) and hands the
stored paths here. A handler that has read an upload says so (``done``) and the file goes at once; files nobody
reads go after limits.UPLOAD_TTL_S; and all of them together stay under limits.UPLOAD_CACHE_MB, the oldest removed
first. A path recorded twice (two pages sent the same bytes: Gradio names a file by its content) goes when both
have been read. Only files that came in through the upload route are ever removed here: examples, exports and
Gradio's own copies are not.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import limits
from .clients import Rate


@dataclass
class _Upload:
    size: int
    at: float
    holders: int  # uploads of these very bytes not yet read


class UploadCache:
    def __init__(self, max_bytes: float | None = None, per_address_mb: float | None = None,
                 ttl_s: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = limits.UPLOAD_CACHE_MB * 1e6 if max_bytes is None else max_bytes
        self.ttl_s = limits.UPLOAD_TTL_S if ttl_s is None else ttl_s
        mb = limits.UPLOAD_MB_PER_MINUTE if per_address_mb is None else per_address_mb
        self.rate = Rate(mb * 1e6, 60.0, clock)
        self.clock = clock
        self._files: dict[str, _Upload] = {}  # path → its record, oldest first
        self._lock = threading.Lock()

    def admit(self, address: str, nbytes: int) -> float:
        """0 if ``address`` may upload ``nbytes`` now (counted), else the seconds until it may."""
        units = min(float(nbytes), self.rate.most)
        return 0.0 if self.rate.take(address, units) else max(1.0, self.rate.wait_s(address, units))

    def record(self, paths: list[str], address: str = "") -> None:
        """Files Gradio stored for an upload; the oldest others go if the cache is now over its bound."""
        now = self.clock()
        with self._lock:
            for path in paths:
                try:
                    size = os.path.getsize(path)
                except OSError:
                    continue
                held = self._files.pop(path, None)
                self._files[path] = _Upload(size, now, (held.holders if held else 0) + 1)
        self.trim()

    def done(self, path: str | None) -> None:
        """The upload at ``path`` has been read: removed (once every upload of the same bytes has been)."""
        if not path:
            return
        with self._lock:
            held = self._files.get(path)
            if held is None:
                return
            held.holders -= 1
            if held.holders > 0:
                return
            del self._files[path]
        _remove(path)

    def trim(self) -> None:
        """Remove unread uploads older than ttl_s, then the oldest until the rest fit in max_bytes."""
        now = self.clock()
        gone = []
        with self._lock:
            total = sum(u.size for u in self._files.values())
            for path, u in list(self._files.items()):
                if now - u.at <= self.ttl_s and total <= self.max_bytes:
                    break
                del self._files[path]
                total -= u.size
                gone.append(path)
        for path in gone:
            _remove(path)

    def held(self, path: str) -> bool:
        with self._lock:
            return path in self._files

    def bytes(self) -> int:
        """What the unread uploads hold now."""
        with self._lock:
            return sum(u.size for u in self._files.values())


def _remove(path: str) -> None:
    """The file, and the folder Gradio made for it if nothing else is in it."""
    p = Path(path)
    try:
        p.unlink()
        p.parent.rmdir()
    except OSError:
        pass


UPLOADS = UploadCache()  # the app's (one app per process; tests make their own)
