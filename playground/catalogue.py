"""The app's words in English and Korean: one catalogue (playground/locales/{en,ko}.json) and what reads it
without Gradio (a lab worker process formats with it too). playground/i18n.py hands it to Gradio.

Korean follows the terms of the course decks: model and method names stay in English (GAN, DCGAN, Adam),
the rest is the decks' Korean (생성자, 판별자, 학습률); tests/test_i18n.py lists what stays English.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

# they add their sentences to reasons.TABLES
from models import refusals  # noqa: F401
from models.doodles import data as doodles  # noqa: F401
from models.style_transfer import fast as fast_style  # noqa: F401
from models.imaging import inputs as image_input  # noqa: F401
from models.faces import latent  # noqa: F401
from models.digits.live import DigitConfig
from models.registry import PINNED
from toy2d import phenomena, reasons, settings
from toy2d.config import SETTINGS
from toy2d.presets import PRESETS
from toy2d.vae import VAEConfig

LANGS = ("en", "ko")

LOCALES = Path(__file__).parent / "locales"
# The declared settings tables the panels show, by the catalogue's name for their words: "setting.lr_d" is the 2D
# lab's D learning rate, "setting.vae.beta" the VAE's β.
SETTING_TABLES = {"setting": [s for s in SETTINGS if s.panel],
                  "setting.vae": list(settings.by_name(VAEConfig).values()),
                  "setting.digit": list(settings.by_name(DigitConfig).values())}
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
    """What toy2d owns in English — the settings table's labels and groups, the presets' stories, the signs'
    sayings — taken from there; the Korean is in ko.json; ranges are made from each setting's bounds."""
    made = set()
    for s in SETTINGS:
        if not s.panel:
            continue
        CATALOGUE["en"][f"group.{slug(s.group)}"] = s.group
        made.add(f"group.{slug(s.group)}")
    for words, table in SETTING_TABLES.items():
        for s in table:
            CATALOGUE["en"][f"{words}.{s.name}"] = s.label
            made.add(f"{words}.{s.name}")
            if s.kind != "choice":
                for lang in LANGS:
                    CATALOGUE[lang][f"{words}.{s.name}.range"] = _range(s, lang)
                made.add(f"{words}.{s.name}.range")
    for name, checkpoint in PINNED.items():  # the models' names: English in models/registry.py
        CATALOGUE["en"][f"model.title.{name}"] = checkpoint.title
        made.add(f"model.title.{name}")
    for name, preset in PRESETS.items():  # the teaching presets' stories: English in toy2d/presets.py
        for part in ("title", "explanation", "watch"):
            CATALOGUE["en"][f"preset.{name}.{part}"] = getattr(preset, part)
            made.add(f"preset.{name}.{part}")
    for kind, saying in phenomena.SAYINGS.items():  # what a preset's sign says happened: English in phenomena.py
        CATALOGUE["en"][f"happened.{kind}"] = saying
        made.add(f"happened.{kind}")
    for i in range(fast_style.NUM_STYLES):  # the built-in styles' names, for choices (no fields there)
        for lang in LANGS:
            CATALOGUE[lang][f"style.name.{i}"] = CATALOGUE[lang]["style.name"].format(number=i)
        made.add(f"style.name.{i}")
    for table, sentences in reasons.TABLES.items():  # refusals and upload notes: English in toy2d, models
        for kind, sentence in sentences.items():
            CATALOGUE["en"][f"{table}.{kind}"] = sentence
            made.add(f"{table}.{kind}")
    return made


DERIVED = _derive()  # used by name patterns (setting.<name>, group.<slug>), not written out in the code


def t(key: str, lang: str, **fields: Any) -> str:
    """The text for ``key`` in ``lang`` (English where Korean lacks it), with ``{fields}`` filled in."""
    entry = CATALOGUE.get(lang, {}).get(key) or CATALOGUE["en"][key]
    if not fields:
        return entry
    return particles(entry.format(**fields)) if lang == "ko" else entry.format(**fields)


# Korean particles after a filled-in word: the catalogue writes both forms, 을(를), and the word decides.
# (consonant-final form, vowel-final form); (으)로 takes 로 after ㄹ too. lab2d.js has the same rule (particle()).
PARTICLES = {"을(를)": ("을", "를"), "이(가)": ("이", "가"), "은(는)": ("은", "는"), "과(와)": ("과", "와"),
             "(으)로": ("으로", "로")}
_PARTICLE = re.compile("(" + "|".join(re.escape(p) for p in PARTICLES) + ")")
# How a word's last letter is read. Digits as Sino-Korean numbers (3 삼, 7 칠; 10 십, 100 백, 1000 천…: every
# power of ten ends in a consonant). Latin: an acronym or short mixed-case name (GAN, kD, JS) by its letters'
# names (L 엘, M 엠, N 엔, R 알 end in a consonant), a word (Mina, Adam, Jun) by its sound: m, n, ng, l end in a
# consonant, anything else in a vowel (Peter 피터, Max 맥스, Mike 마이크).
_DIGIT_FINAL = {"0": "n", "1": "l", "2": "", "3": "n", "4": "", "5": "", "6": "n", "7": "l", "8": "l", "9": ""}
_LETTER_NAME_FINAL = {"l": "l", "m": "n", "n": "n", "r": "l"}


