"""The 2D lab's Gradio callbacks, called as Gradio would call them (no browser)."""
import asyncio
import json
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from conftest import frame_request
from playground import i18n
from playground.lab.session import URL_POINTS, default_config, share_config
from playground.tabs import lab2d
from playground.lab.protocol import unpack
from toy2d.config import TrainConfig
from toy2d.presets import PRESETS, resolve


@pytest.fixture
def page(monkeypatch, lab):
    """A fake Gradio request for one page, with its own session; warnings recorded instead of shown."""
    warnings = []
    monkeypatch.setattr(lab2d.gr, "Warning", lambda msg, *a, **k: warnings.append(msg))
    request = SimpleNamespace(session_hash="test-page", query_params={}, headers={})
    yield SimpleNamespace(request=request, warnings=warnings, lab=lab)


def values(config):
    return lab2d.values_of(config)


def frame_of(reply):
    return json.loads(reply[0])


def tick(page, *args, **kwargs) -> dict:
    return unpack(asyncio.run(page.lab.frame(frame_request(*args, **kwargs))))


def test_page_load_starts_the_default_run_and_sends_the_token(page):
    reply = page.lab.on_load(page.request)
    v = frame_of(reply)
    session = page.lab.registry.get("test-page")
    assert v["token"] == session.token and "frame" not in v  # frames come by one channel: the page asks tick
    first = tick(page, v["token"])
    assert first["iteration"] == 0 and first["real"].size and first["run"] == session.run_id
    assert reply[1:] == values(default_config())


def test_the_panel_shows_only_the_fields_that_apply(page):
    applies = frame_of(page.lab.on_load(page.request))["applies"]
    assert set(applies) == set(lab2d.FIELD_NAMES)
    assert not applies["clip"] and not applies["gp_lambda"] and applies["beta1_d"] and applies["lr_d"]
    v = values(default_config())
    v[lab2d.FIELD_NAMES.index("loss")] = "wgan"
    v[lab2d.FIELD_NAMES.index("opt_g")] = "sgd"
    applies = frame_of(page.lab.on_settings(page.request, *v))["applies"]
    assert applies["clip"] and not applies["gp_lambda"] and not applies["beta1_g"] and not applies["beta2_g"]
    assert applies["beta2_d"]  # RMSprop's α and Adam's β2 share the field


def test_a_shared_link_restores_its_settings(page):
    config = default_config().replace(data="moons", lr_d=0.002, k_d=3)
    page.request.query_params = dict(p.split("=") for p in config.to_query().split("&"))
    page.request.query_params["__theme"] = "dark"  # parameters that are not ours are ignored
    reply = page.lab.on_load(page.request)
    assert page.lab.registry.get("test-page").config == config and reply[1:] == values(config)
    assert frame_of(reply)["message"] == "Settings restored from the link."


def test_a_broken_link_warns_and_starts_the_default(page):
    page.request.query_params = {"lr_d": "-3"}
    reply = page.lab.on_load(page.request)
    assert page.lab.registry.get("test-page").config == default_config()
    said = frame_of(reply)["message"]
    assert "link's settings were not used" in said and "D learning rate" in said


def test_settings_apply_live_or_restart_and_bad_values_change_nothing(page):
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    session.act("play", 3)
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("lr_g")] = 0.01
    reply = page.lab.on_settings(page.request, *v)
    assert "Applied live: G learning rate" in frame_of(reply)["message"] and session.trainer.iteration == 3
    v[lab2d.FIELD_NAMES.index("g_depth")] = 1
    reply = page.lab.on_settings(page.request, *v)
    assert "Restarted" in frame_of(reply)["message"] and session.trainer.iteration == 0
    before = session.config
    for field, bad in [("lr_d", float("nan")), ("batch", 2.5), ("lr_d", None), ("g_width", -4), ("k_d", 1e9)]:
        v = values(before)
        v[lab2d.FIELD_NAMES.index(field)] = bad
        reply = page.lab.on_settings(page.request, *v)
        i = lab2d.FIELD_NAMES.index(field)
        assert session.config == before and reply[1 + i] == {"__type__": "update", "value": getattr(before, field)}
        assert all(r == {"__type__": "update"} for j, r in enumerate(reply[1:]) if j != i)  # the rest untouched
    assert len(page.warnings) == 5 and all(page.warnings)


def test_a_reply_never_writes_over_an_edit_made_while_it_travelled(page):
    """At classroom latency the page's next edit is in its box before the last edit's reply arrives: the reply
    writes only what it changed, so a kD typed right after D's learning rate survives it."""
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("lr_d")] = 0.0009
    reply = page.lab.on_settings(page.request, *v)
    assert session.config.lr_d == 0.0009 and all(r == {"__type__": "update"} for r in reply[1:])
    v[lab2d.FIELD_NAMES.index("k_d")] = 4  # sent by the second edit, after the first reply
    page.lab.on_settings(page.request, *v)
    assert (session.config.lr_d, session.config.k_d) == (0.0009, 4)


