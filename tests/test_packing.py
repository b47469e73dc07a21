"""PacGAN packing: D judges m samples at once; training, penalties and the view stay defined."""
import numpy as np
import pytest
import torch

from toy2d import losses, nets, probe
from toy2d.conditional import ConditionalTrainer
from toy2d.config import TrainConfig
from toy2d.trainer import Trainer

SMALL = dict(g_depth=1, g_width=16, d_depth=1, d_width=16, batch=64)


def test_a_packed_d_reads_m_samples_side_by_side():
    t = Trainer(TrainConfig(**SMALL, pack=4))
    first = next(m for m in t.d.modules() if isinstance(m, torch.nn.Linear))
    assert first.in_features == 8 and nets.packing(t.d) == 4 and t.pack == 4
    x = t.real_batch(8)
    with torch.no_grad():
        h = t.d(x)
        swapped = t.d(x[[4, 5, 6, 7, 0, 1, 2, 3]])  # the two packs change places
    assert h.shape == (2, 1)
    torch.testing.assert_close(swapped, h.flip(0))


def test_packing_one_builds_the_unpacked_net():
    a, b = Trainer(TrainConfig(**SMALL)), Trainer(TrainConfig(**SMALL, pack=1))
    assert [p.shape for p in a.d.parameters()] == [p.shape for p in b.d.parameters()]
    assert nets.packing(a.d) == 1


def test_d_loss_compares_real_packs_with_fake_packs():
    t = Trainer(TrainConfig(**SMALL, pack=4))
    t.use_fastpath = False
    real, fake = t.real_batch(64), t.g(t.noise(64)).detach()
    with torch.no_grad():
        expected = t.loss.d_loss(t.d(real), t.d(fake))
        got = t.d_objective(real, fake)
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)


def test_penalties_take_the_gradient_of_each_pack():
    torch.manual_seed(0)
    d = torch.nn.Sequential(nets.Pack(2), torch.nn.Linear(4, 1))  # D(x) = w·pack + b: gradient w for every pack
    w = d[1].weight.detach()[0]
    x = torch.randn(6, 2)
    assert losses.r1_penalty(d, x, pack=2).item() == pytest.approx(0.5 * float(w @ w), rel=1e-5)
    gp = losses.gradient_penalty(d, x, torch.randn(6, 2), torch.Generator().manual_seed(1), pack=2)
    assert gp.item() == pytest.approx((float(w.norm()) - 1) ** 2, rel=1e-5)


def test_heatmap_is_d_on_the_point_packed_with_fixed_real_samples():
    t = Trainer(TrainConfig(**dict(SMALL, batch=63), pack=3))
    t.run(10)
    f = probe.frame(t, n_grid=12)
    i, j = 4, 9
    pack = torch.cat([torch.tensor([[f.grid_x[j], f.grid_y[i]]]), t.pool[:2]])
    with torch.no_grad():
        expected = torch.sigmoid(t.d(pack)).item()
    assert f.d_grid[i, j] == pytest.approx(expected, rel=1e-5)
    assert f.d_grid.shape == (12, 12) and f.arrows.shape == (probe.N_SHOWN // probe.ARROW_EVERY, 2)


@pytest.mark.parametrize("fast", [True, False])
def test_arrows_are_minus_the_gradient_of_each_fakes_pack_loss(fast):
    t = Trainer(TrainConfig(**SMALL, pack=4, loss="minimax"))
    t.run(20)
    t.use_fastpath = fast
    fake = probe.fixed_fakes(t)
    arrows = probe.fake_arrows(t, fake)
    i = 3  # arrow i starts at fake i·ARROW_EVERY = 6: slot 2 of the pack of fakes 4..7
    j = i * probe.ARROW_EVERY
    d64, x, eps = t.d.double(), fake[4:8].double(), 1e-4
    num = []
    for k in range(2):
        dx = torch.zeros_like(x)
        dx[j - 4, k] = eps
        with torch.no_grad():
            num.append(((t.loss.g_loss(d64(x + dx)) - t.loss.g_loss(d64(x - dx))) / (2 * eps)).item())
    np.testing.assert_allclose(arrows[i], -np.array(num), rtol=1e-3, atol=1e-6)


def test_a_packed_run_trains_and_the_conditional_gan_refuses_packing():
    t = Trainer(TrainConfig(**SMALL, pack=2, r1_gamma=0.1))
    assert t.run(30) == 30 and t.diverged is None and np.isfinite(t.d_loss)
    with pytest.raises(ValueError, match="pack"):
        ConditionalTrainer(TrainConfig(**SMALL, pack=2))
