import math

import pytest
import torch

from toy2d import losses
from toy2d.config import TrainConfig
from toy2d.metrics import wasserstein1
from toy2d.trainer import Trainer

SMALL = dict(g_depth=1, g_width=16, d_depth=1, d_width=16, batch=64)


def weights(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_one_seed_makes_a_run_reproducible():
    a, b = Trainer(TrainConfig(seed=7, **SMALL)), Trainer(TrainConfig(seed=7, **SMALL))
    a.run(30), b.run(30)
    assert torch.equal(weights(a.g), weights(b.g)) and torch.equal(weights(a.d), weights(b.d))
    c = Trainer(TrainConfig(seed=8, **SMALL))
    c.run(30)
    assert not torch.equal(weights(a.g), weights(c.g))


def test_step_counts_follow_kd_kg():
    t = Trainer(TrainConfig(k_d=3, k_g=2, **SMALL))
    t.run(4)
    assert (t.iteration, t.d_steps, t.g_steps) == (4, 12, 8)
    assert t.step_d() and t.step_g()
    assert (t.iteration, t.d_steps, t.g_steps) == (4, 13, 9)
    assert len(t.history) == 4 and all(math.isfinite(v) for row in t.history for v in row)


def test_d_steps_alone_make_d_win():
    t = Trainer(TrainConfig(data="ring8", **SMALL))  # fakes start at the ring's centre: separable
    t.step_d()
    first = t.d_loss
    for _ in range(400):
        t.step_d()
    assert t.d_loss < 0.7 * first


def test_g_steps_alone_lower_the_generator_loss_against_a_fixed_d():
    t = Trainer(TrainConfig(data="gaussians", **SMALL))
    for _ in range(100):
        t.step_d()
    t.step_g()
    first = t.g_loss
    for _ in range(100):
        t.step_g()
    assert t.g_loss < first


@pytest.mark.parametrize("loss", ["minimax", "nonsaturating", "least-squares", "hinge", "wgan", "wgan-gp"])
def test_every_loss_trains_towards_the_data(loss):
    wgan = {"lr_d": 5e-4, "lr_g": 5e-4, "opt_d": "rmsprop", "opt_g": "rmsprop", "clip": 0.1}
    cfg = TrainConfig(data="gaussians", loss=loss, seed=2, g_width=32, d_width=32,
                      r1_gamma=0.0 if loss.startswith("wgan") else 0.1, **(wgan if loss == "wgan" else {}))
    t = Trainer(cfg)
    real = t.pool[-500:].numpy()
    start = wasserstein1(real, t.sample(500))
    t.run(600)
    assert t.diverged is None
    assert wasserstein1(real, t.sample(500)) < 0.5 * start


def test_weight_clipping_bounds_every_critic_weight():
    t = Trainer(TrainConfig(loss="wgan", clip=0.05, **SMALL))
    t.run(20)
    assert weights(t.d).abs().max().item() <= 0.05 + 1e-7


def test_spectral_norm_unrolled_and_ema_run():
    t = Trainer(TrainConfig(d_spectral_norm=True, unrolled_k=3, g_ema=0.9, **SMALL))
    t.run(10)
    assert t.diverged is None and t.g_sample is not t.g
    assert not torch.equal(weights(t.g_sample), weights(t.g))


def test_unrolling_changes_the_generator_update():
    a, b = Trainer(TrainConfig(**SMALL)), Trainer(TrainConfig(unrolled_k=5, lr_d=0.05, **SMALL))
    for t in (a, b):
        for _ in range(20):
            t.step_d()
        t.rng.manual_seed(0)
        t.step_g()
    assert not torch.allclose(weights(a.g), weights(b.g))


def test_a_diverging_run_stops_cleanly_and_says_where():
    t = Trainer(TrainConfig(data="grid25", opt_d="sgd", opt_g="sgd", lr_d=10.0, lr_g=10.0, loss="least-squares",
                            **SMALL))
    done = t.run(500)
    assert t.diverged is not None and done < 500
    assert t.diverged.iteration == done + 1 and t.diverged.phase in ("D", "G")
    assert "diverged at iteration" in t.diverged.message()
    before = (t.iteration, t.d_steps, t.g_steps)
    assert t.step() is False and t.step_d() is False and t.step_g() is False
    assert (t.iteration, t.d_steps, t.g_steps) == before


def test_live_changes_keep_optimiser_state_and_refuse_structural_ones():
    t = Trainer(TrainConfig(**SMALL))
    t.run(5)
    state = t.opt_d.state[t.d_params[0]]["exp_avg"].clone()
    t.apply(t.config.replace(lr_d=0.123, lr_g=0.01, k_d=2))
    assert t.opt_d.param_groups[0]["lr"] == 0.123 and t.opt_g.param_groups[0]["lr"] == 0.01
    assert torch.equal(t.opt_d.state[t.d_params[0]]["exp_avg"], state)
    t.step()
    assert t.d_steps == 5 + 2
    with pytest.raises(ValueError, match="restart"):
        t.apply(t.config.replace(d_width=3))


def test_cosine_decay_anneals_the_learning_rates():
    t = Trainer(TrainConfig(lr_decay_steps=10, lr_d=1e-2, **SMALL))
    t.run(5)
    assert t.opt_d.param_groups[0]["lr"] == pytest.approx(1e-2 * (0.01 + 0.99 * 0.5))
    t.run(10)
    assert t.opt_d.param_groups[0]["lr"] == pytest.approx(1e-4)


@pytest.mark.parametrize("noise", ["gaussian", "uniform"])
def test_noise_types(noise):
    t = Trainer(TrainConfig(noise=noise, noise_dim=5, **SMALL))
    z = t.noise(5000)
    assert z.shape == (5000, 5)
    if noise == "uniform":
        assert z.min() >= -1 and z.max() <= 1 and abs(z.std().item() - 1 / math.sqrt(3)) < 0.02
    else:
        assert abs(z.std().item() - 1) < 0.03


def test_lazy_r1_applies_k_gamma_on_every_kth_d_step_only():
    from toy2d import losses

    t = Trainer(TrainConfig(r1_gamma=0.5, r1_every=4, **SMALL))
    real, fake = t.real_batch(64), t.real_batch(64) * 0.5
    adversarial = t.loss.d_loss(*t.d(torch.cat([real, fake])).split(64))
    t.d_steps = 5
    assert t.d_objective(real, fake).item() == pytest.approx(adversarial.item(), rel=1e-6)
    t.d_steps = 8
    expected = adversarial + 0.5 * 4 * losses.r1_penalty(t.d, real)
    assert t.d_objective(real, fake).item() == pytest.approx(expected.item(), rel=1e-6)


@pytest.mark.parametrize("opt", ["adam", "rmsprop"])
def test_finite_but_absurd_losses_stop_the_run_like_nan_does(opt):
    """Adam/RMSprop at learning rate 10 reached losses of −2.6e6 / 2.4e27 and trained on with no message."""
    t = Trainer(TrainConfig(opt_d=opt, opt_g=opt, lr_d=10.0, lr_g=10.0, loss="wgan", clip=100.0))
    t.run(300)
    assert t.diverged is not None, (t.d_loss, t.g_loss)
    assert all(abs(v) <= losses.LOSS_LIMIT for v in (t.d_loss, t.g_loss) if math.isfinite(v))  # never shown
    assert "beyond" in t.diverged.reason or "nan" in t.diverged.reason or "inf" in t.diverged.reason


def test_the_loss_bound_names_the_value():
    assert losses.broken(1.5) is None and losses.broken(-losses.LOSS_LIMIT) is None
    assert "-2.6e+06" in str(losses.broken(-2.6e6)) and "beyond" in str(losses.broken(-2.6e6))
    assert str(losses.broken(float("nan"))) == "became nan"
