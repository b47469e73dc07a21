"""The bad-input matrix: every number, text, picture, CSV and drawing input of every tab gets NaN, ±inf, negative,
zero, huge, non-numeric, empty, corrupt and oversized values. Each must end in a message for the user (gr.Error,
or a warning with the panel put back) or in a valid result; never in another exception. Stateful tabs must keep
the run the user had, and every tab must still work afterwards."""
import asyncio
import inspect
import json
import logging
import math
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest
from PIL import Image

from conftest import frame_request
from playground.tabs import dirac as dirac_view, experiments2d as ex, digit_gans, img2img, lab2d, latent_walk
from playground.tabs import style_transfer
from playground.lab.protocol import unpack

BAD_NUMBERS = [math.nan, math.inf, -math.inf, -1, 0, 1e9, -1e9, 0.5, "abc", "", None]
BAD_TEXTS = ["", "   ", "abc", "-5", "1e9", "1-99999999", "3-1", ",,,", "<b>x</b>", "9" * 400, "1;2", "0x10"]


def outcome(fn, *args) -> str:
    """"ok" for a normal return (a generator is run to its end), "message" for a gr.Error with a text. Any other
    exception propagates and fails the test."""
    try:
        out = fn(*args)
        if inspect.isgenerator(out):
            for _ in out:
                pass
        return "ok"
    except gr.Error as e:
        assert str(e.message).strip(), "an empty error message"
        return "message"


def each_number(fn, valid: list, positions: list[int]):
    """(fn, args) for every bad number at every numeric position."""
    for i in positions:
        for bad in BAD_NUMBERS:
            args = list(valid)
            args[i] = bad
            yield pytest.param(fn, args, id=f"{fn.__module__.split('.')[-1]}.{fn.__name__}[{i}]={bad!r}")


# ---- numbers ---------------------------------------------------------------------------------------------------
AB = [None, "ring8", 0, *ex.ab_pair(ex.DEFAULT_PAIR)[1:]]
NUMBER_CASES = [
    *each_number(dirac_view.draw, ["gan", "r1", 0.3, 0.1, 50, 1.0, 1.0, ["simultaneous"]], [2, 3, 4, 5, 6]),
    *each_number(ex.ab_new, AB, [2, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18]),
    *each_number(ex.vae_new, [None, "ring8", 0, "nonsaturating", 1.0, True], [2, 4]),
    *each_number(ex.cgan_new, [None, "ring8", 0, "nonsaturating", 3], [2, 4]),
    *each_number(digit_gans.new_run, [None, "cgan", "nonsaturating", "adam", 1e-3, 1e-3, 1, 1, 64, 32, 0, 3, 8,
                                     10.0, 5.0], list(range(4, 15))),
]


@pytest.mark.parametrize("fn, args", NUMBER_CASES)
def test_every_number_field_answers_bad_values_with_a_message_or_a_result(fn, args):
    outcome(fn, *args)


@pytest.fixture
def page(monkeypatch, lab):
    warnings = []
    monkeypatch.setattr(gr, "Warning", lambda m, *a, **k: warnings.append(m))
    request = SimpleNamespace(session_hash="bad-input-page", query_params={}, headers={})
    lab.on_load(request)
    yield SimpleNamespace(request=request, warnings=warnings, session=lab.registry.get("bad-input-page"), lab=lab)


@pytest.mark.parametrize("name", [s.name for s in lab2d.PANEL if s.kind in ("int", "float")])
def test_2d_lab_number_fields_warn_put_the_panel_back_and_keep_the_run(page, name):
    session = page.session
    config = session.config
    index = lab2d.FIELD_NAMES.index(name)
    for bad in BAD_NUMBERS + [1e300, 10**12]:
        session.act("play", 3)
        run, iteration = session.run_id, session.trainer.iteration
        values = lab2d.values_of(config)
        if values[index] == bad:
            continue  # not a change at all
        values[index] = bad
        reply = page.lab.on_settings(page.request, *values)  # any exception here would be a traceback in the UI
        if session.config != config:  # accepted: a valid value (e.g. 0 for an "off" setting)
            session.change(config)
            continue
        assert session.run_id == run and session.trainer.iteration == iteration, (name, bad)
        # the refused box shows the run's value again; the others are left as the page has them
        assert reply[1 + index] == {"__type__": "update", "value": getattr(config, name)}, (name, bad)
        assert all(r == {"__type__": "update"} for j, r in enumerate(reply[1:]) if j != index), (name, bad)
        assert page.warnings, (name, bad)
    assert "iteration" in unpack(asyncio.run(page.lab.frame(frame_request(session.token, "play", 2))))  # still works


@pytest.mark.parametrize("values", [
    ["nonsense", "nan", 1], ["TOKEN", "play", 2, 0, 0, -1], [None] * 6, "not a list", [], ["x"] * 20, None,
    {"token": "TOKEN", "action": "play", "n": "abc"}, {"token": None}, {"action": "play"},
    {"token": "TOKEN", "action": "play", "evil": 1}, {"token": "TOKEN", "action": ["play"]}, {"token": "x" * 500}])
