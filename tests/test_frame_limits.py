"""The lab's frame requests: at most one per page at a time, computed on threads of their own (never the pool that
page loads and other tabs share), and runs that nobody reaches are freed, up to a ceiling of live runs."""
import asyncio
import json
import threading
from types import SimpleNamespace

import anyio
import pytest

from conftest import ManualClock, frame_request
from playground.lab import session as lab_session
from playground.lab import runs as registry_module
from playground.lab.protocol import pack, unpack
from playground.lab.runs import Registry, ServerFull
from playground.tabs.lab2d import Lab


@pytest.fixture
def pages(monkeypatch):
    """Pages whose frames block until released, on a registry of their own."""
    lab = Lab(Registry())
    release = threading.Event()

    def held(self, *args, **kwargs):
        release.wait(30)
        return pack({"iteration": 1})
    made = [lab.registry.get(f"page-{i}") for i in range(6)]
    monkeypatch.setattr(lab_session.LabSession, "reply", held)
    yield SimpleNamespace(sessions=made, release=release, lab=lab)
    release.set()


def request(token):
    return frame_request(token, "play", 1)


def test_more_frames_for_a_page_while_one_is_computed_wait_for_it_and_are_answered_busy(pages):
    async def go():
        first = asyncio.ensure_future(pages.lab.frame(request(pages.sessions[0].token)))
        await asyncio.sleep(0.05)
        seconds = [asyncio.ensure_future(pages.lab.frame(request(pages.sessions[0].token))) for _ in range(80)]
        await asyncio.sleep(0.2)
        waiting = (sum(not s.done() for s in seconds), pages.lab.limiter.borrowed_tokens)
        pages.release.set()
        return unpack(await first), [unpack(s) for s in await asyncio.gather(*seconds)], waiting
    first, seconds, (still_waiting, computing) = asyncio.run(go())
    assert still_waiting == 80 and computing == 1  # 80 requests held, one frame computed, no thread each
    assert first == {"iteration": 1} and all(s == {"busy": True} for s in seconds)


def test_frames_never_take_threads_from_the_pool_page_loads_use(pages, monkeypatch):
    pages.lab.limiter.total_tokens = 2

    async def go():
        shared = anyio.to_thread.current_default_thread_limiter()
        ticks = [asyncio.ensure_future(pages.lab.frame(request(s.token))) for s in pages.sessions]
        await asyncio.sleep(0.2)
        seen = (pages.lab.limiter.borrowed_tokens, shared.borrowed_tokens)
        loaded = await anyio.to_thread.run_sync(lambda: "page load")  # the shared pool still answers at once
        pages.release.set()
        await asyncio.gather(*ticks)
        return seen, loaded
    (frames, shared), loaded = asyncio.run(go())
    assert frames == 2 and shared == 0 and loaded == "page load"


@pytest.fixture
def clock(monkeypatch):
    c = ManualClock()
    monkeypatch.setattr(registry_module.time, "monotonic", c)
    return c


def test_runs_nobody_reaches_are_freed_and_pinged_ones_kept(clock):
    r = Registry(idle_s=300)
    api_only, open_page = r.get("raw-api-call"), r.get("open-page")
    clock.now += 200
    assert json.loads(asyncio.run(Lab(r).alive(open_page.token)))  # the page's ping
    clock.now += 200
    assert r.reap() == ["raw-api-call"]
    assert "raw-api-call" not in r and "open-page" in r and r.by_token(api_only.token) is None
    clock.now += 301
    r.get("a-new-page")  # any call frees what has been idle long enough
    assert "open-page" not in r


def test_beyond_the_ceiling_a_new_page_is_told_the_server_is_full(clock, monkeypatch):
    r = Registry(idle_s=300, max_runs=2)
    r.get("a"), r.get("b")
    with pytest.raises(ServerFull):
        r.get("c")
    reply = Lab(r).on_load(SimpleNamespace(session_hash="c", query_params={}, headers={}))
    assert "server is full" in json.loads(reply[0])["message"] and "c" not in r
    r.get("a")  # still served: pages that have a run keep it
    clock.now += 301
    assert r.get("c") is not None  # idle runs freed, room for the new page
