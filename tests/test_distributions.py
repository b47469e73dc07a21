import numpy as np
import pytest

from toy2d import distributions as D


@pytest.mark.parametrize("name", [n for n in D.NAMES if n != "points"])
def test_every_dataset_samples_float32_pairs_reproducibly(name):
    dist = D.get(name)
    a = dist.sample(1000, 3)
    assert a.shape == (1000, 2) and a.dtype == np.float32
    assert np.isfinite(a).all()
    np.testing.assert_array_equal(a, dist.sample(1000, 3))
    assert not np.array_equal(a, dist.sample(1000, 4))


def test_ring8_has_eight_distinct_modes_on_the_unit_circle():
    c = D.get("ring8").mixture.centres
    assert c.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1.0)
    angles = np.sort(np.mod(np.arctan2(c[:, 1], c[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8, atol=1e-12)  # the linspace bug gives 7 distinct


def test_mixture_samples_sit_on_their_modes():
    dist = D.get("grid25")
    x = dist.sample(20_000, 0)
    d = np.linalg.norm(x[:, None] - dist.mixture.centres[None], axis=2)
    nearest = d.min(axis=1)
    assert np.std(nearest) < 0.1 and np.median(nearest) < 0.1
    counts = np.bincount(d.argmin(axis=1), minlength=25)
    assert counts.min() > 20_000 / 25 * 0.8  # equal weights


def test_ganlab_sets_live_in_the_unit_square():
    for name in ("line", "gaussians", "ellipse", "disjoint"):
        x = D.get(name).sample(5000, 1)
        assert (np.median(x, axis=0) > 0.2).all() and (np.median(x, axis=0) < 0.8).all()
    g = D.get("gaussians").sample(40_000, 2)
    left = g[:, 0] < 0.5
    np.testing.assert_allclose(g[left].std(axis=0), [0.1, 0.1], rtol=0.1)


def test_points_resamples_user_cloud_with_small_jitter():
    pts = [(0.0, 0.0), (1.0, 1.0)]
    x = D.get("points", pts).sample(2000, 0)
    d = np.minimum(np.linalg.norm(x - [0, 0], axis=1), np.linalg.norm(x - [1, 1], axis=1))
    assert d.max() < 0.1


@pytest.mark.parametrize("bad, message", [
    ([], "empty"),
    ([(1.0, 2.0)], "at least 2"),
    ([(1.0, 2.0, 3.0), (1, 2, 3)], "two columns"),
    ([(np.nan, 1.0), (0, 0)], "NaN"),
    ([("a", "b"), (0, 0)], "numbers"),
    (np.zeros((D.MAX_POINTS + 1, 2)), "too many"),
])
def test_points_refuses_bad_clouds_with_a_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        D.get("points", bad)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="ring8"):
        D.get("ring9")
