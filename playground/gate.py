"""The app's front door: an ASGI middleware in front of every route, Gradio's and the lab's (app.launch installs
it), so that what one client sends is bounded before anyone reads it.

- **Bodies.** Gradio's routes take JSON of any size, parsed on the server's one event loop: one 24 MB "drawing"
  froze every page for 10–22 s. A body declared larger than its route's limit (limits.py: uploads, the lab's frame
  route, everything else) is refused (413) unread; one sent without a length is cut off where it passes the limit.
- **Routes this app never uses** that write to disk or act for the client (deep links, recordings, run history, the
  vibe editor, streaming inputs, the proxy) answer 404.
- **Heartbeats.** Every page holds Gradio's heartbeat connection while it is open: its opening and closing tell
  clients.OPEN which pages are open. One address may hold limits.HEARTBEATS_PER_ADDRESS of them.
- **Uploads** are counted per address (limits.UPLOAD_MB_PER_MINUTE) before they are read, and the files Gradio
  stored are handed to upload_cache.UPLOADS, which removes them once read and bounds the cache.
- **The page and its config** are the same bytes for every visitor, but Gradio builds them for each one: 2.7 MB of
  HTML (the config and the API description inside) and 0.9 MB of JSON, ~270 ms of the main process's CPU per page
  load, during which every playing page's frames waited. They are built once per (address of the app, page) and
  kept, compressed with Brotli once for the browsers that take it (``PageCache``).
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

import brotli

from . import clients, limits
from .upload_cache import UPLOADS, UploadCache

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

REFUSED = re.compile(r"/gradio_api/(deep_link|process_recording|run-history|vibe-|undo-vibe-edit|vibe-code|stream/"
                     r"|proxy=)")
HEARTBEAT = re.compile(r"/gradio_api/heartbeat/([^/]+)$")
UPLOAD = re.compile(r"/gradio_api/upload/?$")
FRAME = re.compile(r"/lab/frame$")


def body_limit(path: str) -> int:
    """The most bytes a request to ``path`` may send."""
    if UPLOAD.search(path):
        return limits.MAX_UPLOAD_MB * 2**20 + 64 * 1024  # the file and its multipart framing
    if FRAME.search(path):
        return limits.MAX_FRAME_REQUEST_BYTES
    return limits.MAX_BODY_KB * 1024


async def _answer(send: Send, status: int, text: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": text, "error": text}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


CACHED = re.compile(r"^/(config/?)?$")  # the page and its config


class PageCache:
    """Whole answers of GET "/" and "/config", by what they depend on: the app's address as the browser sees it
    (host and proxy headers: the links inside), the ``page`` asked for, and whether the browser takes Brotli.
    Other query parameters (?lang=, ?class=, settings) are read by the page itself, not by the server."""

    HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port", b"x-forwarded-prefix")

    def __init__(self, most: int = 16) -> None:
        self.most = most
        self._answers: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self.built = 0  # answers the app built (misses): tests and benchmarks read it

    def key(self, scope: Scope) -> tuple:
        headers = dict((k.lower(), v) for k, v in scope.get("headers") or ())
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        brotli_ok = b"br" in headers.get(b"accept-encoding", b"")
        return (scope.get("path"), scope.get("root_path", ""), tuple(query.get("page", [])),
                *(headers.get(h, b"") for h in self.HEADERS), brotli_ok)

    async def answer(self, app: Callable, scope: Scope, receive: Receive, send: Send) -> None:
        key = self.key(scope)
        held = self._answers.get(key)
        if held is None:
            start: dict = {}
            body = bytearray()

            async def capture(message: dict) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    body.extend(message.get("body", b""))
            await app(scope, receive, capture)
            self.built += 1
            if start.get("status") != 200:
                await send(start)
                await send({"type": "http.response.body", "body": bytes(body)})
                return
            held = self._keep(key, start, bytes(body), brotli_ok=key[-1])
        start, data = held
        self._answers.move_to_end(key)
        await send(start)
        await send({"type": "http.response.body", "body": data})

    def _keep(self, key: tuple, start: dict, body: bytes, brotli_ok: bool) -> tuple[dict, bytes]:
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length",
                                                                                      b"content-encoding")]
        if brotli_ok:
            body = brotli.compress(body, quality=9)
            headers += [(b"content-encoding", b"br"), (b"vary", b"Accept-Encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        held = (dict(start, headers=headers), body)
        self._answers[key] = held
        while len(self._answers) > self.most:
            self._answers.popitem(last=False)
        return held


class Gate:
    """The middleware (``app_kwargs={"middleware": [Middleware(Gate)]}``)."""

    def __init__(self, app: Callable, pages: clients.OpenPages | None = None, uploads: UploadCache | None = None,
                 page_cache: PageCache | None = None):
        self.app = app
        self.pages = clients.OPEN if pages is None else pages
        self.uploads = UPLOADS if uploads is None else uploads
        self.page_cache = PAGES if page_cache is None else page_cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, method = scope.get("path", ""), scope.get("method")
        if FRAME.search(path):  # the lab's frames, many a second: its route reads at most its limit itself
            declared = _content_length(scope)
            if declared is not None and declared > limits.MAX_FRAME_REQUEST_BYTES:
                return await _answer(send, 413, f"Request too large: at most {limits.MAX_FRAME_REQUEST_BYTES} bytes")
            return await self.app(scope, receive, send)
        if REFUSED.search(path):
            return await _answer(send, 404, "Not Found")
        limit = body_limit(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await _answer(send, 413, f"Request too large: at most {limit} bytes")
        beat = HEARTBEAT.search(path) if method == "GET" else None
        if beat:
            return await self._heartbeat(beat.group(1), clients.of_scope(scope), scope, receive, send)
        if method == "POST" and UPLOAD.search(path):
            return await self._upload(clients.of_scope(scope), declared, limit, scope, receive, send)
        if method in ("POST", "PUT", "PATCH"):
            return await self._bounded(limit, scope, receive, send)
        if method == "GET" and CACHED.match(path):
            return await self.page_cache.answer(self.app, scope, receive, send)
        return await self.app(scope, receive, send)

    async def _bounded(self, limit: int, scope: Scope, receive: Receive, send: Send,
                       on_body: Callable[[bytes], None] | None = None) -> None:
        """Pass the request on, counting what it sends; past ``limit`` the app is told the client has gone (so it
        stops reading), its answer is dropped and the client gets 413. ``on_body`` sees the response's body."""
        read, cut, started = 0, False, False

        async def counted() -> dict:
            nonlocal read, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    cut = True
                    return {"type": "http.disconnect"}
            return message

        async def sending(message: dict) -> None:
            nonlocal started
            if cut:
                return  # the app's answer to a body it was not given
            started = started or message["type"] == "http.response.start"
            if on_body is not None and message["type"] == "http.response.body":
                on_body(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except Exception:
            if not cut:
                raise
        if cut and not started:
            await _answer(send, 413, f"Request too large: at most {limit} bytes")

    async def _heartbeat(self, page: str, address: str, scope: Scope, receive: Receive, send: Send) -> None:
        if self.pages.at(address) >= limits.HEARTBEATS_PER_ADDRESS:
            return await _answer(send, 429, "Too many open pages from this address")
        self.pages.opened(page[:128], address)
        try:
            await self.app(scope, receive, send)
        finally:
            self.pages.closed(page[:128])

    async def _upload(self, address: str, declared: int | None, limit: int, scope: Scope, receive: Receive,
                      send: Send) -> None:
        wait = self.uploads.admit(address, declared if declared is not None else limit)
        if wait:
            return await _answer(send, 429, f"Too many uploads from this address: try again in {wait:.0f} s",
                                 [(b"retry-after", str(int(wait) + 1).encode())])
        answer = bytearray()
        await self._bounded(limit, scope, receive, send, on_body=answer.extend)
        try:
            paths = json.loads(bytes(answer))
        except ValueError:
            return
        if isinstance(paths, list):
            self.uploads.record([p for p in paths if isinstance(p, str)], address)


PAGES = PageCache()  # the app's (one app per process)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
