"""Who is asking, and how much they may ask: the client's address, the pages open now, and rates per client.

A page is Gradio's session hash, which the browser (or a script) makes up: it is what fairness counts (each page
its share), never what a quota counts, since a script can make up as many as it likes. Quotas count the address —
with a class of 40 behind one school router in mind, so they are generous for what a class does (40 pages, a
reload each, a photo each) and tight only for what a script does.

The address is the socket's peer, except behind a proxy we trust: on a Hugging Face Space (SPACE_ID is set) the
Space's proxy appends the visitor's address to X-Forwarded-For, so the header's last entry is the proxy's word and
the earlier ones the client's own (anyone can send the header). GAN_PLAYGROUND_TRUSTED_PROXY=1 says the same of
another proxy in front of the app. Without one the header is ignored: a client could claim any address with it.

A page is open while its browser holds Gradio's heartbeat connection (`/gradio_api/heartbeat/{session}`, opened on
every page load, closed when the tab closes); the front door (gate.py) tells ``OPEN`` when each one opens and
closes. Open pages' state is the last to be evicted (gradio_patches.py).
"""
from __future__ import annotations

import os
import threading
import time
from collections import Counter
from typing import Any, Callable, Mapping


def trusts_proxy() -> bool:
    """Whether X-Forwarded-For's last entry is a proxy's word: on a Space, or where the host says so."""
    return bool(os.environ.get("SPACE_ID")) or os.environ.get("GAN_PLAYGROUND_TRUSTED_PROXY") == "1"


def address(headers: Mapping[str, str], peer: str | None) -> str:
    """The client's address from a request's headers (lower-case names) and its socket's peer."""
    if trusts_proxy():
        forwarded = (headers.get("x-forwarded-for") or "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return peer or "?"


def of_request(request: Any) -> str:
    """The address of a gr.Request (or anything with ``headers`` and ``client.host``)."""
    client = getattr(request, "client", None)
    return address(getattr(request, "headers", None) or {}, getattr(client, "host", None))


def of_scope(scope: Mapping[str, Any]) -> str:
    """The address of an ASGI request (the front door's view of it)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or ()}
    client = scope.get("client")
    return address(headers, client[0] if client else None)


class Rate:
    """At most ``most`` units per ``window_s`` seconds for each key (a token bucket: a burst of ``most``, then
    ``most / window_s`` a second). Keys that stopped asking are forgotten, so memory stays bounded."""

    def __init__(self, most: float, window_s: float, clock: Callable[[], float] = time.monotonic,
                 keys_max: int = 10_000) -> None:
        self.most, self.window_s, self.clock, self.keys_max = float(most), float(window_s), clock, keys_max
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (units left, when counted)
        self._lock = threading.Lock()

    def _left(self, key: str, now: float) -> float:
        left, at = self._buckets.get(key, (self.most, now))
        return min(self.most, left + (now - at) * self.most / self.window_s)

    def take(self, key: str, units: float = 1.0) -> bool:
        """Count ``units`` for ``key`` if it has them left; False (nothing counted) if not."""
        now = self.clock()
        with self._lock:
            left = self._left(key, now)
            if left < units:
                return False
            self._buckets[key] = (left - units, now)
            if len(self._buckets) > self.keys_max:  # full buckets carry no information: forget them
                self._buckets = {k: v for k, v in self._buckets.items() if self._left(k, now) < self.most}
            return True

    def wait_s(self, key: str, units: float = 1.0) -> float:
        """Seconds until ``key`` has ``units`` left (0 when it has them now)."""
        now = self.clock()
        with self._lock:
            missing = units - self._left(key, now)
        return max(0.0, missing * self.window_s / self.most)


class OpenPages:
    """The pages whose browser holds a heartbeat connection now, and their addresses. Thread-safe."""

    def __init__(self) -> None:
        self._pages: Counter[str] = Counter()  # page → open heartbeats (a page may briefly hold two)
        self._address: dict[str, str] = {}
        self._per_address: Counter[str] = Counter()
        self._lock = threading.Lock()

    def opened(self, page: str, address: str) -> None:
        with self._lock:
            self._pages[page] += 1
            self._address[page] = address
            self._per_address[address] += 1

    def closed(self, page: str) -> None:
        with self._lock:
            address = self._address.get(page, "?")
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]
            self._pages[page] -= 1
            if self._pages[page] <= 0:
                del self._pages[page]
                self._address.pop(page, None)

    def is_open(self, page: str) -> bool:
        with self._lock:
            return page in self._pages

    def at(self, address: str) -> int:
        """Heartbeat connections open from ``address``."""
        with self._lock:
            return self._per_address.get(address, 0)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)


OPEN = OpenPages()  # the app's open pages (one app per process; tests that need their own make one)
