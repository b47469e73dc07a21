"""Every limit that keeps one visitor of a public Space from slowing, filling or crashing it for the others.

One place, so the README's "Running it for a class" section and the code cannot disagree. The cost of a 2D run
itself (an iteration's time, the nets' size) is bounded by the engine: toy2d/budget.py.
"""
from __future__ import annotations

import os


def _env(name: str, default: float) -> float:
    """An override for tests, benchmarks and hosts with other needs (e.g. GAN_PLAYGROUND_RUN_IDLE_S=20)."""
    return float(os.environ.get(f"GAN_PLAYGROUND_{name}", default))


# ---- what one request may send (gate.py, in front of every route) --------------------------------------------------
MAX_BODY_KB = 1024  # an event's JSON: a 50 000-point drawing fits; a page's own drawing stops at lab2d.js's MAX_DRAWN
MAX_FRAME_REQUEST_BYTES = 2048  # a 2D lab frame request is ~150 bytes of JSON
MAX_UPLOAD_MB = 25  # uploads: the largest picture we accept (40 MP) fits as a JPEG; nothing we read needs more
MAX_FILE_SIZE = f"{MAX_UPLOAD_MB}mb"  # the same, as Gradio's launch() takes it
HEARTBEATS_PER_ADDRESS = 400  # pages open at once from one address (a school behind one router: several classes)

# ---- uploads (upload_cache.py) ---------------------------------------------------------------------------------------
UPLOAD_MB_PER_MINUTE = _env("UPLOAD_MB_PER_MINUTE", 100.0)  # per address: a class each sending a 2.5 MB photo
UPLOAD_CACHE_MB = _env("UPLOAD_CACHE_MB", 100.0)  # unread uploads of everyone together; the oldest go first beyond
UPLOAD_TTL_S = 1800.0  # an upload nobody has read for this long is removed (a read one goes at once)

# ---- Gradio's queue and its per-page state --------------------------------------------------------------------------
CONCURRENCY = 8  # events of one kind (one handler) running at once; each tab sets tighter limits on its heavy ones
QUEUE_MAX = 128  # events waiting; beyond, Gradio answers "This application is currently busy" at once
QUEUED_PER_PAGE = 4  # events one page (session) may have waiting…
QUEUED_PER_ADDRESS = 64  # …and one address (a class of 40 behind one router fits; a script takes at most half)
# Gradio's running events (a stream holds one for as long as it plays) and its thread pool for the others: Gradio's
# default, 40, let one client's 40 streams stop every other event. Streams wait on the event loop, not on a thread
# (live_loop.py), so many slots cost little; STREAMS_PER_ADDRESS keeps most of them for everyone else.
JOB_SLOTS = 200
STREAMS_PER_ADDRESS = 60  # live views (digit GANs, A/B, VAE, cGAN, doodles) playing at once from one address
SESSIONS_KEPT = int(_env("SESSIONS_KEPT", 1000))  # Gradio's per-page state beyond the open pages': least recent go

# ---- the 2D lab's runs -------------------------------------------------------------------------------------------
BUSY_REPLY_S = 1.0  # a second frame request for a page while one is computed is answered "busy" after this long
PAGE_PING_S = 60.0  # an open page tells its run it is there this often (a hidden tab's timers still fire each minute)
RUN_IDLE_S = _env("RUN_IDLE_S", 300.0)  # a run its page has not reached for this long is freed
MAX_LIVE_RUNS = int(_env("MAX_LIVE_RUNS", 100))  # ~2–8 MB each; a class of 30 reloading now and then uses ~40
RUNS_PER_ADDRESS = int(_env("RUNS_PER_ADDRESS", 50))  # pages of one address outside a class (a class's are its own)
STATE_TTL_S = 3600  # per-page runs of the other tabs (gr.State) are dropped an hour after their last change

# ---- files we write for download -----------------------------------------------------------------------------------
EXPORTS_PER_PAGE = 3  # a page's newest saves, CSVs and GIFs are kept; older ones are deleted
EXPORT_DISK_MB = _env("EXPORT_DISK_MB", 300.0)  # all pages' exports together; the oldest go first beyond this
GRADIO_CACHE_CLEANUP = (600, 3600)  # Gradio's own cache (uploads, copies): every 10 min, files older than 1 h
