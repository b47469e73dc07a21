"""Dirac-GAN: the known fixed point, the known eigenvalues, and who converges (Mescheder et al. 2018)."""
import numpy as np
import pytest

from toy2d.dirac import DiracGame, distance_to_equilibrium

START, LR, STEPS = (1.0, 1.0), 0.1, 3000


def test_the_origin_is_a_fixed_point_of_every_zero_centred_game():
    for game in (DiracGame("gan"), DiracGame("wgan"), DiracGame("gan", "r1", 0.3)):
        dt, dp = game.field(np.array(0.0), np.array(0.0))
        assert dt == 0 and dp == 0


def test_unregularised_eigenvalues_are_imaginary_and_r1_gives_them_a_negative_real_part():
    plain = np.linalg.eigvals(DiracGame("gan").jacobian(0.0, 0.0))
    assert np.allclose(plain.real, 0, atol=1e-6) and np.allclose(sorted(plain.imag), [-0.5, 0.5], atol=1e-6)
    r1 = np.linalg.eigvals(DiracGame("gan", "r1", 0.3).jacobian(0.0, 0.0))
    assert np.all(r1.real < -0.1)


def test_r1_converges_where_the_unregularised_game_does_not():
    plain = distance_to_equilibrium(DiracGame("gan").trajectory(START, LR, STEPS, "alternating"))
    r1 = distance_to_equilibrium(DiracGame("gan", "r1", 0.3).trajectory(START, LR, STEPS, "simultaneous"))
    assert r1[-1] < 1e-3 * r1[0]                    # R1: spirals into the equilibrium
    assert plain[-1] > 0.5 * plain[0]               # unregularised: keeps circling at a distance


def test_simultaneous_steps_spiral_out_and_alternating_steps_circle():
    for loss in ("gan", "wgan"):
        sim = distance_to_equilibrium(DiracGame(loss).trajectory(START, LR, STEPS, "simultaneous"))
        alt = distance_to_equilibrium(DiracGame(loss).trajectory(START, LR, STEPS, "alternating"))
        assert sim[-1] > 1.5 * sim[0]                        # away from the equilibrium
        assert 0.5 * alt[0] < alt.max() < 2.5 * alt[0]      # bounded: a (distorted) circle
    wgan = distance_to_equilibrium(DiracGame("wgan").trajectory(START, 0.01, 200, "simultaneous"))
    assert np.all(np.diff(wgan) > 0)  # WGAN's simultaneous steps grow the radius every step


def test_the_wgan_gp_penalty_holds_the_critic_slope_near_one():
    g = DiracGame("wgan", "wgan-gp", 1.0)
    _, dp = g.field(np.array(0.0), np.array([0.5, 1.0, 2.0]))
    assert dp[0] > 0 and dp[1] == 0 and dp[2] < 0


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="loss"):
        DiracGame("hinge")
    with pytest.raises(ValueError, match="γ"):
        DiracGame("gan", "r1", -1.0)
    with pytest.raises(ValueError, match="learning rate"):
        DiracGame().trajectory(START, 0.0, 10)
