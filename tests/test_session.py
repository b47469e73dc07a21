"""The live lab's per-page session: what each button does, what the page is sent, and the session registry."""
import numpy as np
import pytest

from playground import payload, session as session_module
from playground.session import LabSession, Registry
from toy2d import probe
from toy2d.config import TrainConfig

SMALL = TrainConfig(g_width=16, d_width=16, batch=64)


@pytest.fixture
def session():
    return LabSession(SMALL)


def test_each_action_moves_the_right_counters(session):
    p = session.act("play", 5)
    assert (p["iteration"], p["d_steps"], p["g_steps"]) == (5, 5, 5)
    p = session.act("d")
    assert (p["iteration"], p["d_steps"], p["g_steps"]) == (5, 6, 5)
    p = session.act("g")
    assert (p["iteration"], p["d_steps"], p["g_steps"]) == (5, 6, 6)
    p = session.act("step")
    assert (p["iteration"], p["d_steps"], p["g_steps"]) == (6, 7, 7)
    run = p["run"]
    p = session.act("reset")
    assert (p["iteration"], p["d_steps"], p["g_steps"]) == (0, 0, 0) and p["run"] == run + 1
    with pytest.raises(ValueError, match="unknown action"):
        session.act("explode")


def test_slow_motion_walks_through_kd_then_kg_updates(session):
    session.change(SMALL.replace(k_d=2, k_g=1))
    phases = []
    for _ in range(6):
        phases.append(session.next_phase())
        p = session.act("slow")
    assert phases == ["D", "D", "G", "D", "D", "G"]
    assert (p["iteration"], p["d_steps"], p["g_steps"]) == (2, 4, 2)


def test_frame_payload_decodes_to_the_probe_arrays(session):
    p = session.page_payload(action="play", n=3)
    n = p["heat_n"]
    heat = payload.decode(p["heat"], np.uint8)
    assert heat.shape == (n * n,) and n == probe.N_GRID and heat.min() < heat.max()
    assert payload.decode(p["fake"]).reshape(-1, 2).shape == (probe.N_SHOWN, 2)
    assert payload.decode(p["real"]).reshape(-1, 2).shape == (probe.N_SHOWN, 2)
    assert payload.decode(p["arrows"]).reshape(-1, 2).shape == (probe.N_SHOWN, 2)
    k, m = p["manifold_k"], p["manifold_m"]
    assert payload.decode(p["manifold"]).shape == (k * m * 2,)
    assert len(payload.decode(p["density"], np.uint8)) == (k - 1) * (m - 1)
    x0, x1, y0, y1 = p["box"]
    assert x1 > x0 and y1 > y0 and p["heat_output"] == "probability" and (p["heat_lo"], p["heat_hi"]) == (0, 1)
    assert p["modes_total"] == 8 and p["floors"]["js"] >= 0


def test_metric_rows_carry_modes_now_and_in_the_recent_window(session):
    rows = [session.act("step") and session.metrics.since(0)[-1] for _ in range(3)]
    for it, kl, js, now, hq, recent in rows:
        assert now is not None and recent >= now  # the window holds the latest measurement and older ones
    assert session.mode_history.recent() == rows[-1][5] and session._payload(True)["mode_window"] >= 1


def test_a_frame_trains_at_most_its_time_budget():
    s = LabSession(SMALL)
    s.frame_budget_s = 0.0  # every iteration overruns it: one iteration per frame, however many were asked
    assert s.act("play", 50)["iteration"] == 1
    s.frame_budget_s = 10.0
    assert s.act("play", 50)["iteration"] == 51


def test_the_training_budget_is_shared_by_the_pages_playing(monkeypatch):
    monkeypatch.setattr(session_module, "FRAME_TRAIN_BUDGET_S", 0.06)
    registry = Registry()
    a, b, c = (registry.get(key, SMALL) for key in "abc")
    registry.share_budget(a)
    assert a.frame_budget_s == pytest.approx(0.06)  # nobody playing: the whole budget
    a.act("play", 1)
    b.act("play", 1)
    registry.share_budget(a)
    registry.share_budget(c)
    assert a.frame_budget_s == c.frame_budget_s == pytest.approx(0.03)  # two pages playing share it
    b.last_play -= 2 * session_module.PLAYING_WINDOW_S  # b paused a while ago
    registry.share_budget(a)
    assert a.frame_budget_s == pytest.approx(0.06)


