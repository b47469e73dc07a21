"""One way for every image tab to report a model that cannot be used: in that tab, never as a traceback.

A handler decorated with `reports_unavailable(n)` returns n outputs, the last one a status line unless
``status=False``. When the store cannot provide a model (offline, a school's firewall, a hash mismatch, a damaged
file) the page is told in its own language which model is missing and what the tab can still do — once per page and
model, in a toast that goes away by itself — and the tab's other outputs stay as they were. How to fetch the file is
for whoever runs the server: it goes to the server's log (and the README), never to a student's screen. Missing
trained weights become a gr.Error naming the file.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections import OrderedDict
from typing import Iterator

import gradio as gr

from models import device, store
from playground import i18n, messages

log = logging.getLogger(__name__)
TOAST_S = 10  # long enough to read twice; the status line keeps saying it
_TOLD_MOST = 4096  # (page, model) pairs remembered: a page is told once, and a flood of pages cannot grow this
_told: "OrderedDict[tuple[str, str], None]" = OrderedDict()
_told_lock = threading.Lock()


def model_line(name: str) -> "i18n.Phrase":
    """Whether a model is here, for a tab's status line (no server paths: store.status has them for the shell)."""
    ck, where = store.get(name), store.state(name)
    return i18n.phrase(f"model.{where}", title=i18n.phrase(f"model.title.{name}"), package=ck.package or "",
                       requirement=ck.requirement, mb=f"{ck.size / 1e6:.1f}")


def server_models() -> str:
    """What this server has, one line a model: for a teacher to check before class (Markdown, page's language)."""
    from models.registry import SERVED

    return "\n".join(f"- {i18n.said(model_line(name))}" for name in SERVED)


def unavailable(e: store.ModelUnavailable) -> "i18n.Phrase":
    """What a page says of a model it cannot have: its name and what still works, in the page's words."""
    name = e.checkpoint.name
    title_key = f"model.title.{name}"
    title = i18n.phrase(title_key) if title_key in i18n.CATALOGUE["en"] else e.checkpoint.title
    still = f"model.still.{name}" if f"model.still.{name}" in i18n.CATALOGUE["en"] else "model.still.other"
    return i18n.phrase("model.unavailable", title=title, still=i18n.phrase(still))


def tell_unavailable(e: store.ModelUnavailable) -> str:
    """Log the whole story (with the fix) for the server; toast the page once per model; the status line to show."""
    log.warning("%s", e)
    said = unavailable(e)
    if _first_time(e.checkpoint.name):
        messages.warning(said, title="msg.title.unavailable", duration=TOAST_S)
    return f"⚠️ {i18n.said(said)}"


def _first_time(model: str) -> bool:
    request = gr.context.LocalContext.request.get(None)
    page = getattr(request, "session_hash", None) or ""
    if not page:
        return True
    with _told_lock:
        if (page, model) in _told:
            return False
        _told[(page, model)] = None
        while len(_told) > _TOLD_MOST:
            _told.popitem(last=False)
        return True


def reports_unavailable(outputs: int, status: bool = True):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except store.ModelUnavailable as e:
                line = tell_unavailable(e)
                if not status:
                    return gr.skip() if outputs == 1 else (gr.skip(),) * outputs
                return (*[gr.skip()] * (outputs - 1), line)
            except FileNotFoundError as e:
                raise missing_weights(e) from None
        return wrapper
    return decorate


def missing_weights(e: Exception) -> gr.Error:
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
        log.warning("%s", e)
        raise messages.error(unavailable(e), title="msg.title.unavailable") from None
    except FileNotFoundError as e:
        raise missing_weights(e) from None