def final_sound(word: str) -> "str | None":
    """How ``word`` ends when read in Korean: "" (a vowel), "l" (ㄹ) or "n" (another consonant); None when it
    holds nothing readable."""
    m = re.search(r"([0-9A-Za-z\uac00-\ud7a3]+)[^0-9A-Za-z\uac00-\ud7a3]*$", word)
    if not m:
        return None
    token = m.group(1)
    last = token[-1]
    if "\uac00" <= last <= "\ud7a3":
        jong = (ord(last) - 0xAC00) % 28
        return "" if jong == 0 else "l" if jong == 8 else "n"
    if last.isdigit():
        digits = re.search(r"[0-9]+$", token).group(0).lstrip("0") or "0"
        return "n" if digits != "0" and digits.endswith("0") else _DIGIT_FINAL[digits[-1]]
    letters = re.search(r"[A-Za-z]+$", token).group(0)
    if letters.isupper() or (len(letters) <= 3 and not letters.islower()):
        return _LETTER_NAME_FINAL.get(last.lower(), "")
    low = letters.lower()
    return "l" if low.endswith("l") else "n" if low.endswith(("m", "n", "ng")) else ""


def particles(text: str) -> str:
    """``text`` with every hedged particle (을(를)…) chosen by the word before it; left hedged where that word
    cannot be read (a symbol)."""
    def choose(m: re.Match) -> str:
        sound = final_sound(text[:m.start()])
        if sound is None:
            return m.group(0)
        consonant, vowel = PARTICLES[m.group(0)]
        if m.group(0) == "(으)로":
            return vowel if sound in ("", "l") else consonant
        return vowel if sound == "" else consonant
    return _PARTICLE.sub(choose, text)


def lang_of(headers: Any) -> str:
    """The page's language from a request's headers: ``?lang=`` of the page (the Referer of its requests, which
    follows the address the switch rewrote), else Accept-Language, else English."""
    query = parse_qs(urlparse(headers.get("referer") or "").query)
    for lang in query.get("lang", []):
        if lang in LANGS:
            return lang
    accept = (headers.get("accept-language") or "").split(",")[0].strip().lower()
    return "ko" if accept.startswith("ko") else "en"


@dataclass(frozen=True)
class Phrase:
    """Words to say later, in the language of whoever reads them: a key and its fields. Made where the reader's
    language is not known (a lab worker process answers many pages); ``str()`` is the English."""
    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def in_(self, lang: str) -> str:
        return t(self.key, lang, **{k: _said(v, lang) for k, v in self.fields})

    def __str__(self) -> str:
        return self.in_("en")

    def wire(self) -> dict[str, Any]:
        """For a page script that formats it itself (its keys must be among those the script has)."""
        return {"key": self.key, "fields": {k: _wire(v) for k, v in self.fields}}


def _said(value: Any, lang: str) -> Any:
    """A Phrase's field in ``lang``: a Phrase said, a tuple of them listed, anything else as it is."""
    if isinstance(value, Phrase):
        return value.in_(lang)
    if isinstance(value, tuple):
        return ", ".join(str(_said(v, lang)) for v in value)
    return value


def _wire(value: Any) -> Any:
    if isinstance(value, Phrase):
        return value.wire()
    return [_wire(v) for v in value] if isinstance(value, tuple) else value


def setting_names(names: list[str]) -> tuple["Phrase | str", ...]:
    """The 2D lab's settings by field name, as the panel labels them (a field without a label as its name)."""
    return tuple(Phrase(f"setting.{n}") if f"setting.{n}" in CATALOGUE["en"] else n for n in names)


def phrase(key: str, **fields: Any) -> Phrase:
    if key not in CATALOGUE["en"]:
        raise KeyError(f"no catalogue entry {key!r}")
    return Phrase(key, tuple(fields.items()))


def in_lang(message: "str | Phrase | BaseException | reasons.Reason", lang: str) -> str:
    """A message that may be a Phrase or a refusal, in ``lang`` (a plain string or other error as it is)."""
    said = because(message) if isinstance(message, (BaseException, reasons.Reason)) else message
    return said.in_(lang) if isinstance(said, Phrase) else str(said)


def _labels() -> dict[str, str]:
    """A setting's English label, field name or noun → its catalogue key, so a refusal naming a setting names it in
    the page's words."""
    named = {}
    for words, table in reversed(SETTING_TABLES.items()):  # the 2D lab's words win where names are shared
        for s in table:
            named.update({n: f"{words}.{s.name}" for n in (s.label, s.name, s.noun) if n})
    return named


LABELS = _labels()
NAMED = ("name", "width", "depth")  # a refusal's fields that name a setting


def because(said: "BaseException | reasons.Reason") -> "Phrase | str":
    """A refusal (toy2d.reasons.Refused) or a note (Reason) as a Phrase, the setting it names translated too; any
    other error's own English text."""
    if isinstance(said, BaseException) and said.args and isinstance(said.args[0], Phrase):
        return said.args[0]  # our own error, raised with its words
    why = said.reason if isinstance(said, reasons.Refused) else said
    if not isinstance(why, reasons.Reason):
        return str(said)
    fields = {k: because(v) if isinstance(v, reasons.Reason) else Phrase(LABELS[v]) if k in NAMED and v in LABELS
              else v for k, v in why.fields}
    return Phrase(f"{why.table}.{why.kind}", tuple(fields.items()))


def for_script(*prefixes: str) -> str:
    """The keys under ``prefixes`` in both languages, as JSON for a page script."""
    return json.dumps({lang: {k: v for k, v in CATALOGUE[lang].items() if k.startswith(prefixes)} for lang in LANGS},
                      ensure_ascii=False)


def happened(h: "phenomena.Happened | None") -> dict[str, Any] | None:
    """A sign's line for a page script: its catalogue key and fields."""
    return None if h is None else {"key": f"happened.{h.kind}", "fields": {k: str(v) for k, v in h.fields}}
