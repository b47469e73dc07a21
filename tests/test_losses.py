import math

import pytest
import torch

from toy2d import losses as L


def t(*v):
    return torch.tensor(v, dtype=torch.float32)


def test_log_losses_at_an_undecided_discriminator():
    zero = t(0.0, 0.0)
    assert L.minimax_d(zero, zero).item() == pytest.approx(2 * math.log(2))
    assert L.minimax_g(zero).item() == pytest.approx(-math.log(2))
    assert L.nonsaturating_g(zero).item() == pytest.approx(math.log(2))


def test_minimax_generator_gradient_vanishes_where_nonsaturating_does_not():
    h = torch.tensor([-8.0], requires_grad=True)  # D is sure this fake is fake
    (g_mm,) = torch.autograd.grad(L.minimax_g(h), h)
    (g_ns,) = torch.autograd.grad(L.nonsaturating_g(h), h)
    assert abs(g_mm.item()) < 1e-3 < abs(g_ns.item())


def test_least_squares_hinge_and_wasserstein_values():
    assert L.least_squares_d(t(1.0), t(0.0)).item() == 0
    assert L.least_squares_g(t(0.0)).item() == pytest.approx(0.5)
    assert L.hinge_d(t(2.0, 1.0), t(-1.0, -3.0)).item() == 0
    assert L.hinge_d(t(0.0), t(0.0)).item() == pytest.approx(2.0)
    assert L.wasserstein_d(t(3.0, 1.0), t(0.0, 0.0)).item() == pytest.approx(-2.0)
    assert L.wasserstein_g(t(1.0, 3.0)).item() == pytest.approx(-2.0)


def _linear(w):
    w = torch.tensor(w)
    return lambda x: x @ w


def test_gradient_penalty_is_zero_for_a_unit_slope_critic_and_grows_otherwise():
    real, fake = torch.randn(64, 2), torch.randn(64, 2)
    gen = torch.Generator().manual_seed(0)
    assert L.gradient_penalty(_linear([0.6, 0.8]), real, fake, gen).item() == pytest.approx(0, abs=1e-10)
    assert L.gradient_penalty(_linear([3.0, 0.0]), real, fake, gen).item() == pytest.approx(4.0)


def test_r1_is_half_the_squared_gradient_norm_on_real_data():
    assert L.r1_penalty(_linear([3.0, 4.0]), torch.randn(16, 2)).item() == pytest.approx(12.5)


def test_the_penalties_apply_to_pictures_as_the_image_loops_use_them():
    """StarGAN's GP and StyleGAN's R1 are these functions: on (N, C, H, W) pictures the norm is over each whole
    picture, and R1 hands back D's scores on the reals so that a loop pays one forward pass."""
    w = torch.zeros(3, 4, 4)
    w[0, 0, 0], w[2, 3, 1] = 0.6, 0.8  # a critic of slope 1 over the pixels

    def critic(x):
        return (x * w).sum((1, 2, 3))
    real, fake = torch.randn(8, 3, 4, 4), torch.randn(8, 3, 4, 4)
    assert L.gradient_penalty(critic, real, fake).item() == pytest.approx(0, abs=1e-10)
    assert L.gradient_penalty(lambda x: 3 * critic(x), real, fake).item() == pytest.approx(4.0)
    scores, r1 = L.r1_with_scores(lambda x: 5 * critic(x), real)
    assert torch.allclose(scores, 5 * critic(real)) and r1.item() == pytest.approx(12.5)


def test_every_loss_is_registered_with_how_to_read_d():
    assert set(L.LOSS_NAMES) == {"minimax", "nonsaturating", "least-squares", "hinge", "wgan", "wgan-gp"}
    assert L.get("wgan-gp").gradient_penalty and L.get("wgan").weight_clip
    assert L.get("nonsaturating").shown(torch.tensor([0.0])).item() == 0.5
    assert L.get("wgan").boundary is None
    with pytest.raises(ValueError, match="hinge"):
        L.get("bce")
