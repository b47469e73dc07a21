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
    """Used: written out in quotes, or under a family the code names in an f-string (f"model.{where}")."""
    code = "\n".join(p.read_text("utf-8") for p in CODE if p.is_file() and p.suffix in (".py", ".js", ".html"))
    families = tuple(re.findall(r"""f["']([a-z0-9_]+(?:\.[a-z0-9_]+)*\.)\{""", code))
    unused = [k for k in i18n.CATALOGUE["en"] if f'"{k}"' not in code and f"'{k}'" not in code
              and not k.startswith(families) and k not in i18n.DERIVED and not k.startswith("range.")]
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
    assert "프리셋 “Mode Collapse”" in json.loads(reply[0])["message"]
    reply = lab.on_settings(ko, *[getattr(lab.registry.get("ko-page").config, n) if n != "lr_d" else 0.001
                                  for n in __import__("playground.tabs.lab2d", fromlist=["x"]).FIELD_NAMES])
    assert json.loads(reply[0])["message"].startswith("실시간 적용")


def glyphs(text: str, font) -> list[bytes]:
    """Each character of ``text`` drawn alone: a font without it draws the same box for every one."""
    from PIL import Image, ImageDraw

    out = []
    for ch in text:
        im = Image.new("L", (40, 40), 255)
        ImageDraw.Draw(im).text((4, 4), ch, fill=0, font=font)
        out.append(im.tobytes())
    return out


def test_pictures_draw_hangul_with_a_font_that_has_it():
    from playground.pictures import fonts

    assert len(set(glyphs("가나다", fonts.font(18, "en")))) == 1  # Pillow's own font: one box for all (tofu)
    drawn = glyphs("가나다", fonts.font(18, "ko"))
    assert len(set(drawn)) == 3 and all(g != glyphs(" ", fonts.font(18, "ko"))[0] for g in drawn)


