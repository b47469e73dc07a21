"""Turns at a few shared slots, taken in order by client (address) and, within a client, by page: a client with
forty streams waits its turn like a client with one. Asyncio only (the server's event loop): a waiter holds no
thread, so page loads and other events never wait for a thread behind it."""
from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from typing import AsyncIterator

import anyio


class Turns:
    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.busy = 0
        # client → page → the page's waiters (futures), each client and page in the order its turn comes
        self._waiting: OrderedDict[str, OrderedDict[str, deque[asyncio.Future]]] = OrderedDict()
        self.limiter = anyio.CapacityLimiter(slots)  # the threads the turns' work runs on: their own, not Gradio's

    @contextlib.asynccontextmanager
    async def turn(self, client: str, page: str) -> AsyncIterator[None]:
        """Hold one slot for the body of the ``async with``."""
        if self.busy < self.slots and not self._waiting:
            self.busy += 1
        else:
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.setdefault(client, OrderedDict()).setdefault(page, deque()).append(waiter)
            try:
                await waiter  # resolved by _hand_on, which passes its slot on to us
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._hand_on()  # the slot came as we were leaving: pass it on
                else:
                    self._forget(client, page, waiter)
                raise
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        """Give a finished turn's slot to the next waiter: the client whose turn it is, its page whose turn it is."""
        while self._waiting:
            client, pages = next(iter(self._waiting.items()))
            page, waiters = next(iter(pages.items()))
            waiter = waiters.popleft()
            if waiters:
                pages.move_to_end(page)
            else:
                del pages[page]
            if pages:
                self._waiting.move_to_end(client)
            else:
                del self._waiting[client]
            if not waiter.done():
                waiter.set_result(None)
                return
        self.busy -= 1

    def _forget(self, client: str, page: str, waiter: asyncio.Future) -> None:
        pages = self._waiting.get(client, {})
        waiters = pages.get(page)
        if waiters is not None and waiter in waiters:
            waiters.remove(waiter)
            if not waiters:
                del pages[page]
            if not pages:
                del self._waiting[client]

    def waiting(self) -> int:
        return sum(len(w) for pages in self._waiting.values() for w in pages.values())
