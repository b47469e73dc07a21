"""Turns at shared slots (playground/turns.py) by client, then by page; and the streaming tabs' loop
(playground/live_loop.py) taking them: one client's many streams wait like one page, holding no thread."""
import asyncio
import threading
import time

import gradio as gr

from playground import live_loop
from playground.turns import Turns


def test_a_client_with_many_waiters_gets_one_turn_in_two():
    order = []

    async def go():
        turns = Turns(1)

        async def work(client, page):
            async with turns.turn(client, page):
                order.append(client)
                await asyncio.sleep(0.001)

        tasks = [asyncio.create_task(work("bot", f"p{i}")) for i in range(10)]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(work("student", "s")))
        await asyncio.gather(*tasks)
    asyncio.run(go())
    assert order.index("student") <= 2 and len(order) == 11


def test_pages_of_one_client_take_turns_too():
    order = []

    async def go():
        turns = Turns(1)

        async def work(page, n):
            for _ in range(n):
                async with turns.turn("school", page):
                    order.append(page)
                    await asyncio.sleep(0.001)

        await asyncio.gather(work("a", 5), work("b", 5))
    asyncio.run(go())
    assert order[:6] == ["a", "b"] * 3


def test_a_waiter_that_leaves_passes_nothing_on_and_the_slot_comes_back():
    async def go():
        turns = Turns(1)
        held = asyncio.Event()
        release = asyncio.Event()

        async def holder():
            async with turns.turn("c", "p"):
                held.set()
                await release.wait()

        h = asyncio.create_task(holder())
        await held.wait()
        leaving = asyncio.create_task(turns.turn("c", "q").__aenter__())
        await asyncio.sleep(0)
        leaving.cancel()
        await asyncio.gather(leaving, return_exceptions=True)
        assert turns.waiting() == 0
        release.set()
        await h
        assert turns.busy == 0
        async with turns.turn("d", "r"):  # a free slot is taken at once
            assert turns.busy == 1
    asyncio.run(go())


class Runs:
    """Streams' runs whose frames record how many frames were being computed at once, across all of them."""

    def __init__(self):
        self.computing = self.most = 0
        self.lock = threading.Lock()

    def frame(self, run, speed):
        with self.lock:
            self.computing += 1
            self.most = max(self.most, self.computing)
        time.sleep(0.005)
        with self.lock:
            self.computing -= 1
        run.left -= 1
        run.playing = run.left > 0
        return ("picture",)


class Run:
    def __init__(self, frames: int):
        self.playing, self.left = True, frames


def test_streams_compute_at_most_their_slots_at_once():
    runs, counter = [Run(5) for _ in range(12)], Runs()

    async def play(run):
        return [out async for out in live_loop.stream(run, counter.frame, 1, None, shown=1, frame_s=0.0)]

    async def go():
        return await asyncio.gather(*(play(r) for r in runs))
    outs = asyncio.run(go())
    assert all(len(o) == 5 for o in outs) and counter.most == live_loop.STREAM_SLOTS


def test_a_second_stream_of_a_playing_run_ends_at_once_and_changes_nothing():
    counter = Runs()

    async def twice():
        run = Run(3)
        first = live_loop.stream(run, counter.frame, 1, None, shown=1, frame_s=0.01)
        one = await first.__anext__()
        second = [out async for out in live_loop.stream(run, counter.frame, 1, None, shown=1)]
        await first.aclose()
        third = [out async for out in live_loop.stream(run, counter.frame, 1, None, shown=1, frame_s=0.0)]
        return one, second, third
    one, second, third = asyncio.run(twice())
    assert one[0] == "picture" and len(second) == 1 and all(isinstance(v, type(gr.skip())) for v in second[0])
    assert len(third) == 2  # once the first stream closed, the run streams again


def test_one_address_plays_at_most_its_share_of_streams(monkeypatch):
    """One client's 40 streams once held every one of Gradio's running-event slots: nobody's click ran."""
    from types import SimpleNamespace

    from playground import limits

    monkeypatch.setattr(limits, "STREAMS_PER_ADDRESS", 2)
    monkeypatch.setattr(live_loop.messages, "warning", lambda *a, **k: None)
    counter = Runs()

    def request(address, page):
        return SimpleNamespace(session_hash=page, headers={}, client=SimpleNamespace(host=address))

    async def go():
        held = [live_loop.stream(Run(100), counter.frame, 1, request("bot", f"p{i}"), shown=1, frame_s=0.01)
                for i in range(2)]
        for stream in held:
            await stream.__anext__()
        third_run = Run(100)
        third = [out async for out in live_loop.stream(third_run, counter.frame, 1, request("bot", "p2"), shown=1)]
        other_run = Run(2)
        other = [out async for out in live_loop.stream(other_run, counter.frame, 1, request("school", "s"),
                                                       shown=1, frame_s=0.0)]
        for stream in held:
            await stream.aclose()
        return third_run, third, other
    third_run, third, other = asyncio.run(go())
    assert not third_run.playing and len(third) == 1 and third[0][-1].value == str(live_loop.PLAY_LABEL)
    assert len(other) == 2 and other[0][0] == "picture"
    assert not live_loop._per_address  # every stream that ended gave its place back
