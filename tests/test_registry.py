"""The registry of the live lab's runs: one per page, found by key or token, the training budget shared."""
import pytest

from playground.lab import session as lab_session

from playground.lab import runs as registry_module
from playground.lab.runs import Registry
from toy2d.config import TrainConfig

SMALL = TrainConfig(g_width=16, d_width=16, batch=64)


def test_the_training_budget_is_shared_by_the_pages_playing(monkeypatch):
    monkeypatch.setattr(lab_session, "FRAME_TRAIN_BUDGET_S", 0.06)
    registry = Registry()
    a, b, c = (registry.get(key, SMALL) for key in "abc")
    registry.share_budget(a, playing=False)
    assert a.frame_budget_s == pytest.approx(0.06)  # nobody playing: the whole budget
    registry.share_budget(a, playing=True)
    registry.share_budget(b, playing=True)
    registry.share_budget(c, playing=False)
    assert b.frame_budget_s == c.frame_budget_s == pytest.approx(0.03)  # two pages playing share it
    registry._played[b.token] -= 2 * registry_module.PLAYING_WINDOW_S  # b paused a while ago
    registry.share_budget(a, playing=True)
    assert a.frame_budget_s == pytest.approx(0.06)


def test_registry_gives_each_page_its_own_session_and_frees_it():
    reg = Registry()
    a, b = reg.get("page-a", SMALL), reg.get("page-b", SMALL)
    assert a is not b and reg.get("page-a") is a and len(reg) == 2
    a.act("play", 3)
    assert b.trainer.iteration == 0
    assert reg.by_token(a.token) is a and a.token != b.token
    reg.drop("page-a")
    assert "page-a" not in reg and reg.by_token(a.token) is None and len(reg) == 1