def test_the_frame_loop_answers_garbage_with_an_error_not_a_traceback(page, values):
    values = json.loads(json.dumps(values).replace("TOKEN", page.session.token))
    assert "error" in unpack(asyncio.run(page.lab.frame(values)))


# ---- text ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", BAD_TEXTS)
def test_seed_texts_answer_with_a_message_or_a_result(text, faces):
    outcome(latent_walk.show_grid, text, 1.0)
    outcome(latent_walk.make_walk, text, "slerp", 8, 12, 1.0)
    outcome(latent_walk.compute_arithmetic, text, "1", "2", 1.0)
    outcome(latent_walk.explore, "random", 0, "1", "2", text, 0.5, 1.0)
    outcome(img2img.run_own_cyclegan, text)


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_latent_walk_numbers(bad, faces):
    for fn, args in ((latent_walk.show_grid, ["1, 2", bad]), (latent_walk.make_walk, ["1, 2", "slerp", bad, 12, 1]),
                     (latent_walk.make_walk, ["1, 2", "slerp", 8, bad, 1]),
                     (latent_walk.explore, ["random", bad, "1", "2", "3", 0.5, 1.0]),
                     (latent_walk.explore, ["random", 0, "1", "2", "3", bad, 1.0])):
        outcome(fn, *args)


# ---- pictures --------------------------------------------------------------------------------------------------
def _pictures(tmp_path) -> dict[str, tuple[str, str]]:
    """name → (path, expected outcome)."""
    out = {}

    def save(name, im, fmt="PNG", expect="ok", **kw):
        path = tmp_path / f"{name}.{fmt.lower()}"
        im.save(path, fmt, **kw)
        out[name] = (str(path), expect)
    rgb = Image.fromarray((np.random.default_rng(0).random((80, 96, 3)) * 255).astype(np.uint8))
    save("rgba", rgb.convert("RGBA"))
    save("palette", rgb.convert("P"))
    save("cmyk", rgb.convert("CMYK"), "JPEG")
    save("grey16", Image.fromarray((np.arange(80 * 96).reshape(80, 96) * 7).astype(np.uint16)))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°
    save("exif-rotated", rgb, "JPEG", exif=exif)
    save("one-pixel", Image.new("RGB", (1, 1)), expect="message")
    save("bomb", Image.new("1", (20_000, 20_000)), expect="message")  # a few KB on disk, 400 MP decoded
    good = tmp_path / "rgba.png"
    (tmp_path / "truncated.png").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    out["truncated"] = (str(tmp_path / "truncated.png"), "message")
    (tmp_path / "not-a-picture.png").write_text("this is not a picture")
    out["not-a-picture"] = (str(tmp_path / "not-a-picture.png"), "message")
    (tmp_path / "empty.png").write_bytes(b"")
    out["empty"] = (str(tmp_path / "empty.png"), "message")
    out["missing"] = (str(tmp_path / "nowhere.png"), "message")
    out["none"] = (None, "message")
    return out


def test_every_picture_input_accepts_odd_pictures_and_refuses_broken_ones(tmp_path):
    w = [0, 1.0, None, 0.0, None, 0.0]
    for name, (path, expected) in _pictures(tmp_path).items():
        got = {
            "style photo": outcome(style_transfer.run_builtin, path, 256, *w, 1.0, False),
            "style picture": outcome(style_transfer.run_arbitrary, str(tmp_path / "rgba.png"), path, None, 0.5, 1.0,
                                     False, 256),
            "photo to sketch": outcome(img2img.photo_pipeline, path),
        }
        assert set(got.values()) == {expected}, (name, got)


@pytest.mark.parametrize("size", [0, -1, 7, 100000, "abc", None, math.nan, "256px"])
def test_picture_sizes_outside_the_offered_ones_are_refused(tmp_path, size):
    photo = str(tmp_path / "p.png")
    Image.new("RGB", (64, 64), "red").save(photo)
    assert outcome(style_transfer.run_builtin, photo, size, 0, 1.0, None, 0, None, 0, 1.0, False) == "message"
    assert outcome(img2img.run_vintage, photo, size) == "message"


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_style_numbers(tmp_path, bad):
    photo = str(tmp_path / "p.png")
    Image.new("RGB", (64, 64), "red").save(photo)
    outcome(style_transfer.run_builtin, photo, 256, 0, bad, 3, 0.5, None, 0, 1.0, False)
    outcome(style_transfer.run_builtin, photo, 256, 0, 1.0, None, 0, None, 0, bad, False)
    outcome(style_transfer.run_arbitrary, photo, photo, None, bad, 1.0, False, 256)
    for i in range(3, 8):  # size, iterations, α, log β, TV of Gatys
        args = ["efficientnet-lite0", 128, 5, 1.0, 3.0, 10.0, "content", "lbfgs", 1, 1, 1, 1, 1]
        args[i - 2] = bad
        outcome(style_transfer.gatys_config, *args)


