import numpy as np
import pytest
import torch

from toy2d import probe
from toy2d.config import TrainConfig
from toy2d.trainer import Trainer

SMALL = dict(g_depth=1, g_width=16, d_depth=1, d_width=16, batch=64)


def test_frame_has_every_layer_with_consistent_shapes():
    t = Trainer(TrainConfig(**SMALL))
    t.run(5)
    f = probe.frame(t, n_grid=50)
    assert f.d_grid.shape == (50, 50) and f.grid_x.shape == (50,)
    assert f.real.shape == f.fake.shape == (probe.N_SHOWN, 2)
    assert f.arrows.shape == (probe.N_SHOWN // probe.ARROW_EVERY, 2)
    assert f.manifold.shape == (probe.MANIFOLD_CELLS, probe.MANIFOLD_CELLS, 2)
    assert f.manifold_density.shape == (probe.MANIFOLD_CELLS - 1,) * 2
    assert f.manifold_density.max() == pytest.approx(1.0) and f.manifold_density.min() >= 0
    assert ((f.d_grid >= 0) & (f.d_grid <= 1)).all() and f.d_output == "probability"
    assert f.iteration == 5 and f.diverged is None
    x0, x1, y0, y1 = f.box
    assert x0 <= f.real[:, 0].min() and f.real[:, 0].max() <= x1 and y0 <= f.real[:, 1].min()


def test_grid_row_i_is_y_i():
    t = Trainer(TrainConfig(data="gaussians", **SMALL))
    f = probe.frame(t, n_grid=20)
    pts = torch.tensor([[f.grid_x[3], f.grid_y[7]]])
    with torch.no_grad():
        expected = torch.sigmoid(t.d(pts)).item()
    assert f.d_grid[7, 3] == pytest.approx(expected, rel=1e-5)


def test_arrows_are_minus_the_gradient_of_each_samples_generator_loss():
    t = Trainer(TrainConfig(loss="minimax", **SMALL))
    t.run(20)
    f = probe.frame(t, n_grid=10)
    i, eps = 3, 1e-3  # arrow i starts at fake sample i × ARROW_EVERY
    j = i * probe.ARROW_EVERY
    x = torch.tensor(f.fake[j : j + 1], dtype=torch.float64)
    d64 = t.d.double()
    num = []
    for k in range(2):
        dx = torch.zeros_like(x)
        dx[0, k] = eps
        with torch.no_grad():
            num.append(((t.loss.g_loss(d64(x + dx)) - t.loss.g_loss(d64(x - dx))) / (2 * eps)).item())
    np.testing.assert_allclose(f.arrows[i], -np.array(num), rtol=1e-3, atol=1e-6)


def test_critic_losses_show_raw_values_without_a_boundary():
    f = probe.frame(Trainer(TrainConfig(loss="wgan-gp", **SMALL)), n_grid=10)
    assert f.d_output == "critic" and f.d_boundary is None


@pytest.mark.parametrize("dim, shape", [(1, (10 * probe.MANIFOLD_CELLS, 1, 2)),
                                        (8, (probe.MANIFOLD_CELLS, probe.MANIFOLD_CELLS, 2))])
def test_manifold_for_one_and_many_noise_dimensions(dim, shape):
    f = probe.frame(Trainer(TrainConfig(noise_dim=dim, noise="uniform", **SMALL)), n_grid=10)
    assert f.manifold.shape == shape and np.isfinite(f.manifold).all()


def test_view_box_is_still_between_frames_and_follows_fakes_that_leave():
    real = np.random.default_rng(0).standard_normal((500, 2))
    box = probe.fit_view(real, real * 0.5)
    for k in range(20):  # small wobbles of the fakes: the box must not move at all
        wobble = real * 0.5 + 0.05 * np.sin(k)
        assert probe.fit_view(real, wobble, box) == box
    moved = probe.fit_view(real, real + 10, box)
    assert moved != box and moved[1] > real[:, 0].max() + 9
    square = (moved[1] - moved[0], moved[3] - moved[2])
    assert square[0] == pytest.approx(square[1])


def test_view_box_ignores_nan_and_does_not_chase_fakes_to_infinity():
    real = np.random.default_rng(0).standard_normal((500, 2))
    fake = np.full((500, 2), 1e12)
    fake[:10] = np.nan
    x0, x1, _, _ = probe.fit_view(real, fake)
    assert np.isfinite([x0, x1]).all() and x1 - x0 < 1000


def test_drawing_frames_does_not_change_a_spectral_norm_run():
    cfg = TrainConfig(d_spectral_norm=True, **SMALL)
    watched, unwatched = Trainer(cfg), Trainer(cfg)
    for _ in range(5):
        watched.run(3)
        probe.frame(watched, n_grid=10)
        unwatched.run(3)
    for a, b in zip(watched.d.state_dict().values(), unwatched.d.state_dict().values()):
        assert torch.equal(a, b)
    assert watched.d.training
