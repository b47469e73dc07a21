"""The live lab's per-page session: what each button does and what the page is sent."""

import pytest

from playground.lab import session as session_module
from playground.lab.protocol import FrameRequest, unpack
from playground.catalogue import t
from playground.lab.session import LabSession
from toy2d import probe
from toy2d.config import TrainConfig

SMALL = TrainConfig(g_width=16, d_width=16, batch=64)


@pytest.fixture
def session():
    return LabSession(SMALL)


def test_each_action_moves_the_right_counters(session):
    p = session.act("play", 5)
    assert (p.iteration, p.d_steps, p.g_steps) == (5, 5, 5)
    p = session.act("d")
    assert (p.iteration, p.d_steps, p.g_steps) == (5, 6, 5)
    p = session.act("g")
    assert (p.iteration, p.d_steps, p.g_steps) == (5, 6, 6)
    p = session.act("step")
    assert (p.iteration, p.d_steps, p.g_steps) == (6, 7, 7)
    run = p.run
    p = session.act("reset")
    assert (p.iteration, p.d_steps, p.g_steps) == (0, 0, 0) and p.run == run + 1
    with pytest.raises(ValueError, match="unknown action"):
        session.act("explode")


def test_slow_motion_walks_through_kd_then_kg_updates(session):
    session.change(SMALL.replace(k_d=2, k_g=1))
    phases = []
    for _ in range(6):
        phases.append(session.next_phase())
        p = session.act("slow")
    assert phases == ["D", "D", "G", "D", "D", "G"]
    assert (p.iteration, p.d_steps, p.g_steps) == (2, 4, 2)


def reply(session, **request) -> dict:
    """The frame as the page receives it (JSON)."""
    return unpack(session.reply(FrameRequest(session.token, **request)))