def test_a_refused_value_goes_back_alone_and_the_other_edits_apply(page):
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("k_d")] = 2.5  # Gradio no longer rounds it: the setting refuses it, with a message
    v[lab2d.FIELD_NAMES.index("lr_g")] = 0.003
    reply = page.lab.on_settings(page.request, *v)
    assert session.config.lr_g == 0.003 and session.config.k_d == default_config().k_d
    assert reply[1 + lab2d.FIELD_NAMES.index("k_d")] == {"__type__": "update", "value": default_config().k_d}
    assert "whole number" in page.warnings[0] and "2.5" in page.warnings[0]
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("lr_d")] = None  # text typed into a number box reaches the handler as None
    page.lab.on_settings(page.request, *v)
    assert "needs a number" in page.warnings[1] and "None" not in page.warnings[1]


def test_points_without_points_is_refused(page):
    page.lab.on_load(page.request)
    v = values(default_config())
    v[lab2d.FIELD_NAMES.index("data")] = "points"
    page.lab.on_settings(page.request, *v)
    assert "draw them" in page.warnings[0]


def test_preset_trains_exactly_the_preset_and_its_frames_tell_its_story(page):
    page.lab.on_load(page.request)
    reply = page.lab.on_preset("collapse", page.request)
    assert "collapse" in frame_of(reply)["message"]
    assert page.lab.registry.get("test-page").config == resolve(preset="collapse")[0]
    story = tick(page, frame_of(reply)["token"], "frame")["story"]
    p = PRESETS["collapse"]
    assert story == dict(name="collapse", title="preset.collapse.title", explanation="preset.collapse.explanation",
                         watch="preset.collapse.watch", pair="preset.collapse-fixed.title",
                         happened=None, changed=None)  # keys: the page says them (and names the pair) in its language
    assert i18n.t(story["explanation"], "en") == p.explanation and i18n.t(story["watch"], "ko") != p.watch


def test_recommended_settings(page):
    page.lab.on_load(page.request)
    page.lab.on_recommended("grid25", "hinge", page.request)
    assert page.lab.registry.get("test-page").config == resolve("grid25", "hinge")[0]


def test_drawing_and_csv_feed_the_points_data_set(page, tmp_path):
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    reply = page.lab.on_drawn(SimpleNamespace(points=[[0, 0], [1, 1], [0.5, 0.2]]), page.request)
    assert session.config.data == "points" and len(session.config.points) == 3
    assert "3 drawn points" in frame_of(reply)["message"]
    before = session.config
    page.lab.on_drawn(SimpleNamespace(points=[]), page.request)
    page.lab.on_drawn(SimpleNamespace(points=[[0, "x"]]), page.request)
    garbage = tmp_path / "g.csv"
    garbage.write_text("hello\nworld,1\n")
    page.lab.on_csv(str(garbage), page.request)
    assert session.config == before and len(page.warnings) == 3
    good = tmp_path / "p.csv"
    np.savetxt(good, np.random.default_rng(0).normal(size=(50, 2)), delimiter=",", header="x,y")
    page.lab.on_csv(str(good), page.request)
    assert session.config.data == "points" and len(session.config.points) == 50


def test_big_point_clouds_put_a_sample_in_the_link():
    config = TrainConfig(data="points", points=tuple((i * 0.123456789, 1.0) for i in range(5000)))
    shared = share_config(config)
    assert len(shared.points) == URL_POINTS and shared.points[1] == (round(12 * 0.123456789, 4), 1.0)  # every 12.5th
    assert TrainConfig.from_query(shared.to_query()).points == shared.points


def test_save_and_load_a_run(page, tmp_path):
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    session.change(session.config.replace(g_width=8, d_width=8))
    for _ in range(7):
        session.act("play", 1)
    session.mode_history.record(session.trainer.iteration, {0, 1, 2, 5})  # modes seen in the window
    session.act("play", 1)
    charts = [list(session.losses.rows), list(session.metrics.rows)]
    recent = session.mode_history.recent()
    path = page.lab.on_save(page.request)
    weights = [p.detach().clone() for p in session.trainer.all_params]
    session.act("reset")
    reply = page.lab.on_load_run(path, page.request)
    assert session.trainer.iteration == 8 and "iteration 8" in frame_of(reply)["message"]
    loaded = tick(page, session.token)  # the charts and the losses come back with the run
    assert loaded["losses"]["rows"] == charts[0] and [r[0] for r in charts[0]] == list(range(1, 9))
    assert loaded["metrics"]["rows"][: len(charts[1])] == charts[1] and loaded["d_loss"] == charts[0][-1][1] is not None
    assert all(bool((a == b).all()) for a, b in zip(weights, session.trainer.all_params))
    assert session.mode_history.recent() >= recent >= 4  # "modes in the last 1 000 iterations" kept its window
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    page.lab.on_load_run(str(bad), page.request)
    assert session.trainer.iteration == 8 and "not a GAN Playground run" in page.warnings[-1]


