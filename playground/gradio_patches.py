"""Every place the app reaches into Gradio's internals, in one module. Gradio is pinned (requirements.txt);
tests/test_gradio_patches.py fails when an upgrade moves what these rely on.

- **Lean, bounded per-page state.** Gradio makes a SessionState for every session hash a request names (made up by
  the client) and copies every component's config into it (1.6 MB and ~70 ms of CPU here, for Gradio's deep links
  only, a route the front door refuses): ~10 000 made-up sessions took the main process to 10.5 GB, and past its
  10 000-session limit Gradio evicted the oldest — open pages' state (a teacher's class, a page's doodles) first.
  ``LeanSession`` keeps no config copy; ``BoundedStateHolder`` keeps the open pages' state (clients.OPEN) and at most
  limits.SESSIONS_KEPT others, the least recently used evicted first.
- **Events per page and per address** waiting in the queue (``cap_queue``), so no client can hold the whole queue.
- **Start-up** that does not depend on the machine's mood: launch() checks that the server answers with a 3-s
  HEAD and exits if not (5 of ~12 starts on a busy machine); ``ready`` waits for it instead.
- **Cache files written whole.** Gradio writes an output picture to a file named by its content; writing the same
  picture again while the page fetches it served a file shorter than its announced length (a blank picture).
- **No bare "Error".** A value Gradio cannot read for an event's input (a crafted request: 123 of 740 tried) or a
  fault in a handler ended in a box saying only "Error"; ``said_errors`` says what happened, in the page's language.
"""
from __future__ import annotations

import asyncio
import datetime
import functools
import html
import itertools
import os
import tempfile
import time
from copy import copy
from pathlib import Path
from typing import Any, Callable

import gradio as gr
import gradio.networking
import gradio.processing_utils
import gradio.routes
import httpx
from gradio.exceptions import ComponentProcessingError
from gradio.state_holder import SessionState, StateHolder
from pydantic import ValidationError

from . import clients, i18n

READY_S = 120.0  # how long launch() waits for its own server to answer


class LeanSession(SessionState):
    """SessionState without the per-page copy of every component's config (``config_values``), which only Gradio's
    deep links read."""

    def __init__(self, blocks: gr.Blocks) -> None:  # noqa: D107 — SessionState's attributes, but config_values empty
        self.blocks_config = copy(blocks.default_config)
        self.config_values = {}
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600

    def __setitem__(self, key: int, value: Any) -> None:
        block = self.blocks_config.blocks.get(key)
        if isinstance(block, gr.State):
            self._state_ttl[key] = (block.time_to_live, datetime.datetime.now())
            self.state_data[key] = value
        else:
            self.blocks_config.blocks[key] = value

    def _update_config(self, key: int) -> None:
        pass

    def _update_value_in_config(self, key: int, value: Any) -> None:
        pass


class BoundedStateHolder(StateHolder):
    """Gradio's per-page state: lean, and beyond ``capacity`` the least recently used of the pages not open now go
    (an open page's state only when nothing else is left)."""

    def __init__(self, pages: clients.OpenPages | None = None) -> None:
        super().__init__()
        self.pages = clients.OPEN if pages is None else pages

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LeanSession(self.blocks)
        self.update(session_id)
        self.time_last_used[session_id] = datetime.datetime.now()
        return self.session_data[session_id]

    def update(self, session_id: str) -> None:
        with self.lock:
            if session_id in self.session_data:
                self.session_data.move_to_end(session_id)
            over = len(self.session_data) - self.capacity
            if over <= 0:
                return
            closed = (k for k in self.session_data if k != session_id and not self.pages.is_open(k))
            for key in list(itertools.islice(closed, over)):
                del self.session_data[key]
                self.time_last_used.pop(key, None)


def cap_queue(demo: gr.Blocks, per_page: int, per_address: int) -> None:
    """Refuse (as Gradio refuses a full queue: "This application is currently busy") an event while its page has
    ``per_page`` waiting, or its address ``per_address``."""
    queue = demo._queue
    push = queue.push

    def waiting() -> list:
        return [event for q in queue.event_queue_per_concurrency_id.values() for event in q.queue]

    async def capped_push(body: Any, request: Any, username: Any = None) -> tuple:
        if body.session_hash is not None:
            events = waiting()
            if sum(1 for e in events if e.session_hash == body.session_hash) >= per_page:
                return False, f"This page already has {per_page} requests waiting; wait for them to finish.", \
                    "queue_full"
            address = clients.of_request(request)
            if sum(1 for e in events if clients.of_request(e.request) == address) >= per_address:
                return False, "Too many requests are waiting from your network; try again in a moment.", "queue_full"
        return await push(body=body, request=request, username=username)

    queue.push = capped_push


def ready(url: str) -> bool:
    """launch()'s check that its own server answers: waits up to READY_S (Gradio's gives up after a 3-s HEAD)."""
    deadline = time.monotonic() + READY_S
    while True:
        try:
            r = httpx.head(url, timeout=10, verify=False)
            if r.status_code in (200, 401, 301, 302, 303, 307, 308):
                return True
        except (httpx.TransportError, OSError):
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def save_pil_to_cache(img: Any, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    """processing_utils.save_pil_to_cache, but a file that is already there is left alone, and a new one appears
    whole (written beside it, then renamed)."""
    data = gradio.processing_utils.encode_pil_to_bytes(img, format)
    folder = Path(cache_dir) / gradio.processing_utils.hash_bytes(data)
    folder.mkdir(exist_ok=True, parents=True)
    path = (folder / f"{name}.{format}").resolve()
    if not (path.exists() and path.stat().st_size == len(data)):
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return str(path)


def said_errors(process_api: Callable) -> Callable:
    """Blocks.process_api, raising every failure as a gr.Error the page can read: an input Gradio could not read
    (ComponentProcessingError, a wrong number of inputs) as "not readable", anything else as what it was."""
    if getattr(process_api, "said", False):
        return process_api

    @functools.wraps(process_api)
    async def process(self: gr.Blocks, *args: Any, **kwargs: Any) -> Any:
        try:
            return await process_api(self, *args, **kwargs)
        except (gr.Error, asyncio.CancelledError):
            raise
        except Exception as exc:  # noqa: BLE001 — said to the page, and logged as before by Gradio
            request = kwargs.get("request")
            lang = i18n.lang_of(getattr(request, "headers", None) or {})
            unreadable = isinstance(exc, (ComponentProcessingError, ValidationError, ValueError, TypeError))
            phrase = (i18n.phrase("msg.unreadable") if unreadable else
                      i18n.phrase("msg.internal", error=type(exc).__name__))
            raise gr.Error(html.escape(i18n.in_lang(phrase, lang), quote=False),
                           title=i18n.t("msg.title.error", lang)) from exc
    process.said = True  # type: ignore[attr-defined]
    return process


def install() -> None:
    """The patches that apply before an app is made (idempotent); app.launch calls it."""
    gradio.routes.StateHolder = BoundedStateHolder
    gradio.networking.url_ok = ready
    gradio.processing_utils.save_pil_to_cache = save_pil_to_cache
    gr.Blocks.process_api = said_errors(gr.Blocks.process_api)