def test_frame_payload_decodes_to_the_probe_arrays(session):
    p = reply(session, action="play", n=3)
    v = p["view"]
    n = v["heat_n"]
    heat = v["heat"]
    assert heat.shape == (n * n,) and n == probe.N_GRID and heat.min() < heat.max()
    assert v["fake"].reshape(-1, 2).shape == (probe.N_SHOWN, 2)
    assert p["real"].reshape(-1, 2).shape == (probe.N_SHOWN, 2)
    assert v["arrows"].reshape(-1, 2).shape == (probe.N_SHOWN // probe.ARROW_EVERY, 2)
    k, m = v["manifold_k"], v["manifold_m"]
    assert v["manifold"].shape == (k * m * 2,)
    assert len(v["density"]) == (k - 1) * (m - 1)
    x0, x1, y0, y1 = v["box"]
    assert x1 > x0 and y1 > y0 and v["heat_output"] == "probability" and (v["heat_lo"], v["heat_hi"]) == (0, 1)
    assert p["modes_total"] == 8 and p["floors"]["js"] >= 0


def test_metric_rows_carry_modes_now_and_in_the_recent_window(session):
    rows = [session.act("step") and session.metrics.since(0).rows[-1] for _ in range(3)]
    for it, kl, js, now, hq, recent in rows:
        assert now is not None and recent >= now  # the window holds the latest measurement and older ones
    assert session.mode_history.recent() == rows[-1][5] and session.act("frame").mode_window >= 1


def test_a_frame_trains_at_most_its_time_budget():
    s = LabSession(SMALL)
    s.frame_budget_s = 0.0  # every iteration overruns it: one iteration per frame, however many were asked
    f = s.act("play", 50)
    assert f.iteration == 1 and f.per_frame["trained"] == 1 and f.per_frame["asked"] == 50
    assert f.per_frame["why"]["fields"]["ms"] == "0"  # the page says why it trained fewer than the slider asks
    s.frame_budget_s = 10.0
    f = s.act("play", 50)
    assert f.iteration == 51 and f.per_frame == dict(trained=50, asked=50, why=None)
    assert s.act("step").per_frame is None  # only play frames have a speed to answer to
    s.act("reset")
    assert s.act("play", 7).per_frame["trained"] == 7  # counted on the new run, not against the old one


def test_critic_heatmaps_get_their_own_scale():
    s = LabSession(SMALL.replace(loss="wgan-gp"))
    v = s.act("play", 3).view
    assert v.heat_output == "critic" and v.heat_lo < v.heat_hi and (v.heat_lo, v.heat_hi) != (0, 1)


def test_the_page_gets_only_chart_rows_it_has_not_seen(session):
    first = reply(session, action="play", n=2)
    assert first["real"].size and first["losses"]["from"] == 0 and len(first["losses"]["rows"]) >= 1
    again = reply(session, action="play", n=2, **held(first))
    assert "real" not in again
    assert again["losses"] == {"from": held(first)["losses"], "rows": [again["losses"]["rows"][0]]}
    assert again["losses"]["rows"][0][0] == 4
    session.act("reset")
    fresh = reply(session, **held(again))
    assert fresh["real"].size and fresh["losses"]["from"] == 0 and fresh["losses"]["rows"][0][0] == 0  # a new run


def test_a_request_sent_before_the_last_frame_arrived_repeats_rows_by_index_only(session):
    """The page asks for the next frame before it takes in the current one, so two replies overlap: the rows
    they share carry the same indices, and keeping rows by index holds each iteration once."""
    first = reply(session, action="play", n=3)
    a = reply(session, action="play", n=3, **held(first))
    b = reply(session, action="play", n=3, **held(first))  # sent before `a` was taken in
    kept: dict[int, list] = {}
    for p in (first, a, b):
        for i, row in enumerate(p["losses"]["rows"], start=p["losses"]["from"]):
            assert kept.setdefault(i, row) == row  # one index, one row, whichever reply brought it
    assert [row[0] for _, row in sorted(kept.items())] == [3, 6, 9]


def test_a_redraw_at_the_same_iteration_updates_its_row_instead_of_adding_one(session):
    session.act("play", 2)
    session.act("frame")
    session.act("d")  # a single D update: same iteration, new D loss
    rows = list(session.losses.rows)
    assert [r[0] for r in rows] == [2] and rows[0][1] == session.trainer.d_loss
    assert [r[0] for r in session.metrics.rows] == [2]


def test_chart_series_hand_out_rows_by_serial_even_once_full(monkeypatch):
    monkeypatch.setattr(session_module, "SERIES_KEPT", 10)
    series = session_module.Series()
    for i in range(25):
        series.add([i])
    assert series.since(0).start == 15 and series.since(0).rows == [[i] for i in range(15, 25)]  # the kept ones
    assert series.since(20).start == 20 and series.since(20).rows == [[20], [21], [22], [23], [24]]
    assert series.since(24).rows == [[24]] and series.since(25).rows == [] and series.since(99).rows == []
    assert series.since(-5) == series.since(0)


def test_live_changes_keep_the_run_and_structural_ones_restart_it(session):
    session.act("play", 3)
    said = str(session.change(SMALL.replace(lr_d=5e-4, k_d=2)))
    assert said == "Applied live: D learning rate, D steps per iteration (kD)."
    assert session.trainer.iteration == 3 and session.trainer.opt_d.param_groups[0]["lr"] == 5e-4
    message = str(session.change(session.config.replace(g_width=8)))
    assert message.startswith("Restarted") and "G neurons per layer" in message and session.trainer.iteration == 0
    assert session.change(session.config) == ""
    before = session.config
    with pytest.raises(ValueError, match="lr_g"):
        session.change(before.replace(lr_g=-1.0))
    assert session.config == before


def words(wire: dict, lang: str) -> str:
    """A phrase sent to the page ({key, fields}, fields possibly phrases too), said as lab2d.js says it."""
    return t(wire["key"], lang, **{k: words(v, lang) if isinstance(v, dict) else v for k, v in wire["fields"].items()})


def test_a_diverging_run_stops_with_a_message_and_the_session_keeps_working():
    s = LabSession(SMALL.replace(opt_d="sgd", opt_g="sgd", lr_d=10.0, lr_g=10.0, loss="least-squares"))
    p = s.act("play", 500)
    said = {lang: words(p.diverged, lang) for lang in ("en", "ko")}  # as the page's script says it
    assert "diverged at iteration" in said["en"] and "Lower the learning rates" in said["en"] and "Reset" in said["en"]
    assert "발산" in said["ko"] and "초기화" in said["ko"] and "학습률" in said["ko"]
    assert p.iteration < 500
    assert s.act("play", 5).iteration == p.iteration  # a diverged run does nothing more…
    s.change(s.config.replace(lr_d=1e-3, lr_g=1e-3, opt_d="adam", opt_g="adam"))
    assert s.act("play", 5).diverged is None  # …until the settings are fixed


def test_metrics_csv_has_a_row_per_frame_and_metrics_where_evaluated(session):
    session.act("frame")
    session.act("play", 4)
    lines = session.metrics_csv().strip().splitlines()
    assert lines[0] == "iteration,d_loss,g_loss,kl_bits,js_bits,modes_covered,hq_percent,modes_in_window"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "4"]
    assert lines[1].split(",")[3] != ""  # the first frame was evaluated


def test_recorded_frames_for_export(session):
    session.act("play", 2)
    assert len(session.exported) == 1 and session.exported[0][0] == 2
    recording = session.recording()
    assert recording.frames[0][1].heat.shape == (probe.N_GRID, probe.N_GRID) and recording.real.shape[1] == 2


