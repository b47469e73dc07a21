"""Messages to the user (error modal, warning and info toasts) with any user text escaped.

Gradio renders these messages as HTML, and ours often quote what was typed, uploaded or put in a shared link
("seed must be a whole number, got '…'"). Escaping here means a crafted link or file name shows as text, never
as markup. Every tab raises and shows its messages through these three functions instead of gr.Error & co.
"""
from __future__ import annotations

import html

import gradio as gr


def _text(message: object) -> str:
    return html.escape(str(message), quote=False)


def error(message: object, **kwargs) -> gr.Error:
    """An exception to raise: Gradio shows it in a modal and changes no output."""
    return gr.Error(_text(message), **kwargs)


def warning(message: object, **kwargs) -> None:
    gr.Warning(_text(message), **kwargs)


def info(message: object, **kwargs) -> None:
    gr.Info(_text(message), **kwargs)
