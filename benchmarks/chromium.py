"""The headless Chromium that the browser tests and benchmarks/live_fps.py drive: Debian's /usr/bin/chromium with
the flags this sandbox needs (no GPU, no sandbox, no background network traffic), and a free loopback port."""
from __future__ import annotations

import socket

EXECUTABLE = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
