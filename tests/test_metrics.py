import math

import numpy as np
import pytest

from toy2d import distributions as D
from toy2d import metrics as M

RING = D.get("ring8")
BOX = M.metric_box(RING)


def test_histogram_keeps_every_sample_with_an_overflow_bin():
    x = np.array([[0.0, 0.0], [100.0, 0.0], [np.nan, 1.0], [-1.2, 1.2], [np.inf, 0]])
    h = M.histogram(x, BOX, bins=10)
    assert h.sum() == len(x)
    assert h[-1] == 3  # far away, NaN and inf all land in the overflow bin


def test_identical_distributions_sit_at_the_real_vs_real_floor():
    fake = RING.sample(M.N_DIVERGENCE, 99)  # a perfect generator: a third independent real sample
    r = M.evaluate(RING, fake)
    assert r.js_floor_bits < 0.02
    assert abs(r.js_bits - r.js_floor_bits) < 0.01
    assert abs(r.kl_bits - r.kl_floor_bits) < 0.05
    assert r.w1 < 2 * r.w1_floor + 0.01


def test_all_fakes_on_one_mode_give_one_mode_and_the_analytic_js():
    rng = np.random.default_rng(5)
    mix = RING.mixture
    fake = mix.centres[0] + mix.sigmas[0] * rng.standard_normal((M.N_DIVERGENCE, 2))
    r = M.evaluate(RING, fake)
    assert (r.modes_covered, r.modes_total) == (1, 8)
    # P: 1/8 on each of 8 disjoint modes; Q: all on mode 0; M = (P+Q)/2
    p_m0, m_m0, m_other = 1 / 8, (1 / 8 + 1) / 2, (1 / 8) / 2
    kl_pm = p_m0 * math.log2(p_m0 / m_m0) + 7 * (1 / 8) * math.log2((1 / 8) / m_other)
    kl_qm = math.log2(1 / m_m0)
    analytic = 0.5 * (kl_pm + kl_qm)
    assert r.js_bits == pytest.approx(analytic, abs=0.02)


def test_a_perfect_sampler_covers_all_modes_at_the_literature_hq_rate():
    fake = RING.sample(M.N_DIVERGENCE, 11)
    r = M.evaluate(RING, fake)
    assert (r.modes_covered, r.modes_total) == (8, 8)
    assert r.hq_fraction == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    grid = D.get("grid25")
    r25 = M.evaluate(grid, grid.sample(M.N_DIVERGENCE, 12))
    assert (r25.modes_covered, r25.modes_total) == (25, 25)
    assert r25.hq_fraction == pytest.approx(0.989, abs=0.01)


def test_off_grid_fakes_count_against_the_generator():
    far = np.full((M.N_DIVERGENCE, 2), 1e3)
    r = M.evaluate(RING, far)
    assert r.js_bits > 0.99  # disjoint supports: JS = 1 bit (up to smoothing)
    assert r.modes_covered == 0 and r.hq_fraction == 0


def test_wasserstein1_of_a_shift_is_the_shift_length():
    a = np.random.default_rng(0).standard_normal((400, 2))
    assert M.wasserstein1(a, a + [0.3, 0.4]) == pytest.approx(0.5, abs=1e-9)
    assert M.wasserstein1(a, a) == 0


def test_non_mixtures_have_no_mode_metrics_and_nan_fakes_do_not_crash():
    line = D.get("line")
    fake = np.full((M.N_DIVERGENCE, 2), np.nan)
    r = M.evaluate(line, fake)
    assert r.modes_covered is None and r.hq_fraction is None
    assert r.w1 == math.inf and r.js_bits > 0.99


def test_evaluate_demands_enough_samples():
    with pytest.raises(ValueError, match="at least"):
        M.evaluate(RING, np.zeros((10, 2)))


def test_a_reused_reference_gives_the_same_report():
    fake = RING.sample(M.N_DIVERGENCE, 21) * 1.05
    ref = M.reference(RING)
    assert M.evaluate(RING, fake, ref) == M.evaluate(RING, fake)
    assert ref.js_floor_bits == M.evaluate(RING, fake).js_floor_bits
