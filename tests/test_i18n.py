"""The one catalogue (playground/locales): both languages complete and consistent, every key used, and the page's
language read as the switch and the browser set it."""
import json
import re
import string
from pathlib import Path

import pytest

from playground import i18n

ROOT = Path(__file__).resolve().parents[1]
CODE = [*ROOT.joinpath("playground").rglob("*.py"), *ROOT.joinpath("playground", "static").glob("*"),
        ROOT / "app.py"]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_with_the_same_fields():
    en, ko = i18n.CATALOGUE["en"], i18n.CATALOGUE["ko"]
    assert set(en) == set(ko), set(en) ^ set(ko)
    for key in en:
        assert en[key].strip() and ko[key].strip(), key
        assert fields(en[key]) == fields(ko[key]), key
    assert any(re.search("[가-힣]", v) for v in ko.values())


def test_every_key_is_used_by_the_code():
    code = "\n".join(p.read_text("utf-8") for p in CODE if p.is_file() and p.suffix in (".py", ".js", ".html"))
    unused = [k for k in i18n.CATALOGUE["en"] if f'"{k}"' not in code and f"'{k}'" not in code
              and k not in i18n.DERIVED and not k.startswith("range.")]
    assert unused == []


@pytest.mark.parametrize("headers, lang", [
    ({"referer": "http://x/?lang=ko", "accept-language": "en-US"}, "ko"),  # the switch's choice wins
    ({"referer": "http://x/?present=1&lang=en", "accept-language": "ko-KR,ko;q=0.9"}, "en"),
    ({"referer": "http://x/", "accept-language": "ko-KR,ko;q=0.9,en;q=0.8"}, "ko"),  # else the browser's
    ({"referer": "http://x/?lang=fr", "accept-language": "en-GB"}, "en"),  # not ours: ignored
    ({}, "en"),
])
def test_the_pages_language_comes_from_its_address_then_its_browser(headers, lang):
    assert i18n.lang_of(headers) == lang


def test_a_missing_korean_text_falls_back_and_a_missing_key_is_an_error(monkeypatch):
    monkeypatch.setitem(i18n.CATALOGUE, "ko", {})
    assert i18n.t("tab.lab2d", "ko") == "2D GAN Lab"
    with pytest.raises(KeyError):
        i18n.text("no.such.key")


def test_the_settings_table_is_in_both_languages_and_the_english_ranges_are_its_own():
    """Labels and groups come from toy2d/settings.py in English; ko.json must have every one; the ranges made
    from the bounds read as the table's own range_text in English."""
    from toy2d.config import SETTINGS

    for s in SETTINGS:
        if not s.panel:
            continue
        assert i18n.t(f"setting.{s.name}", "en") == s.label
        assert f"setting.{s.name}" in i18n.CATALOGUE["ko"] and f"group.{i18n.slug(s.group)}" in i18n.CATALOGUE["ko"]
        if s.kind != "choice":
            assert i18n.t(f"setting.{s.name}.range", "en") == s.range_text
            assert re.search("[가-힣~]", i18n.t(f"setting.{s.name}.range", "ko")), s.name


def test_a_phrase_is_said_later_in_the_readers_language():
    """A lab worker answers many pages: it hands back a Phrase, and each page's reply says it in its language."""
    import pickle

    p = i18n.phrase("lab.msg.applied", names="lr_d, k_d")
    assert str(p) == "Applied live: lr_d, k_d." and p.in_("ko") == "실시간 적용: lr_d, k_d."
    assert pickle.loads(pickle.dumps(p)) == p  # crosses the worker's socket
    assert p.wire() == {"key": "lab.msg.applied", "fields": {"names": "lr_d, k_d"}}
    assert i18n.in_lang("plain text", "ko") == "plain text"
    with pytest.raises(KeyError):
        i18n.phrase("no.such.key")


def test_the_labs_messages_reach_a_korean_page_in_korean(lab):
    from types import SimpleNamespace

    ko = SimpleNamespace(session_hash="ko-page", query_params={}, headers={"referer": "http://x/?lang=ko"})
    lab.on_load(ko)
    reply = lab.on_preset("collapse", ko)
    assert "프리셋 “collapse”" in json.loads(reply[0])["message"]
    reply = lab.on_settings(ko, *[getattr(lab.registry.get("ko-page").config, n) if n != "lr_d" else 0.001
                                  for n in __import__("playground.tabs.lab2d", fromlist=["x"]).FIELD_NAMES])
    assert json.loads(reply[0])["message"].startswith("실시간 적용")
