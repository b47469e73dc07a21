"""The 2D lab's Gradio callbacks, called as Gradio would call them (no browser)."""
import asyncio
import json
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from playground import lab2d
from playground.session import URL_POINTS, default_config, share_config
from toy2d.config import TrainConfig
from toy2d.presets import PRESETS, resolve


@pytest.fixture
def page(monkeypatch):
    """A fake Gradio request for one page, with its own session; warnings recorded instead of shown."""
    warnings = []
    monkeypatch.setattr(lab2d.gr, "Warning", lambda msg, *a, **k: warnings.append(msg))
    request = SimpleNamespace(session_hash="test-page", query_params={})
    lab2d.SESSIONS.drop("test-page")
    yield SimpleNamespace(request=request, warnings=warnings)
    lab2d.SESSIONS.drop("test-page")


def values(config):
    return lab2d.values_of(config)


def frame_of(reply):
    return json.loads(reply[0])


def test_page_load_starts_the_default_run_and_sends_the_token(page):
    reply = lab2d.on_load(page.request)
    v = frame_of(reply)
    session = lab2d.SESSIONS.get("test-page")
    assert v["token"] == session.token and v["frame"]["iteration"] == 0 and v["frame"]["real"]
    assert reply[1:] == values(default_config())


def test_a_shared_link_restores_its_settings(page):
    config = default_config().replace(data="moons", lr_d=0.002, k_d=3)
    page.request.query_params = dict(p.split("=") for p in config.to_query().split("&"))
    page.request.query_params["__theme"] = "dark"  # parameters that are not ours are ignored
    reply = lab2d.on_load(page.request)
    assert lab2d.SESSIONS.get("test-page").config == config and reply[1:] == values(config)
    assert frame_of(reply)["message"] == "Settings restored from the link."


def test_a_broken_link_warns_and_starts_the_default(page):
    page.request.query_params = {"lr_d": "-3"}
    reply = lab2d.on_load(page.request)
    assert lab2d.SESSIONS.get("test-page").config == default_config()
    assert "link's settings were not used" in frame_of(reply)["message"] and "lr_d" in frame_of(reply)["message"]


def test_settings_apply_live_or_restart_and_bad_values_change_nothing(page):
    lab2d.on_load(page.request)
    session = lab2d.SESSIONS.get("test-page")
    session.act("play", 3)
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("lr_g")] = 0.01
    reply = lab2d.on_settings(page.request, *v)
    assert "Applied live: lr_g" in frame_of(reply)["message"] and session.trainer.iteration == 3
    v[lab2d.FIELD_NAMES.index("g_depth")] = 1
    reply = lab2d.on_settings(page.request, *v)
    assert "Restarted" in frame_of(reply)["message"] and session.trainer.iteration == 0
    before = session.config
    for field, bad in [("lr_d", float("nan")), ("batch", 2.5), ("lr_d", None), ("g_width", -4), ("k_d", 1e9)]:
        v = values(before)
        v[lab2d.FIELD_NAMES.index(field)] = bad
        reply = lab2d.on_settings(page.request, *v)
        assert session.config == before and reply[1:] == values(before)  # the panel is put back
    assert len(page.warnings) == 5 and all(page.warnings)


def test_points_without_points_is_refused(page):
    lab2d.on_load(page.request)
    v = values(default_config())
    v[lab2d.FIELD_NAMES.index("data")] = "points"
    lab2d.on_settings(page.request, *v)
    assert "draw them" in page.warnings[0]


def test_preset_shows_its_sentence_and_trains_exactly_the_preset(page):
    lab2d.on_load(page.request)
    reply = lab2d.on_preset("collapse", page.request)
    assert PRESETS["collapse"].explanation in frame_of(reply)["message"]
    assert lab2d.SESSIONS.get("test-page").config == resolve(preset="collapse")[0]


def test_recommended_settings(page):
    lab2d.on_load(page.request)
    lab2d.on_recommended("grid25", "hinge", page.request)
    assert lab2d.SESSIONS.get("test-page").config == resolve("grid25", "hinge")[0]


def test_drawing_and_csv_feed_the_points_data_set(page, tmp_path):
    lab2d.on_load(page.request)
    session = lab2d.SESSIONS.get("test-page")
    reply = lab2d.on_drawn(SimpleNamespace(points=[[0, 0], [1, 1], [0.5, 0.2]]), page.request)
    assert session.config.data == "points" and len(session.config.points) == 3
    assert "3 drawn points" in frame_of(reply)["message"]
    before = session.config
    lab2d.on_drawn(SimpleNamespace(points=[]), page.request)
    lab2d.on_drawn(SimpleNamespace(points=[[0, "x"]]), page.request)
    garbage = tmp_path / "g.csv"
    garbage.write_text("hello\nworld,1\n")
    lab2d.on_csv(str(garbage), page.request)
    assert session.config == before and len(page.warnings) == 3
    good = tmp_path / "p.csv"
    np.savetxt(good, np.random.default_rng(0).normal(size=(50, 2)), delimiter=",", header="x,y")
    lab2d.on_csv(str(good), page.request)
    assert session.config.data == "points" and len(session.config.points) == 50


