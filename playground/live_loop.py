"""Play / pause for tabs that stream JPEG frames from one generator event per playing page.

A JPEG gr.Image streamed this way repaints several times faster in Chromium than a gr.Timer, which pays a full
request per frame (benchmarks/RESULTS.md). Pause only clears the run's ``playing`` flag; the stream sees it after its
current frame and ends, so a paused page holds no worker.

The streams of every tab and page share STREAM_SLOTS threads of their own, taken in turn by client and page
(turns.Turns), and wait between frames on the event loop, not on a thread: one client that opened forty streams
(digit GANs, VAE, doodles) held all of Gradio's forty threads, and the 2D lab fell to 1.7 frames/s and new pages
took 16 s to load. Now they get one client's turn at a slot that is never the lab's or a page load's.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any, AsyncIterator, Callable

import anyio
import gradio as gr

from playground import clients, i18n, limits, messages
from playground.catalogue import t
from playground.turns import Turns
from toy2d.live import LiveTrainer

FRAME_S = 1 / 15  # at most 15 frames/s: Chromium paints these JPEG frames as fast (benchmarks/experiments2d.py)
TRAIN_BUDGET_S = 0.04  # a frame trains at most this long, so a costly setting slows training, not the picture
STREAM_SLOTS = 1  # frames computed at once for all streams together: at most one core's worth, beside the 2D lab
TURNS = Turns(STREAM_SLOTS)
_streaming: set[int] = set()  # the runs a stream is training now (one stream per run)
_per_address: Counter[str] = Counter()  # streams playing now, by address (limits.STREAMS_PER_ADDRESS)


# The button's words: "‖ Pause", not ⏸ (Debian's fonts and older Windows ones have no glyph for it, only a box).
PAUSE_LABEL, PLAY_LABEL = i18n.text("live.pause"), i18n.text("live.play")


def play_button(playing: bool) -> gr.Button:
    return gr.Button(PAUSE_LABEL if playing else PLAY_LABEL)


async def stream(run: Any, frame: Callable[[Any, float], tuple], speed: float, request: gr.Request | None,
                 shown: int = 2, frame_s: float = FRAME_S) -> AsyncIterator[tuple]:
    """While ``run.playing``: yield frame(run, speed) (``shown`` outputs) plus the play button's label when it
    changes, then wait out the rest of ``frame_s``. ``frame`` may clear ``run.playing`` (e.g. on divergence) to end the
    stream. ``request``: whose stream it is (its client and page take their turn at the slots).

    A stream that finds its run paused still yields once: Gradio blanks every output of a generator that yields
    nothing. That happens when Play is pressed while a Reset is replacing the run (the new run is paused). A second
    stream of a run that one is training already (a crafted request, or Play pressed again before the first saw
    Pause) ends at once and changes nothing."""
    if run is not None and id(run) in _streaming:
        yield (*[gr.skip()] * shown, gr.skip())
        return
    client = clients.of_request(request) if request is not None else "?"
    page = getattr(request, "session_hash", None) or "?"
    if run is not None and run.playing and _per_address[client] >= limits.STREAMS_PER_ADDRESS:
        run.playing = False
        messages.warning(i18n.phrase("live.msg.streams_per_address", most=limits.STREAMS_PER_ADDRESS))
        yield (*[gr.skip()] * shown, play_button(False))
        return
    yielded = False
    if run is not None:
        _streaming.add(id(run))
    _per_address[client] += 1
    try:
        while run is not None and run.playing:
            t0 = time.perf_counter()
            async with TURNS.turn(client, page):
                out = await anyio.to_thread.run_sync(frame, run, speed, limiter=TURNS.limiter)
            yield (*out, gr.skip() if run.playing else play_button(False))
            yielded = True
            await asyncio.sleep(max(0.0, frame_s - (time.perf_counter() - t0)))
        if not yielded:
            yield (*[gr.skip()] * shown, play_button(False))
    finally:
        if run is not None:
            _streaming.discard(id(run))
        _per_address[client] -= 1
        if _per_address[client] <= 0:
            del _per_address[client]


def train(step: Callable[[], Any] | LiveTrainer, n: int, budget_s: float | None = None) -> int:
    """Step a live trainer (or call ``step``) up to n times, stopping once TRAIN_BUDGET_S (or ``budget_s``) has
    passed, after at least one call, or when the run diverged (``step`` returned False; that call is not counted).
    Returns the steps made: the caller says so when fewer than asked."""
    if isinstance(step, LiveTrainer):
        trainer = step

        def step() -> bool:
            return trainer.diverged is None and trainer.step() is not False and trainer.diverged is None
    budget = TRAIN_BUDGET_S if budget_s is None else budget_s
    t0 = time.perf_counter()
    for done in range(1, n + 1):
        if step() is False:
            return done - 1
        if time.perf_counter() - t0 >= budget:
            return done
    return n


def short(done: int, asked: int, lang: str = "en") -> str:
    """What the view says when a frame trained fewer iterations than the speed slider asks."""
    if done >= asked:
        return ""
    return " · " + t("live.short", lang, done=done, asked=asked, ms=f"{TRAIN_BUDGET_S * 1000:.0f}")


def iterations(speed: float | None, most: int = 200) -> int:
    """The speed slider's value as a whole number of iterations per frame, within [1, most]."""
    try:
        return max(1, min(most, int(speed or 1)))
    except (TypeError, ValueError, OverflowError):
        return 1
