"""The MNIST digits, the judge and the metrics on inputs whose answers are known."""
import numpy as np
import pytest

from conftest import assert_reproducible
from models import checkpoints
from models.digits import data as digits, judge


def test_mnist_loads_as_two_disjoint_halves_of_flat_vectors_in_range():
    x, y = digits.load()
    other, other_y = digits.load("judge")
    assert x.shape == (5000, 784) == other.shape and float(x.min()) == -1 and float(x.max()) == 1
    assert sorted(set(y.tolist())) == list(range(10)) == sorted(set(other_y.tolist()))
    gan, held = digits.halves()
    assert not set(gan.tolist()) & set(held.tolist()) and len(gan) + len(held) == 10000


def test_the_judge_reads_digits_it_never_saw_and_records_how_it_was_made():
    assert judge.judge().held_out_accuracy > 0.96
    x, y = digits.load()  # the GANs' half: the judge trained on the other
    assert (judge.judge().predict(x.numpy()[:2000]) == y.numpy()[:2000]).mean() > 0.96
    assert_reproducible(checkpoints.read(checkpoints.path("digit-judge"))["meta"], "digit-judge")


def test_metrics_on_known_inputs():
    x, y = digits.load()
    xs, ys = x.numpy(), y.numpy()
    assert judge.classes_covered(xs) == 10
    hist = judge.class_histogram(xs)
    assert hist.sum() == pytest.approx(1) and np.all(np.abs(hist - np.bincount(ys) / len(ys)) < 0.01)
    sevens = xs[ys == 7]
    assert judge.classes_covered(sevens) <= 2 and judge.class_histogram(sevens)[7] > 0.9  # collapse shows
    acc = judge.accuracy_per_class(xs, ys)
    assert np.nanmean(acc) > 0.96
    wrong = judge.accuracy_per_class(xs, (ys + 1) % 10)
    assert np.nanmean(wrong) < 0.1
    assert judge.frechet(xs) == pytest.approx(0, abs=1e-3)  # the reference statistics are the GANs' half's
    floor = judge.judge().floor
    assert 0.5 < floor < 10 and judge.frechet(xs[:1000]) < 3 * floor
    noise = np.random.default_rng(0).uniform(-1, 1, xs.shape)
    assert judge.frechet(noise) > 100 * floor
    assert judge.learned(xs[:1000]) and not judge.learned(sevens) and not judge.learned(noise[:1000])
    blurred = (xs.reshape(-1, 28, 28)[:1000] + np.roll(xs.reshape(-1, 28, 28)[:1000], 1, 2)) / 2
    assert not judge.learned(blurred.reshape(1000, -1))  # every class, but strokes no real digit has


def test_a_distance_to_one_class_reads_that_class_as_close():
    """A CycleGAN's G(a) is measured against the real b's, not against all ten digits."""
    x, y = digits.load()
    xs, ys = x.numpy(), y.numpy()
    eights = judge.statistics(xs[ys == 8][:300])
    other_eights, threes = xs[ys == 8][300:], xs[ys == 3][:300]
    assert judge.measure(other_eights, reference=eights)["frechet"] < 0.2 * judge.measure(threes, reference=eights)[
        "frechet"]
    assert judge.measure(other_eights)["frechet"] > judge.measure(other_eights, reference=eights)["frechet"]
