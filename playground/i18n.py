"""The app's words in the page's language, for Gradio: component text through ``gr.I18n`` (the browser
translates it, and switches without a reload), messages and pictures through ``say`` (the page's language read
from the running event's request). The catalogue itself is playground/catalogue.py; the 2D lab's own script gets
its keys from there too (``for_script``).

The page's language: ``?lang=ko|en`` in its address (the header's switch writes it, so a shared link keeps it),
else the browser's (Korean for ``ko*``), else English.
"""
from __future__ import annotations

from typing import Any

import gradio as gr

from playground.catalogue import (CATALOGUE, DERIVED, LANGS, Phrase, because, for_script,  # noqa: F401
                                  in_lang, lang_of, phrase, slug, t)

# Keys Gradio's own page asks for but its locales lack (its status tracker announces "common.complete" to screen
# readers as it is; Korean has no "In queue: 1 of 3"): ours fill them.
GRADIO_GAPS = ("common.complete", "status.queue_position")
I18N = gr.I18n(**CATALOGUE)  # passed to launch(): component text is translated in the browser


def text(key: str) -> Any:
    """A component's text (label, value, choice name) by key, translated in the browser."""
    if key not in CATALOGUE["en"]:
        raise KeyError(f"no catalogue entry {key!r}")
    return I18N(key)


def choices(values: "list[str] | tuple[str, ...]") -> list[tuple[Any, str]]:
    """A list's choices, each named in the page's language where the catalogue names it (choice.<value>: data
    sets, noise…); technical names the courses keep in English (losses, optimisers, activations) by value."""
    return [(text(f"choice.{v}"), v) if f"choice.{v}" in CATALOGUE["en"] else (v, v) for v in values]


def current_lang() -> str:
    """The language of the page whose event is running (English outside an event)."""
    from gradio.context import LocalContext

    request = LocalContext.request.get(None)
    return lang_of(request.headers) if request is not None else "en"


def say(key: str, **fields: Any) -> str:
    """``key`` in the language of the page whose event is running: for messages and pictures."""
    return t(key, current_lang(), **fields)


def said(message: "str | Phrase | BaseException") -> str:
    """A message (our Phrase, a refusal, or plain text) in the language of the page whose event is running."""
    return in_lang(message, current_lang())


