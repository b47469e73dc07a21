"""Messages to the user (error modal, warning and info toasts) in the page's language, with any user text escaped.

A message is a catalogue Phrase (``i18n.phrase(key, **fields)``), an exception (toy2d's keyed refusals are said in
the page's language, any other in its own words) or plain text. Gradio renders these messages as HTML, and ours
often quote what was typed, uploaded or put in a shared link ("seed must be a whole number, got '…'"). Escaping
here means a crafted link or file name shows as text, never as markup. Every tab raises and shows its messages
through these three functions instead of gr.Error & co.
"""
from __future__ import annotations

import html
import re
from typing import Any

import gradio as gr

from playground import i18n

Message = "str | i18n.Phrase | BaseException"


def as_markdown(text: str) -> str:
    """User text (a nickname, a class's word) put inside a gr.Markdown: escaped as HTML, and Markdown's own marks
    taken literally, so "*Mina*" shows its stars instead of turning italic."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", html.escape(text, quote=False))


def _text(message: Any) -> str:
    return html.escape(i18n.said(message), quote=False)


def _title(kwargs: dict, default: str) -> dict:
    """The box's title (a catalogue key; Gradio's default is an English word) in the page's language."""
    kwargs["title"] = i18n.say(kwargs.get("title") or default)
    return kwargs


def error(message: Message, **kwargs: Any) -> gr.Error:
    """An exception to raise: Gradio shows it in a modal and changes no output."""
    return gr.Error(_text(message), **_title(kwargs, "msg.title.error"))


def warning(message: Message, **kwargs: Any) -> None:
    gr.Warning(_text(message), **_title(kwargs, "msg.title.warning"))


def info(message: Message, **kwargs: Any) -> None:
    gr.Info(_text(message), **_title(kwargs, "msg.title.info"))