def test_exports(page):
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    session.act("play", 2)
    csv = open(page.lab.on_metrics_csv(page.request)).read().splitlines()
    assert csv[0].startswith("iteration,d_loss") and csv[-1].startswith("2,")
    for _ in range(3):
        session._last_export = -1e9
        session.act("play", 1)
    calls = []
    gif = page.lab.on_gif(page.request, progress=lambda *a, **k: calls.append(a))
    img = Image.open(gif)
    assert img.format == "GIF" and img.n_frames == len(session.exported) >= 4 and len(calls) == img.n_frames


def test_tick_serves_the_page_loop_by_token_only(page):
    reply = page.lab.on_load(page.request)
    token = frame_of(reply)["token"]
    p = tick(page, token, "play", 4)
    assert p["iteration"] == 4 and p["query"] == page.lab.registry.get("test-page").config.to_query()
    assert tick(page, "forged", "play", 4)["error"]["key"] == "lab.msg.run_ended"  # said in the page's language
    assert "error" in unpack(asyncio.run(page.lab.frame([token, "play"])))
    assert "unknown action" in tick(page, token, "rm -rf")["error"]


def test_closing_the_page_frees_its_session(page):
    page.lab.on_load(page.request)
    assert "test-page" in page.lab.registry
    page.lab.on_unload(page.request)
    assert "test-page" not in page.lab.registry


def test_a_settings_change_on_a_big_point_cloud_keeps_the_cloud_without_copying_it(page):
    """100 000 uploaded points made every settings change take 40–74 s: each field's comparison copied them all."""
    page.lab.on_load(page.request)
    session = page.lab.registry.get("test-page")
    cloud = np.random.default_rng(3).normal(size=(100_000, 2))
    page.lab._use_points(cloud.tolist(), session, "lab.msg.training_on_uploaded")
    points = session.config.points
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("lr_d")] = 0.002
    reply = page.lab.on_settings(page.request, *v)
    assert "Applied live: D learning rate" in frame_of(reply)["message"]
    assert session.config.points is points and session.config.lr_d == 0.002  # the same tuple, not a copy


def test_the_page_pings_its_run_as_often_as_the_limits_say():
    import gradio as gr

    from playground import limits
    js = (lab2d.STATIC / "lab2d.js").read_text()
    assert "__PING_MS__" in js and "server.alive" in js
    from playground.lab.runs import Registry
    from playground.tabs import Page

    with gr.Blocks() as demo:
        with gr.Tab("lab") as tab:
            lab2d.create(Page(demo, tab), Registry())
    built = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "lab-view")
    assert f"const PING_MS = {round(limits.PAGE_PING_S * 1000)};" in built.js_on_load
    assert limits.PAGE_PING_S * 3 <= limits.RUN_IDLE_S  # a paused page misses two pings before its run is freed


def test_a_pages_settings_changes_are_applied_one_at_a_time_and_only_the_newest_of_a_storm(page, monkeypatch):
    """120 changes sent at once by one page (a script) were all applied at once, starving the pages on its worker."""
    import asyncio
    import threading

    applied, running, most = [], [0], [0]
    lock = threading.Lock()
    change = page.lab.on_settings

    def counted(request, *values):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            applied.append(values[lab2d.FIELD_NAMES.index("lr_d")])
            return change(request, *values)
        finally:
            with lock:
                running[0] -= 1
    monkeypatch.setattr(page.lab, "on_settings", counted)
    base = lab2d.values_of(page.lab.registry.get(page.request.session_hash).config)

    async def storm():
        changes = []
        for i in range(120):
            v = list(base)
            v[lab2d.FIELD_NAMES.index("lr_d")] = 1e-4 * (i + 1)
            changes.append(page.lab.on_settings_event(page.request, *v))
        return await asyncio.gather(*changes)
    asyncio.run(storm())
    assert most[0] == 1 and len(applied) <= 3 and applied[-1] == pytest.approx(0.012)
    assert page.lab.registry.get(page.request.session_hash).config.lr_d == pytest.approx(0.012)
    assert page.lab._settings_turns == {}