# ---- drawings and point clouds ----------------------------------------------------------------------------------
@pytest.mark.parametrize("pad", [None, {}, {"composite": None}, {"composite": np.zeros((0, 0, 4), np.uint8)},
                                 {"composite": np.full((256, 256, 4), 255, np.uint8)},
                                 {"composite": np.zeros((256, 256, 4), np.uint8)}])
def test_empty_drawings_ask_for_a_drawing(pad):
    assert outcome(img2img.colour, pad) == "message"


def _csv(tmp_path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


@pytest.mark.parametrize("name, content", [
    ("garbage.csv", "hello,world\nfoo,bar\n"), ("one-point.csv", "1,2\n"), ("empty.csv", ""),
    ("three-columns.csv", "1,2,3\n4,5,6\n"), ("one-column.csv", "1\n2\n3\n"), ("binary.csv", b"\x89PNG\x00\xff"),
    ("nan.csv", "1,2\nnan,3\n4,5\n"), ("huge-values.csv", "1e308,1e308\n-1e308,2\n")])
def test_bad_csvs_warn_and_keep_the_run(page, tmp_path, name, content):
    session = page.session
    session.act("play", 2)
    run = session.run_id
    reply = page.lab.on_csv(_csv(tmp_path, name, content), page.request)
    assert page.warnings and page.warnings[-1].startswith("CSV not used")
    assert session.run_id == run and reply[1:] == lab2d.values_of(session.config)


def test_ten_million_points_are_refused_without_reading_them(page, tmp_path):
    path = tmp_path / "ten-million.csv"
    with open(path, "w") as fh:
        for _ in range(100):
            fh.write("0,0\n" * 100_000)
    page.lab.on_csv(str(path), page.request)
    assert "at most" in page.warnings[-1] and page.session.config.data == "ring8"


@pytest.mark.parametrize("points", [[], [[0.0, 0.0]], [[math.nan, 1.0], [1.0, 2.0]], [[1.0, 2.0, 3.0]] * 3])
def test_bad_drawn_points_warn_and_keep_the_run(page, points):
    run = page.session.run_id
    page.lab.on_drawn(SimpleNamespace(points=points), page.request)
    assert page.warnings[-1].startswith("Drawing not used") and page.session.run_id == run


# ---- runs that diverge --------------------------------------------------------------------------------------------
def test_learning_rates_that_diverge_stop_each_live_tab_with_a_message(monkeypatch):
    warnings = []
    monkeypatch.setattr(gr, "Warning", lambda m, *a, **k: warnings.append(m))
    run, *_ = digit_gans.new_run(None, "dcgan", "least-squares", "sgd", 1.0, 1.0, 1, 1, 64, 32, 0, 3, 8, 10.0, 5.0)
    run.playing = True
    for _ in range(30):
        digit_gans.frame(run, 5)
        if not run.playing:
            break
    assert not run.playing and any("stopped" in w for w in warnings)
    side = ["collapse", "least-squares", "sgd", 1.0, 1.0, 1, 1, 0.0]
    ab, *_ = ex.ab_new(None, "ring8", 0, *side, *ex.ab_pair(ex.DEFAULT_PAIR)[9:])
    ab.playing = True
    for _ in range(40):
        ex.frame(ab, 10)
    a, b = (t.model for t in ab.lock.lanes)
    assert a.diverged is not None and b.diverged is None and ab.playing  # B goes on
    assert any("A stopped" in w for w in warnings)


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, 10**30, 2.5, True, "7"])
def test_a_frame_request_with_infinite_or_odd_numbers_is_refused_not_paused(page, caplog, bad):
    """±Infinity was answered "the run was paused" (it was not) and logged a traceback each time."""
    for key in ("n", "run", "losses", "metrics"):
        args = frame_request(page.session.token, "play", 2, run=-1, losses=0, metrics=0)
        args[key] = bad
        reply = unpack(asyncio.run(page.lab.frame(args)))
        assert reply["error"].startswith("Bad frame request") and "paused" not in reply["error"], (key, reply)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert unpack(asyncio.run(page.lab.frame(frame_request(page.session.token, "play", 2))))["iteration"] == 2


def test_a_garbage_run_file_is_refused_wholly_in_korean(tmp_path):
    """A picked file that is not a run got a half-English reason ("…: not a GAN Playground run file (not a PyTorch
    archive: BadZipFile)") on a Korean page."""
    from playground import catalogue
    from toy2d import checkpoint

    garbage = tmp_path / "숙제.pt"
    garbage.write_bytes(b"\x00\x01 this is not a run" * 50)
    with pytest.raises(ValueError) as e:
        checkpoint.load(garbage)
    said = catalogue.in_lang(catalogue.because(e.value), "ko")
    assert "학습 파일이 아닙니다" in said and "not a" not in said, said
