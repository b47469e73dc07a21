"""One way for every image tab to report a model that cannot be used: in that tab, never as a traceback.

A handler decorated with `reports_unavailable(n)` returns n outputs whose last one is a status line. When the
store cannot provide a model (offline, hash mismatch, damaged file) the tab shows a warning and the status line,
and leaves its other outputs as they were; missing trained weights become a gr.Error naming the file.
"""
from __future__ import annotations

import functools

import gradio as gr

from models import store


def reports_unavailable(outputs: int, title: str = "Model unavailable"):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except store.ModelUnavailable as e:
                gr.Warning(str(e), title=title, duration=None)
                return (*[gr.skip()] * (outputs - 1), f"⚠️ {e}")
            except FileNotFoundError as e:
                raise missing_weights(e) from None
        return wrapper
    return decorate


def missing_weights(e: FileNotFoundError) -> gr.Error:
    return gr.Error(f"Trained weights are missing: {e}", title="Weights missing")