def test_many_pages_playing_share_the_metric_evaluations(monkeypatch):
    """A class's pages each measuring every 0.5 s spent a large share of the CPU on evaluations (10 000 samples
    binned each): together they measure at most 1 / METRICS_SHARE_S times a second."""
    monkeypatch.setattr(session_module, "FRAME_TRAIN_BUDGET_S", 0.05)  # conftest lifts it
    s = LabSession(SMALL)
    s.frame_budget_s = 0.05  # playing alone
    assert s.metrics_every_s() == session_module.METRICS_EVERY_S
    s.frame_budget_s = 0.05 / 30  # the registry's share with 30 pages playing
    assert s.metrics_every_s() == pytest.approx(30 * session_module.METRICS_SHARE_S)
    s.act("step")  # a step measures at once
    rows = s.metrics.next_index
    for _ in range(5):
        s.act("play", 1)  # playing frames within the interval measure nothing
    assert s.metrics.next_index == rows
    s._last_metrics -= s.metrics_every_s()
    s.act("play", 1)
    assert s.metrics.next_index == rows + 1


def held(p: dict) -> dict:
    """What a page holds after taking in frame ``p`` (FrameRequest's fields)."""
    return dict(run=p["run"], losses=p["losses"]["from"] + len(p["losses"]["rows"]),
                metrics=p["metrics"]["from"] + len(p["metrics"]["rows"]), layers=p["layers"])


def test_heavy_layers_and_the_query_come_only_when_the_page_lacks_that_version(session, monkeypatch):
    monkeypatch.setattr(session_module, "LAYERS_EVERY_S", 1e9)  # while playing, never due by time
    first = reply(session, action="play", n=2)
    assert first["view"]["heat"].size == probe.N_GRID ** 2 and "query" in first
    again = reply(session, action="play", n=2, **held(first))
    assert "heat" not in again["view"] and "manifold" not in again["view"] and "query" not in again
    assert again["layers"] == first["layers"] and again["view"]["fake"].size == 2 * probe.N_SHOWN  # dots move
    lost = reply(session, action="play", n=2, **dict(held(again), layers=-1))  # a page that lost them gets them
    assert lost["view"]["heat"].size and lost["layers"] == first["layers"]
    stepped = reply(session, action="step", **held(again))  # single steps always show D's new heatmap
    assert stepped["view"]["heat"].size and stepped["layers"] > first["layers"]
    session.change(session.config.replace(lr_d=session.config.lr_d / 2))
    changed = reply(session, action="play", n=1, **held(stepped))  # a live change: new layers, and the new query
    assert changed["layers"] > stepped["layers"] and "lr_d=" in changed["query"]


def test_heavy_layers_refresh_at_the_eyes_rate_and_less_often_for_a_class(session, monkeypatch):
    monkeypatch.setattr(session_module, "LAYERS_EVERY_S", 0.0)
    monkeypatch.setattr(session_module, "LAYERS_CPU_SHARE", float("inf"))
    first = reply(session, action="play", n=1)
    assert reply(session, action="play", n=1, **held(first))["layers"] > first["layers"]  # alone: every frame here
    monkeypatch.setattr(session_module, "LAYERS_CPU_SHARE", 0.15)
    monkeypatch.setattr(session_module, "FRAME_TRAIN_BUDGET_S", 0.05)
    session._layers_cost = 0.004  # the heavy layers' measured cost: 4 ms
    session.frame_budget_s = session_module.FRAME_TRAIN_BUDGET_S / 30  # thirty pages playing
    assert session.layers_every_s() == pytest.approx(30 * 0.004 / 0.15)
    session.frame_budget_s = session_module.FRAME_TRAIN_BUDGET_S
    monkeypatch.setattr(session_module, "LAYERS_EVERY_S", 0.1)
    assert session.layers_every_s() == 0.1


def test_a_presets_story_lasts_while_it_runs_and_latches_what_happened(monkeypatch):
    from playground import catalogue
    from toy2d.presets import PRESETS, resolve

    monkeypatch.setattr(session_module, "LAYERS_EVERY_S", 0.0)  # every frame heavy: each carries the story

    config, _ = resolve(preset="oscillation", overrides={"seed": 3})  # any seed: Reset draws new weights
    s = LabSession(config)
    first = reply(s, action="frame")
    assert first["story"]["name"] == "oscillation" and first["story"]["happened"] is None
    for _ in range(40):  # slow enough to follow the cycle, as a page at 20 it/frame does
        got = reply(s, action="play", n=20)
        if got["story"]["happened"]:
            break
    happened = got["story"]["happened"]
    assert happened["key"] == "happened.circles"
    assert "circled" in catalogue.t(happened["key"], "en", **happened["fields"])
    assert PRESETS["oscillation"].sign(s.track)  # the page's line is the sign's verdict on this run
    assert reply(s, action="step")["story"]["happened"] == happened  # latched: said once, kept
    s.change(s.config.replace(lr_g=s.config.lr_g / 2))  # now the user's own run
    assert reply(s, action="frame")["story"] is None
    s.restart(resolve(preset="oscillation")[0])
    assert reply(s, action="frame")["story"]["happened"] is None  # a new run starts the story again
    assert reply(LabSession(SMALL), action="frame")["story"] is None  # no preset, no story
