"""The front door (playground/gate.py): bodies bounded before anyone reads them, routes the app never uses refused,
open pages known by their heartbeats, uploads counted per address."""
import asyncio
import json
import socket
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from playground import clients, limits
from playground.gate import Gate, body_limit
from playground.upload_cache import UploadCache


def inner_app(seen: list):
    """A stand-in for Gradio's routes: records what it read."""
    async def echo(request: Request):
        body = await request.body()
        seen.append(len(body))
        return JSONResponse({"read": len(body)})

    async def upload(request: Request):
        await request.body()
        return JSONResponse([str(request.app.state.stored)])

    return Starlette(routes=[Route("/gradio_api/queue/join", echo, methods=["POST"]),
                             Route("/gradio_api/deep_link", echo, methods=["GET"]),
                             Route("/gradio_api/upload", upload, methods=["POST"])])


@pytest.fixture
def door(tmp_path):
    seen: list = []
    app = inner_app(seen)
    app.state.stored = tmp_path / "up" / "a.png"
    app.state.stored.parent.mkdir()
    app.state.stored.write_bytes(b"x" * 1000)
    pages, uploads = clients.OpenPages(), UploadCache(max_bytes=1e9, per_address_mb=0.005, ttl_s=1e9)
    gate = Gate(app, pages=pages, uploads=uploads)
    return dict(gate=gate, seen=seen, pages=pages, uploads=uploads, app=app)


def call(gate, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate), base_url="http://test") as c:
            return await c.request(method, path, content=body, headers=headers)
    return asyncio.run(go())


def test_a_body_over_its_routes_limit_is_refused_and_the_route_reads_nothing(door):
    too_big = b"[" + b"0," * (limits.MAX_BODY_KB * 512) + b"0]"
    r = call(door["gate"], "POST", "/gradio_api/queue/join", too_big)
    assert r.status_code == 413 and door["seen"] == []
    assert call(door["gate"], "POST", "/gradio_api/queue/join", b"[1, 2]").json() == {"read": 6}


def test_a_body_without_a_length_is_cut_off_where_it_passes_the_limit(door):
    async def chunks():
        for _ in range(limits.MAX_BODY_KB):
            yield b"x" * 2048

    r = call(door["gate"], "POST", "/gradio_api/queue/join", chunks())
    assert r.status_code == 413 and door["seen"] == []


def test_each_route_has_its_own_limit():
    assert body_limit("/gradio_api/upload") > limits.MAX_UPLOAD_MB * 2**20
    assert body_limit("/lab/frame") == limits.MAX_FRAME_REQUEST_BYTES
    assert body_limit("/gradio_api/queue/join") == body_limit("/anything") == limits.MAX_BODY_KB * 1024


@pytest.mark.parametrize("path", ["/gradio_api/deep_link", "/gradio_api/process_recording",
                                  "/gradio_api/run-history/connect", "/gradio_api/vibe-edit",
                                  "/gradio_api/stream/abc", "/gradio_api/proxy=https://example.com/x"])
def test_routes_the_app_never_uses_are_not_found(door, path):
    assert call(door["gate"], "GET", path).status_code == 404 and door["seen"] == []


def test_a_page_is_open_while_its_heartbeat_is():
    pages = clients.OpenPages()

    async def go():
        answering, release = asyncio.Event(), asyncio.Event()

        async def heartbeat(scope, receive, send):  # Gradio's: a stream held while the page is open
            await send({"type": "http.response.start", "status": 200, "headers": []})
            answering.set()
            await release.wait()
            await send({"type": "http.response.body", "body": b""})

        async def sent(message):
            pass

        scope = {"type": "http", "method": "GET", "path": "/gradio_api/heartbeat/page-1", "headers": [],
                 "client": ("10.0.0.7", 5000)}
        held = asyncio.create_task(Gate(heartbeat, pages=pages)(scope, None, sent))
        await answering.wait()
        assert pages.is_open("page-1") and not pages.is_open("page-2") and pages.at("10.0.0.7") == 1
        release.set()
        await held
        assert not pages.is_open("page-1") and pages.at("10.0.0.7") == 0
    asyncio.run(go())


def test_uploads_are_counted_per_address_and_recorded_for_removal(door):
    first = call(door["gate"], "POST", "/gradio_api/upload", b"y" * 4000)
    assert first.status_code == 200 and door["uploads"].held(first.json()[0])
    second = call(door["gate"], "POST", "/gradio_api/upload", b"y" * 4000)  # 8 kB in a minute; 5 kB allowed
    assert second.status_code == 429 and int(second.headers["retry-after"]) >= 1


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(monkeypatch):
    headers = {"x-forwarded-for": "6.6.6.6, 10.0.0.9"}
    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.delenv("GAN_PLAYGROUND_TRUSTED_PROXY", raising=False)
    assert clients.address(headers, "127.0.0.1") == "127.0.0.1"  # the client's own word is ignored
    monkeypatch.setenv("SPACE_ID", "someone/gan-playground")
    assert clients.address(headers, "10.1.2.3") == "10.0.0.9"  # the proxy's entry is the last one


def test_the_served_app_refuses_a_24_mb_body_at_once_without_reading_it(served_app):
    """One 24 MB "drawing" froze every page for 10–22 s. Only the headers are sent: the answer must not wait for
    the body."""
    host, port = served_app.base_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        t0 = time.perf_counter()
        s.sendall(b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 25165824\r\n\r\n" + b'{"data": [')
        answer = s.recv(4096)
        elapsed = time.perf_counter() - t0
    assert answer.startswith(b"HTTP/1.1 413") and elapsed < 2.0
    assert b"Request too large" in answer
    reply = json.loads(httpx.get(served_app.base_url + "/config", timeout=30).text)
    assert reply["components"]  # and the app goes on answering


def test_the_page_is_built_once_and_sent_compressed_to_browsers_that_take_it(served_app):
    """Gradio built 2.7 MB of HTML per page load (~200 ms of the main process, while every frame waited)."""
    import brotli

    from playground import gate

    base = served_app.base_url
    plain = httpx.get(base + "/", headers={"Accept-Encoding": "identity"}, timeout=60)
    built = gate.PAGES.built
    again = httpx.get(base + "/", headers={"Accept-Encoding": "identity"}, timeout=60)
    assert again.status_code == 200 and again.content == plain.content and gate.PAGES.built == built
    assert b"lab-view" in plain.content and len(plain.content) > 500_000
    with httpx.Client(headers={"Accept-Encoding": "br"}, timeout=60) as c:  # the raw bytes, as they travel
        with c.stream("GET", base + "/?lang=ko&class=ABCDEFGH") as r:
            raw = b"".join(r.iter_raw())
            assert r.headers["content-encoding"] == "br" and len(raw) < len(plain.content) / 10
    assert brotli.decompress(raw) == plain.content  # the page's own query is read by the page, not the server
    other = httpx.get(base + "/", headers={"Accept-Encoding": "identity", "Host": "class.example.org"}, timeout=60)
    assert b"class.example.org" in other.content and b"class.example.org" not in plain.content
