"""Mode hopping: modes covered now vs at any time in a recent window."""
import numpy as np
import pytest

from toy2d import distributions, metrics
from toy2d.modes import ModeHistory


def test_modes_hit_names_the_covered_modes():
    ring = distributions.get("ring8").mixture
    x = np.concatenate([ring.centres[[1, 5]], ring.centres[[1]] + 0.5])  # two on modes, one far off
    hit, hq = metrics.modes_hit(x, ring)
    assert hit == (1, 5) and hq == pytest.approx(2 / 3)
    assert metrics.mode_quality(x, ring) == (2, pytest.approx(2 / 3))


def test_a_hopping_run_covers_one_mode_at_a_time_but_many_in_the_window():
    h = ModeHistory(total=8, window=300)
    for i, it in enumerate(range(100, 1100, 100)):  # one mode per measurement, moving round the ring
        h.record(it, {i % 8})
    assert h.now() == 1
    assert h.recent() == 4  # measurements at 700, 800, 900, 1000 (window 300 back from 1000, inclusive)
    its, grid = h.timeline()
    assert its.tolist() == list(range(100, 1100, 100))
    assert grid.sum(axis=1).tolist() == [1] * 10 and grid[3, 3] and grid[9, 1]


def test_a_collapsed_run_covers_the_same_one_mode_now_and_in_the_window():
    h = ModeHistory(total=8, window=10_000)
    for it in range(0, 2000, 100):
        h.record(it, {2})
    assert (h.now(), h.recent()) == (1, 1)


def test_empty_history_and_bad_input():
    h = ModeHistory(total=3)
    assert (h.now(), h.recent()) == (0, 0)
    assert h.timeline()[1].shape == (0, 3)
    with pytest.raises(ValueError, match="out of range"):
        h.record(1, {3})
    with pytest.raises(ValueError):
        ModeHistory(total=0)
    with pytest.raises(ValueError):
        ModeHistory(total=2, window=0)


def test_old_records_are_dropped_past_the_limit():
    h = ModeHistory(total=2, kept=5)
    for it in range(10):
        h.record(it, {it % 2})
    assert len(h.records) == 5 and h.timeline()[0].tolist() == [5, 6, 7, 8, 9]


def test_a_live_history_keeps_only_its_window_and_one_record_per_iteration():
    h = ModeHistory(total=8, window=300, kept=None)
    for it in range(0, 100_000, 50):
        h.record(it, {(it // 50) % 8})
    assert [it for it, _ in h.records] == list(range(99_650, 100_000, 50))  # the window, inclusive
    assert (h.now(), h.recent()) == (1, 7)
    for _ in range(1000):  # redraws at the same iteration replace the latest measurement
        h.record(99_950, {0, 1})
    assert len(h.records) == 7 and h.now() == 2
