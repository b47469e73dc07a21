"""Runs trained together (toy2d/batched.py) must be the runs trained alone, step for step: same seeds, same numbers
to float tolerance, for every loss and optimiser the NumPy kernel takes. A run joining or leaving keeps its state;
a diverging run stops alone."""
import pytest
import torch

from test_fastpath import CASES
from toy2d.batched import Group, group_key
from toy2d.config import TrainConfig
from toy2d.presets import resolve
from toy2d.trainer import Trainer

GROUPABLE = [c for c in CASES if c.pack == 1]  # a packed run trains on its own kernel


def variants(config: TrainConfig) -> list[TrainConfig]:
    """Three runs of one shape that differ in everything a group lets differ: seed, learning rates, β's."""
    return [config.replace(seed=config.seed + i, lr_d=config.lr_d * (1 + 0.5 * i), lr_g=config.lr_g * (1 - 0.2 * i),
                           beta1_d=min(0.9, config.beta1_d + 0.1 * i)) for i in range(3)]


def assert_same(a: Trainer, b: Trainer) -> None:
    assert (a.iteration, a.d_steps, a.g_steps) == (b.iteration, b.d_steps, b.g_steps)
    for p, q in zip(a.all_params, b.all_params):
        torch.testing.assert_close(q.detach(), p.detach(), rtol=1e-4, atol=1e-5)
    assert a.d_loss == pytest.approx(b.d_loss, rel=1e-4, abs=1e-5)
    assert a.g_loss == pytest.approx(b.g_loss, rel=1e-4, abs=1e-5)


@pytest.mark.parametrize("config", GROUPABLE, ids=lambda c: f"{c.loss}-{c.g_act}-{c.d_act}-{c.opt_d}-r1={c.r1_gamma}")
def test_a_group_trains_each_run_as_it_would_train_alone(config):
    configs = variants(config)
    alone = [Trainer(c) for c in configs]
    for t in alone:
        t.run(12)
    together = [Trainer(c) for c in configs]
    group = Group(together)
    group.run(12)
    for a, b in zip(alone, together):
        assert_same(a, b)


def test_joining_and_leaving_keep_each_runs_state():
    config = resolve("ring8")[0]  # the default run: Adam, lazy R1
    configs = variants(config)
    alone = [Trainer(c) for c in configs]
    together = [Trainer(c) for c in configs]
    for a, b in zip(alone, together):
        a.run(5)
        b.run(5)  # trained alone first, Adam state and all
    group = Group(together)
    group.run(6)
    for t in alone:
        t.run(6)
    for t in group.leave():
        t.run(4)  # alone again, on its own storage
    for t in alone:
        t.run(4)
    for a, b in zip(alone, together):
        assert_same(a, b)
    together[0].all_params[0].data += 1.0  # its own storage now: the others do not see it
    assert not torch.equal(together[0].all_params[0], alone[0].all_params[0])
    assert_same(alone[1], together[1])


def test_a_diverging_run_stops_alone():
    base = TrainConfig(g_width=16, d_width=16, batch=64, opt_d="sgd", opt_g="sgd", loss="least-squares")
    configs = [base, base.replace(lr_d=10.0, lr_g=10.0, seed=1), base.replace(seed=2)]
    together = [Trainer(c) for c in configs]
    group = Group(together)
    group.run(300)
    calm = [Trainer(c) for c in (configs[0], configs[2])]
    for t in calm:
        t.run(300)
    assert together[1].diverged is not None and together[1].iteration < 300
    assert together[0].diverged is None and together[2].diverged is None
    assert_same(calm[0], together[0])
    assert_same(calm[1], together[2])


def test_only_runs_of_one_shape_and_the_kernels_settings_share_a_group():
    a = Trainer(TrainConfig(g_width=16, d_width=16))
    assert group_key(a) == group_key(Trainer(TrainConfig(g_width=16, d_width=16, lr_d=0.01, seed=3)))
    assert group_key(a) != group_key(Trainer(TrainConfig(g_width=32, d_width=16)))
    assert group_key(Trainer(TrainConfig(loss="wgan-gp"))) is None  # the penalty needs autograd
    assert group_key(Trainer(TrainConfig(pack=4))) is None  # packed runs train on their own kernel
    with pytest.raises(ValueError, match="same group_key"):
        Group([a, Trainer(TrainConfig(g_width=32, d_width=16))])