def test_critic_heatmaps_get_their_own_scale():
    s = LabSession(SMALL.replace(loss="wgan-gp"))
    p = s.act("play", 3)
    assert p["heat_output"] == "critic" and p["heat_lo"] < p["heat_hi"] and (p["heat_lo"], p["heat_hi"]) != (0, 1)


def test_the_page_gets_only_chart_rows_it_has_not_seen(session):
    first = session.page_payload(action="play", n=2)
    assert first["real"] and len(first["loss_rows"]) == first["loss_serial"] >= 1
    again = session.page_payload(first["loss_serial"], first["metric_serial"], first["run"], "play", 2)
    assert "real" not in again and len(again["loss_rows"]) == 1 and again["loss_rows"][0][0] == 4
    session.act("reset")
    fresh = session.page_payload(again["loss_serial"], again["metric_serial"], again["run"])
    assert fresh["real"] and fresh["loss_rows"][0][0] == 0  # a new run starts its charts afresh


def test_chart_series_hand_out_rows_by_serial_even_once_full(monkeypatch):
    monkeypatch.setattr(session_module, "SERIES_KEPT", 10)
    series = session_module.Series()
    for i in range(25):
        series.add([i])
    assert series.since(0) == [[i] for i in range(15, 25)]  # only the kept ones
    assert series.since(20) == [[20], [21], [22], [23], [24]]
    assert series.since(24) == [[24]] and series.since(25) == [] and series.since(99) == []
    assert series.since(-5) == series.since(0)


def test_live_changes_keep_the_run_and_structural_ones_restart_it(session):
    session.act("play", 3)
    assert session.change(SMALL.replace(lr_d=5e-4, k_d=2)) == "Applied live: lr_d, k_d."
    assert session.trainer.iteration == 3 and session.trainer.opt_d.param_groups[0]["lr"] == 5e-4
    message = session.change(session.config.replace(g_width=8))
    assert message.startswith("Restarted") and "g_width" in message and session.trainer.iteration == 0
    assert session.change(session.config) == ""
    before = session.config
    with pytest.raises(ValueError, match="lr_g"):
        session.change(before.replace(lr_g=-1.0))
    assert session.config == before


def test_a_diverging_run_stops_with_a_message_and_the_session_keeps_working():
    s = LabSession(SMALL.replace(opt_d="sgd", opt_g="sgd", lr_d=10.0, lr_g=10.0, loss="least-squares"))
    p = s.act("play", 500)
    assert p["diverged"] and "Lower the learning rates" in p["diverged"] and "Reset" in p["diverged"]
    assert p["iteration"] < 500
    assert s.act("play", 5)["iteration"] == p["iteration"]  # a diverged run does nothing more…
    s.change(s.config.replace(lr_d=1e-3, lr_g=1e-3, opt_d="adam", opt_g="adam"))
    assert s.act("play", 5)["diverged"] is None  # …until the settings are fixed


def test_metrics_csv_has_a_row_per_frame_and_metrics_where_evaluated(session):
    session.act("frame")
    session.act("play", 4)
    lines = session.metrics_csv().strip().splitlines()
    assert lines[0] == "iteration,d_loss,g_loss,kl_bits,js_bits,modes_covered,hq_percent,modes_in_window"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "4"]
    assert lines[1].split(",")[3] != ""  # the first frame was evaluated


def test_recorded_frames_for_export(session):
    session.act("play", 2)
    assert len(session.exported) == 1 and session.exported[0]["iteration"] == 2


def test_registry_gives_each_page_its_own_session_and_frees_it():
    reg = Registry()
    a, b = reg.get("page-a", SMALL), reg.get("page-b", SMALL)
    assert a is not b and reg.get("page-a") is a and len(reg) == 2
    a.act("play", 3)
    assert b.trainer.iteration == 0
    assert reg.by_token(a.token) is a and a.token != b.token
    reg.drop("page-a")
    assert "page-a" not in reg and reg.by_token(a.token) is None and len(reg) == 1
