"""The digits, the judge and the metrics on inputs whose answers are known."""
import numpy as np
import pytest

from models.digits import data as digits, judge


def test_digits_load_as_flat_vectors_in_range():
    x, y = digits.load()
    assert x.shape == (1797, 64) and float(x.min()) == -1 and float(x.max()) == 1
    assert sorted(set(y.tolist())) == list(range(10))


def test_the_judge_is_accurate_on_held_out_real_digits():
    assert judge.judge().test_accuracy > 0.93


def test_metrics_on_known_inputs():
    x, y = digits.load()
    xs, ys = x.numpy(), y.numpy()
    assert judge.classes_covered(xs) == 10
    hist = judge.class_histogram(xs)
    assert hist.sum() == pytest.approx(1) and np.all(np.abs(hist - 0.1) < 0.02)
    sevens = xs[ys == 7]
    assert judge.classes_covered(sevens) <= 2 and judge.class_histogram(sevens)[7] > 0.9  # collapse shows
    acc = judge.accuracy_per_class(xs, ys)
    assert np.nanmean(acc) > 0.95
    wrong = judge.accuracy_per_class(xs, (ys + 1) % 10)
    assert np.nanmean(wrong) < 0.1
    assert judge.frechet(xs) == pytest.approx(0, abs=1e-3)
    noise = np.random.default_rng(0).uniform(-1, 1, xs.shape)
    assert judge.frechet(noise) > 10 * max(judge.frechet(xs[::2]), 1e-3)
