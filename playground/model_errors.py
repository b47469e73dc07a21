"""One way for every image tab to report a model that cannot be used: in that tab, never as a traceback.

A handler decorated with `reports_unavailable(n)` returns n outputs whose last one is a status line. When the
store cannot provide a model (offline, hash mismatch, damaged file) the tab shows a warning and the status line,
and leaves its other outputs as they were; missing trained weights become a gr.Error naming the file.
"""
from __future__ import annotations

import contextlib
import functools
import logging
from typing import Iterator

import gradio as gr

from models import device, store
from playground import i18n, messages

log = logging.getLogger(__name__)


def model_line(name: str) -> "i18n.Phrase":
    """Whether a model is here, for a tab's status line (no server paths: store.status has them for the shell)."""
    ck, where = store.get(name), store.state(name)
    return i18n.phrase(f"model.{where}", title=i18n.phrase(f"model.title.{name}"), package=ck.package or "",
                       requirement=ck.requirement, mb=f"{ck.size / 1e6:.1f}")


def reports_unavailable(outputs: int):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except store.ModelUnavailable as e:
                log.warning("%s", e)  # the server's log keeps the paths; the page shows none of them
                messages.warning(store.redact(str(e)), title="msg.title.unavailable", duration=None)
                return (*[gr.skip()] * (outputs - 1), f"⚠️ {store.redact(str(e))}")
            except FileNotFoundError as e:
                raise missing_weights(e) from None
        return wrapper
    return decorate


def missing_weights(e: FileNotFoundError) -> gr.Error:
    return messages.error(i18n.phrase("msg.weights_missing", file=store.redact(str(e))), title="msg.title.weights")


def gpu_call(duration):
    """GPU-heavy work of a tab: a GPU attached for at most ``duration`` seconds on ZeroGPU Spaces (device.on_gpu),
    a CUDA out-of-memory error answered by moving to the CPU with a warning instead of failing, and, on ZeroGPU,
    our messages kept: spaces shows any exception but gr.Error as "ZeroGPU worker error"."""
    def decorate(fn):
        guarded = device.with_cpu_fallback(fn, lambda text: messages.warning(text))
        return device.on_gpu(duration)(said_as_gr_error(guarded) if device.zero_gpu() else guarded)
    return decorate


def said_as_gr_error(fn):
    """``fn`` with an unavailable model or missing weights raised as gr.Error carrying our message."""
    return device.within(fn, _our_messages)


@contextlib.contextmanager
def _our_messages() -> Iterator[None]:
    try:
        yield
    except store.ModelUnavailable as e:
        raise messages.error(store.redact(str(e)), title="msg.title.unavailable") from None
    except FileNotFoundError as e:
        raise missing_weights(e) from None
