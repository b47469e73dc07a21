"""What every trainer a page steps live has in common (the 2D GANs, the VAE, the digit GANs, the doodle GANs):
an iteration count, one ``step``, and ``diverged``: None, or a ``Divergence`` saying where and why the run stopped,
so that a page pauses with a message rather than a traceback, whichever model it runs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from . import reasons


@dataclass(frozen=True)
class Divergence:
    """Where and why a run stopped: the one type of every live trainer's ``diverged``."""
    iteration: int
    phase: str  # the step that broke: "D", "G", "VAE", …
    why: reasons.Reason
    sentence: str = "message"  # the STOPPED sentence that says it whole (the digit GANs' adds advice)
    advice: tuple[tuple[str, Any], ...] = ()  # that sentence's other fields

    @property
    def reason(self) -> str:
        return str(self.why)

    def said(self) -> reasons.Reason:
        """The whole message, for a page to say in its language."""
        return reasons.stopped(self.sentence, iteration=self.iteration, phase=self.phase, why=self.why,
                               **dict(self.advice))

    def message(self) -> str:
        return str(self.said())


@runtime_checkable
class LiveTrainer(Protocol):
    """A run a page steps live. ``step`` makes one iteration and does nothing once the run has diverged."""
    iteration: int
    diverged: Divergence | None

    def step(self) -> Any: ...
