"""A cap on the events one page may have waiting in Gradio's queue, so no client can hold the whole queue.

Gradio bounds the queue as a whole (max_size) but not per client: 64 queued events from one script filled it, and
every new visitor's page then failed with "Queue is full". Pages load outside the queue (lab2d.attach); this cap
keeps room in it for everyone else's clicks. Clients are told apart by Gradio's session hash, not by address: a
class behind one school router shares a single address.
"""
from __future__ import annotations

from typing import Any

import gradio as gr


def waiting(queue: Any, session_hash: str) -> int:
    """Events of ``session_hash`` waiting (not yet running) in ``queue``."""
    return sum(1 for q in queue.event_queue_per_concurrency_id.values() for event in q.queue
               if event.session_hash == session_hash)


def cap_per_page(demo: gr.Blocks, limit: int) -> None:
    """Refuse (503, "This application is currently busy") a page's event while it already has ``limit`` waiting."""
    queue = demo._queue
    push = queue.push

    async def capped_push(body: Any, request: Any, username: Any = None) -> tuple:
        if body.session_hash is not None and waiting(queue, body.session_hash) >= limit:
            return False, f"This page already has {limit} requests waiting; wait for them to finish.", "queue_full"
        return await push(body=body, request=request, username=username)

    queue.push = capped_push
