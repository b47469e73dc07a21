"""The NumPy kernel must follow the autograd path step for step, and hand back to it when a setting needs it."""
import math

import numpy as np
import pytest
import torch

from toy2d import losses, probe
from toy2d.config import TrainConfig
from toy2d.presets import resolve
from toy2d.trainer import Trainer

SMALL = dict(g_width=12, d_width=12, g_depth=2, d_depth=2, batch=64)
CASES = [
    resolve(preset="ganlab")[0],
    TrainConfig(**SMALL, loss="nonsaturating", g_act="leaky_relu", d_act="tanh"),
    TrainConfig(**SMALL, loss="minimax", noise="uniform", noise_dim=3),
    TrainConfig(**SMALL, loss="least-squares", g_act="tanh", d_act="leaky_relu", opt_g="sgd", lr_g=0.01),
    # SGD here: Adam's first steps are ±lr for any non-zero gradient, so a 1e-9 rounding difference in a unit
    # that ELU/hinge leave almost gradient-free would show up as an lr-sized difference
    TrainConfig(**SMALL, loss="hinge", g_act="elu", d_act="elu", k_d=3, k_g=2, opt_d="sgd", opt_g="sgd", lr_d=0.02,
                lr_g=0.02),
    TrainConfig(**SMALL, loss="wgan", opt_d="sgd", opt_g="sgd", lr_d=0.05, lr_g=0.01, clip=0.05),
    TrainConfig(**dict(SMALL, g_depth=0, d_depth=0), data="moons"),
    # R1: the kernel's double backward for ReLU-family D (every D step, and lazily every 2nd); a tanh D sends its
    # penalised steps to autograd
    TrainConfig(**SMALL, r1_gamma=0.1, opt_d="sgd", opt_g="sgd", lr_d=0.02, lr_g=0.02),
    TrainConfig(**SMALL, r1_gamma=0.1, r1_every=2, k_d=3, opt_d="sgd", opt_g="sgd", lr_d=0.02, lr_g=0.02),
    TrainConfig(**SMALL, r1_gamma=0.3, d_act="leaky_relu", opt_d="sgd", opt_g="sgd", lr_d=0.02, lr_g=0.02),
    TrainConfig(**SMALL, r1_gamma=0.3, d_act="tanh", r1_every=2, opt_d="sgd", opt_g="sgd", lr_d=0.02, lr_g=0.02),
    resolve("ring8")[0],  # the default run: Adam, lazy R1 every 4th D step
    # PacGAN packing: D judges packs of 4 (and 2, without hidden layers), with and without R1
    TrainConfig(**SMALL, pack=4, r1_gamma=0.2, opt_d="sgd", opt_g="sgd", lr_d=0.02, lr_g=0.02),
    TrainConfig(**dict(SMALL, g_depth=0, d_depth=0), pack=2, loss="hinge", data="moons"),
]


def _pair(config, steps):
    runs = []
    for fast in (False, True):
        t = Trainer(config)
        t.use_fastpath = fast
        t.run(steps)
        runs.append(t)
    return runs


@pytest.mark.parametrize("config", CASES, ids=lambda c: f"{c.loss}-{c.d_act}-{c.opt_d}-r1={c.r1_gamma}-pack={c.pack}")
def test_kernel_matches_autograd(config):
    auto, fast = _pair(config, 8)
    assert fast.fast is not None and auto.fast is None
    for p, q in zip(auto.all_params, fast.all_params):
        torch.testing.assert_close(q.detach(), p.detach(), rtol=1e-4, atol=1e-5)
    assert fast.d_loss == pytest.approx(auto.d_loss, rel=1e-4, abs=1e-5)
    assert fast.g_loss == pytest.approx(auto.g_loss, rel=1e-4, abs=1e-5)
    assert (fast.d_steps, fast.g_steps, fast.iteration) == (auto.d_steps, auto.g_steps, auto.iteration)


@pytest.mark.parametrize("config", CASES, ids=lambda c: f"{c.loss}-{c.d_act}-{c.opt_d}-r1={c.r1_gamma}-pack={c.pack}")
def test_the_views_arrows_match_autograd(config):
    t = Trainer(config)
    t.run(20)
    fake = probe.fixed_fakes(t)
    fast = probe.fake_arrows(t, fake)
    t.use_fastpath = False
    auto = probe.fake_arrows(t, fake)
    assert np.abs(auto).max() > 0
    assert np.allclose(fast, auto, rtol=1e-4, atol=1e-6 * np.abs(auto).max())


def test_adam_state_is_shared_so_the_paths_can_take_turns():
    config = TrainConfig(**SMALL)
    auto, mixed = Trainer(config), Trainer(config)
    auto.use_fastpath = False
    auto.run(4)
    mixed.run(2)  # kernel
    mixed.use_fastpath = False
    mixed.run(2)  # autograd, continuing from the kernel's Adam moments
    for p, q in zip(auto.all_params, mixed.all_params):
        torch.testing.assert_close(q.detach(), p.detach(), rtol=1e-4, atol=1e-5)


def test_ineligible_settings_use_autograd_and_live_changes_switch_paths():
    t = Trainer(TrainConfig(**SMALL))
    assert t.fast is not None
    t.apply(t.config.replace(unrolled_k=2))
    assert t.fast is None  # G's step looks through k steps of D: autograd only
    t.run(2)
    t.apply(t.config.replace(unrolled_k=0, g_ema=0.99))
    assert t.fast is not None  # an averaged G is the trainer's, any path
    for config in (TrainConfig(**SMALL, loss="wgan-gp"), TrainConfig(**SMALL, d_spectral_norm=True),
                   TrainConfig(**SMALL, opt_d="rmsprop"), TrainConfig(**SMALL, unrolled_k=2)):
        assert Trainer(config).fast is None


def test_an_averaged_generator_trains_on_the_kernel_step_for_step_with_autograd():
    """g_ema draws the fakes from an average of G's weights; the average is the trainer's after each G update, so
    the kernel trains such runs too (the class's ring does), and the average matches autograd's."""
    fast, auto = Trainer(TrainConfig(**SMALL, g_ema=0.9)), Trainer(TrainConfig(**SMALL, g_ema=0.9))
    auto.use_fastpath = False
    assert fast.fast is not None and auto.fast is None
    fast.run(6)
    auto.run(6)
    for p, q in zip(auto.g_sample.parameters(), fast.g_sample.parameters()):
        torch.testing.assert_close(q.detach(), p.detach(), rtol=1e-4, atol=1e-5)
    assert not all(torch.equal(p, q) for p, q in zip(fast.g_sample.parameters(), fast.g.parameters()))


def test_kernel_reports_divergence_instead_of_raising(monkeypatch):
    monkeypatch.setattr(losses, "LOSS_LIMIT", math.inf)  # the kernel's own NaN/inf path, not the absurd-loss bound
    t = Trainer(TrainConfig(**SMALL, opt_d="sgd", opt_g="sgd", lr_d=10.0, lr_g=10.0, loss="least-squares"))
    assert t.fast is not None
    t.run(300)
    assert t.diverged is not None and "became" in t.diverged.reason
    assert t.run(5) == 0
