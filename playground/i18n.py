"""One catalogue for every word the app shows, in English and Korean (playground/locales/{en,ko}.json).

Three routes, one catalogue: component text goes through ``gr.I18n`` (the browser translates it, and switches
language without a reload); messages and pictures drawn on the server ask ``say``/``t``, which read the page's
language from the request; the 2D lab's own script gets the keys it draws with (``for_script``). The page's
language: ``?lang=ko|en`` in its address (the switch writes it there, so a shared link keeps it), else the
browser's (Korean for ``ko*``), else English. Korean follows the terms of the course decks
(../shared/notes/korean-terms.md).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import gradio as gr

from toy2d import settings
from toy2d.config import SETTINGS

LANGS = ("en", "ko")
LOCALES = Path(__file__).parent / "locales"
CATALOGUE: dict[str, dict[str, str]] = {lang: json.loads((LOCALES / f"{lang}.json").read_text("utf-8"))
                                        for lang in LANGS}


def slug(title: str) -> str:
    return re.sub(r"[^a-z]+", "-", title.lower()).strip("-")


def _range(s: settings.Setting, lang: str) -> str:
    """A setting's allowed values in words (toy2d.settings.Setting.range_text's, in ``lang``)."""
    if s.kind == "bool":
        return CATALOGUE[lang]["range.bool"]
    if s.kind == "int":
        return CATALOGUE[lang]["range.int"].format(lo=f"{int(s.lo):,}", hi=f"{int(s.hi):,}")
    return CATALOGUE[lang]["range.open" if s.lo_open else "range.float"].format(lo=f"{s.lo:g}", hi=f"{s.hi:g}")


def _derive() -> set[str]:
    """The settings table's entries: English labels and group titles are owned by toy2d/settings.py (the
    catalogue takes them from there), Korean ones by ko.json; ranges are made from each setting's bounds."""
    made = set()
    for s in SETTINGS:
        if not s.panel:
            continue
        CATALOGUE["en"][f"setting.{s.name}"] = s.label
        CATALOGUE["en"][f"group.{slug(s.group)}"] = s.group
        made |= {f"setting.{s.name}", f"group.{slug(s.group)}"}
        if s.kind != "choice":
            for lang in LANGS:
                CATALOGUE[lang][f"setting.{s.name}.range"] = _range(s, lang)
            made.add(f"setting.{s.name}.range")
    return made


DERIVED = _derive()  # used by name patterns (setting.<name>, group.<slug>), not written out in the code
I18N = gr.I18n(**CATALOGUE)  # passed to launch(): component text is translated in the browser


def text(key: str) -> Any:
    """A component's text (label, value, choice name) by key, translated in the browser."""
    if key not in CATALOGUE["en"]:
        raise KeyError(f"no catalogue entry {key!r}")
    return I18N(key)


def t(key: str, lang: str, **fields: Any) -> str:
    """The text for ``key`` in ``lang`` (English where Korean lacks it), with ``{fields}`` filled in."""
    entry = CATALOGUE.get(lang, {}).get(key) or CATALOGUE["en"][key]
    return entry.format(**fields) if fields else entry


def lang_of(headers: Any) -> str:
    """The page's language from a request's headers: ``?lang=`` of the page (the Referer of its requests, which
    follows the address the switch rewrote), else Accept-Language, else English."""
    query = parse_qs(urlparse(headers.get("referer") or "").query)
    for lang in query.get("lang", []):
        if lang in LANGS:
            return lang
    accept = (headers.get("accept-language") or "").split(",")[0].strip().lower()
    return "ko" if accept.startswith("ko") else "en"


def current_lang() -> str:
    """The language of the page whose event is running (English outside an event)."""
    from gradio.context import LocalContext

    request = LocalContext.request.get(None)
    return lang_of(request.headers) if request is not None else "en"


def say(key: str, **fields: Any) -> str:
    """``key`` in the language of the page whose event is running: for messages and pictures."""
    return t(key, current_lang(), **fields)


def for_script(prefix: str) -> str:
    """The keys under ``prefix`` in both languages, as JSON for a page script."""
    return json.dumps({lang: {k: v for k, v in CATALOGUE[lang].items() if k.startswith(prefix)} for lang in LANGS},
                      ensure_ascii=False)