def test_big_point_clouds_put_a_sample_in_the_link():
    config = TrainConfig(data="points", points=tuple((i * 0.123456789, 1.0) for i in range(5000)))
    shared = share_config(config)
    assert len(shared.points) == URL_POINTS and shared.points[1] == (round(12 * 0.123456789, 4), 1.0)  # every 12.5th
    assert TrainConfig.from_query(shared.to_query()).points == shared.points


def test_save_and_load_a_run(page, tmp_path):
    lab2d.on_load(page.request)
    session = lab2d.SESSIONS.get("test-page")
    session.change(session.config.replace(g_width=8, d_width=8))
    session.act("play", 7)
    path = lab2d.on_save(page.request)
    weights = [p.detach().clone() for p in session.trainer.all_params]
    session.act("reset")
    reply = lab2d.on_load_run(path, page.request)
    assert session.trainer.iteration == 7 and "iteration 7" in frame_of(reply)["message"]
    assert all(bool((a == b).all()) for a, b in zip(weights, session.trainer.all_params))
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    lab2d.on_load_run(str(bad), page.request)
    assert session.trainer.iteration == 7 and "not a GAN Playground run" in page.warnings[-1]


def test_exports(page):
    lab2d.on_load(page.request)
    session = lab2d.SESSIONS.get("test-page")
    session.act("play", 2)
    csv = open(lab2d.on_metrics_csv(page.request)).read().splitlines()
    assert csv[0].startswith("iteration,d_loss") and csv[-1].startswith("2,")
    for _ in range(3):
        session._last_export = -1e9
        session.act("play", 1)
    calls = []
    gif = lab2d.on_gif(page.request, progress=lambda *a, **k: calls.append(a))
    img = Image.open(gif)
    assert img.format == "GIF" and img.n_frames == len(session.exported) >= 4 and len(calls) == img.n_frames


def test_tick_serves_the_page_loop_by_token_only(page):
    reply = lab2d.on_load(page.request)
    token = frame_of(reply)["token"]
    p = json.loads(asyncio.run(lab2d.tick([token, "play", 4, 0, 0, -1])))
    assert p["iteration"] == 4 and p["query"] == lab2d.SESSIONS.get("test-page").config.to_query()
    assert "run has ended" in json.loads(asyncio.run(lab2d.tick(["forged", "play", 4, 0, 0, -1])))["error"]
    assert "error" in json.loads(asyncio.run(lab2d.tick([token, "play"])))
    assert "unknown action" in json.loads(asyncio.run(lab2d.tick([token, "rm -rf", 1, 0, 0, -1])))["error"]


def test_closing_the_page_frees_its_session(page):
    lab2d.on_load(page.request)
    assert "test-page" in lab2d.SESSIONS
    lab2d.on_unload(page.request)
    assert "test-page" not in lab2d.SESSIONS


def test_a_settings_change_on_a_big_point_cloud_keeps_the_cloud_without_copying_it(page):
    """100 000 uploaded points made every settings change take 40–74 s: each field's comparison copied them all."""
    lab2d.on_load(page.request)
    session = lab2d.SESSIONS.get("test-page")
    cloud = np.random.default_rng(3).normal(size=(100_000, 2))
    lab2d.use_points(cloud.tolist(), session, "uploaded points")
    points = session.config.points
    v = values(session.config)
    v[lab2d.FIELD_NAMES.index("lr_d")] = 0.002
    reply = lab2d.on_settings(page.request, *v)
    assert "Applied live: lr_d" in frame_of(reply)["message"]
    assert session.config.points is points and session.config.lr_d == 0.002  # the same tuple, not a copy


def test_the_page_pings_its_run_as_often_as_the_limits_say():
    import gradio as gr

    from playground import limits
    js = (lab2d.STATIC / "lab2d.js").read_text()
    assert "__PING_MS__" in js and "server.alive" in js
    with gr.Blocks() as demo:
        lab2d.build()
    built = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "lab-view")
    assert f"const PING_MS = {round(limits.PAGE_PING_S * 1000)};" in built.js_on_load
    assert limits.PAGE_PING_S * 3 <= limits.RUN_IDLE_S  # a paused page misses two pings before its run is freed