def test_the_hangul_font_ships_with_the_app_and_holds_every_korean_character(monkeypatch):
    """No picture's Korean depends on a download: the font is a file of the app, and it has a glyph for every
    character of the Korean catalogue, the Greek letters the pictures use and KS X 1001's syllables (nicknames)."""
    from fontTools.ttLib import TTFont

    from models import store
    from playground.pictures import fonts
    from tools import hangul_font

    def offline(*a, **k):
        raise AssertionError("a picture's font asked the model store for a download")

    monkeypatch.setattr(store, "fetch", offline)
    fonts.font.cache_clear()
    drawn = glyphs("가나다ψθ", fonts.font(18, "ko"))
    assert len(set(drawn)) == 5
    have = set(map(chr, TTFont(fonts.HANGUL).getBestCmap()))
    catalogue = json.loads(hangul_font.CATALOGUE.read_text(encoding="utf-8"))
    korean = {c for v in catalogue.values() for c in (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
              if "\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e" or "\u0370" <= c <= "\u03ff"
              or " " <= c <= "\xff"}
    assert len(korean) > 500 and korean - have == set(), \
        "the catalogue gained characters the font lacks: run python -m tools.hangul_font"
    assert hangul_font.ks_x_1001_syllables() <= have and len(hangul_font.ks_x_1001_syllables()) == 2350
    assert fonts.HANGUL.stat().st_size < 400_000
    assert (fonts.HANGUL.parent / "OFL.txt").read_text().startswith("This Font Software is licensed under the SIL Open")


def test_the_shipped_hangul_font_is_what_its_recorded_command_makes(tmp_path):
    """tools/hangul_font.py from the pinned source font writes exactly the shipped file."""
    from models import store
    from playground.pictures import fonts
    from tools import hangul_font

    made = hangul_font.build(store.fetch("font-kr"), tmp_path / "font.otf")
    assert made.read_bytes() == fonts.HANGUL.read_bytes()


def test_a_korean_gif_export_and_ab_view_carry_hangul(tmp_path):
    """The GIF's iteration line and the A/B picture's chart titles in Korean: glyph pixels, not boxes."""
    import numpy as np
    from PIL import Image

    from playground.pictures import compare as compare_frames
    from playground.pictures.lab_view import save_gif
    from playground.tabs import experiments2d as ex
    from playground.lab.session import LabSession
    from toy2d.presets import resolve

    session = LabSession(resolve("ring8")[0])
    session.act("play", 20)
    path = tmp_path / "ko.gif"
    save_gif(session.recording(), str(path), lang="ko")
    ko_frame = np.asarray(Image.open(path).convert("L"))[:24, :140]
    save_gif(session.recording(), str(tmp_path / "en.gif"), lang="en")
    en_frame = np.asarray(Image.open(tmp_path / "en.gif").convert("L"))[:24, :140]
    assert (ko_frame < 128).sum() > 20 and not np.array_equal(ko_frame, en_frame)  # "반복 20", drawn

    values = ex.ab_pair(ex.DEFAULT_PAIR)
    run = ex.ab_new(None, values[0], 0, *values[1:])[0]
    run.lang = "ko"
    picture, _ = run.render()
    assert "데이터까지의 JS" in i18n.t("picture.js", "ko")
    title = np.asarray(picture.convert("L"))[:24, 2 * compare_frames.PANEL + 20:]
    run.lang, run.book = "en", compare_frames.Sketchbook()
    english = np.asarray(run.render()[0].convert("L"))[:24, 2 * compare_frames.PANEL + 20:]
    assert (title < 128).sum() > 50 and not np.array_equal(title, english)


# ---- no untranslated English ---------------------------------------------------------------------------------------
# English the Korean UI keeps, as the course decks do: model and method names,
# symbols, units, file formats, the data sets' and settings' code names shown beside their Korean names.
KEPT = set("""
a A b B C D F G k x X y Y z L L1 R1 TV HQ KL JS VAE GAN cGAN DCGAN CycleGAN WGAN WGAN-GP Dirac-GAN PacGAN PatchGAN
Lab Mode Collapse Content critic cycle identity stem Adam SGD RMSprop L-BFGS ReLU EMA ELBO AdaIN Gatys
EfficientNet-Lite0 VGG-19 ImageNet MIT Noto Sans KR relu1 relu5 U-Net XDoG pix2pix slerp linear minimax
non-saturating beta sigma bits log id cyc kD kG ms MB MP
CPU CSV PNG JPEG WebP GIF BMP TIFF MP4 EXIF NaN RGB sha256 base64 pt e6 e-06 Esc present README scikit-learn
Mescheder PyTorch
ring8 grid25 line gaussians ellipse disjoint moons spiral swissroll points
SRGAN SRResNet bicubic PSNR SSIM dB MSE Set5 Blau Michaeli perception distortion trade-off StarGAN c
StyleGAN px w W Z disentangled
DiffAugment npz doodles words
MNIST CNN RRDN RRDN-GAN ESRGAN DIV2K idealo
""".split())


def english_words(text: str) -> set[str]:
    """The English words of a text, leaving out {fields}, `code`, URLs and HTML tags."""
    text = re.sub(r"\{[a-z_]+\}|`[^`]*`|https?://\S+|<[^>]+>", " ", str(text))
    return set(re.findall(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*", text))


def test_the_korean_catalogue_keeps_only_the_courses_english_terms():
    left = {k: sorted(english_words(v) - KEPT) for k, v in i18n.CATALOGUE["ko"].items()}
    assert {k: w for k, w in left.items() if w} == {}


def code_names() -> set[str]:
    """The settings' choice values (losses, optimisers, activations…): code names the lists show as they are."""
    from models.digits.live import DigitConfig
    from toy2d import dirac, settings as table
    from toy2d.config import TrainConfig

    names = {c for config in (TrainConfig, DigitConfig) for s in table.by_name(config).values() for c in s.choices}
    return {w for n in names | set(dirac.LOSSES) | set(dirac.REGULARISERS) for w in english_words(n)}


def test_every_visible_string_of_the_built_app_comes_from_the_catalogue():
    """Walk the built Blocks: each label, info, placeholder, choice name and text shown is a catalogue entry
    (translated in the browser), a value filled in on page load (said in the page's language), or kept terms."""
    import gradio as gr
    from gradio.i18n import I18nData

    import app

    allowed = KEPT | code_names()
    untranslated = []
    for block in app.build_app().blocks.values():
        texts = [getattr(block, a, None) for a in ("label", "info", "placeholder")]
        if isinstance(block, (gr.Markdown, gr.Button, gr.Textbox)) and block.load_event_to_attach is None:
            texts.append(block.value)
        texts += [c[0] if isinstance(c, (tuple, list)) else c for c in getattr(block, "choices", None) or []]
        for text in texts:
            if text is None or isinstance(text, I18nData) or not isinstance(text, str) or text.startswith("__i18n__"):
                continue
            if english_words(text) - allowed:
                untranslated.append((type(block).__name__, block.elem_id, text[:60]))
    assert untranslated == []


def test_the_labs_template_has_every_text_in_the_catalogue():
    """lab2d.html: every text, title and aria-label carries its key (data-i18n*), so lab2d.js can say it."""
    from html.parser import HTMLParser

    missing = []

    class Walk(HTMLParser):
        stack: list[dict] = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            for attr, key in (("title", "data-i18n-title"), ("aria-label", "data-i18n-aria")):
                if english_words(a.get(attr) or "") - KEPT and key not in a:
                    missing.append((tag, attr, a[attr][:40]))
            if tag not in ("input", "br", "img", "path", "line", "circle", "rect", "meta"):
                self.stack.append(a)

        def handle_endtag(self, tag):
            if self.stack and tag not in ("input", "br", "img", "path", "line", "circle", "rect", "meta"):
                self.stack.pop()

        def handle_data(self, data):
            if english_words(data) - KEPT and not (self.stack and "data-i18n" in self.stack[-1]):
                missing.append(("text", data.strip()[:40]))

    Walk().feed(ROOT.joinpath("playground", "static", "lab2d.html").read_text("utf-8"))
    assert missing == []


# A word and how a Korean reader reads its end: (을/를, 이/가, (으)로).
READ = [("손실 함수", "를", "가", "로"), ("사진", "을", "이", "으로"), ("민지", "를", "가", "로"),
        ("서울", "을", "이", "로"),
        ("D 학습률", "을", "이", "로"), ("“Mode Collapse”", "를", "가", "로"), ("GAN", "을", "이", "으로"),
        ("kD", "를", "가", "로"), ("KL", "을", "이", "로"), ("Mina", "를", "가", "로"), ("Adam", "을", "이", "으로"),
        ("Jun", "을", "이", "으로"), ("Paul", "을", "이", "로"), ("Peter", "를", "가", "로"), ("3", "을", "이", "으로"),
        ("7", "을", "이", "로"), ("2", "를", "가", "로"), ("10", "을", "이", "으로"), ("(28, 28)", "을", "이", "로"),
        ("x̃", "를", "가", "로")]


@pytest.mark.parametrize("word,obj,subj,toward", READ)
def test_korean_particles_follow_the_word_before_them(word, obj, subj, toward):
    from playground.catalogue import particles

    assert particles(f"{word}을(를) {word}이(가) {word}(으)로") == f"{word}{obj} {word}{subj} {word}{toward}"


def test_every_korean_message_chooses_its_particles():
    """Every catalogue entry with a hedged particle, filled with each setting's Korean label and nickname-like
    words: no hedge is left, and the lab's script chooses exactly as the server does."""
    import shutil
    import subprocess

    from playground.catalogue import CATALOGUE, PARTICLES, t
    from toy2d.config import SETTINGS

    hedged = {k: v for k, v in CATALOGUE["ko"].items() if any(p in v for p in PARTICLES)}
    assert len(hedged) >= 10
    words = [t(f"setting.{s.name}", "ko") for s in SETTINGS] + ["Mina", "jun99", "김민지", "홍길동", "R2-D2", "x"]
    for key, entry in hedged.items():
        fields = {f: words[i % len(words)] for i, f in enumerate(re.findall(r"\{(\w+)", entry))}
        assert not any(p in t(key, "ko", **fields) for p in PARTICLES), key
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to run the lab script's twin of the rule")
    js = (Path(i18n.__file__).parent / "static" / "lab2d.js").read_text(encoding="utf-8")
    twin = js[js.index("// <particles>"):js.index("// </particles>")]
    texts = [f"{w}을(를) {w}이(가) {w}은(는) {w}과(와) {w}(으)로" for w in words + [r[0] for r in READ] + ["…", "{x}"]]
    script = twin + f"\nprocess.stdout.write(JSON.stringify({json.dumps(texts, ensure_ascii=False)}.map(particles)));"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    from playground.catalogue import particles

    assert json.loads(out) == [particles(x) for x in texts]


def test_bold_closes_in_both_languages_whatever_fills_it():
    """CommonMark closes ``**`` after a punctuation mark only before a space or another mark: "**99%**가" shows its
    stars. Every entry, its fields filled with a value that ends in punctuation, pairs its ``**`` by the rule."""
    import unicodedata

    from playground.catalogue import CATALOGUE

    def mark(c: str) -> bool:
        return unicodedata.category(c)[0] in "PS"

    def flanks(text: str, at: int, end: int) -> tuple[bool, bool]:
        before, after = (text[at - 1] if at else " "), (text[end] if end < len(text) else " ")
        left = not after.isspace() and (not mark(after) or before.isspace() or mark(before))
        right = not before.isspace() and (not mark(before) or after.isspace() or mark(after))
        return left, right

    broken = []
    for lang in ("en", "ko"):
        for key, entry in CATALOGUE[lang].items():
            text = re.sub(r"\{\w+\}", "99%", entry)
            runs = list(re.finditer(r"(?<!\*)\*\*(?!\*)", text))
            for opener, closer in zip(runs[::2], runs[1::2]):
                if not (flanks(text, *opener.span())[0] and flanks(text, *closer.span())[1]):
                    broken.append((lang, key, text[opener.start():closer.end() + 2]))
    assert broken == []
