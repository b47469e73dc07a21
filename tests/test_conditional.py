"""The conditional GAN in 2D: modes are classes; per-class metrics; a per-class view the probe can draw."""
import numpy as np
import pytest

from toy2d import presets, probe
from toy2d.conditional import ConditionalTrainer
from toy2d.config import TrainConfig


def test_it_needs_a_data_set_made_of_modes_and_refuses_settings_it_lacks():
    with pytest.raises(ValueError, match="made of modes"):
        ConditionalTrainer(TrainConfig(data="moons"))
    with pytest.raises(ValueError, match="unrolled_k"):
        ConditionalTrainer(TrainConfig(unrolled_k=2))


def test_labelled_pool_matches_the_modes():
    t = ConditionalTrainer(TrainConfig(data="grid25"))
    assert t.classes == 25
    x, y = t.pool[:2000].numpy(), t.pool_labels[:2000].numpy()
    assert np.abs(x - t.mixture.centres[y]).max() < 6 * 0.05


def test_it_learns_to_put_each_class_on_its_own_mode():
    t = ConditionalTrainer(presets.resolve("ring8")[0])
    before = np.mean([s.on_mode for s in t.class_scores()])
    t.run(500)
    scores = t.class_scores()
    assert before < 0.2
    assert np.mean([s.on_mode for s in scores]) > 0.85
    assert sum(s.nearest == s.label for s in scores) >= 7


def test_the_class_view_is_drawn_by_the_unconditional_probe():
    t = ConditionalTrainer(presets.resolve("ring8")[0])
    t.run(300)
    f = probe.frame(t.for_class(2))
    assert f.d_grid.shape == (probe.N_GRID, probe.N_GRID) and f.fake.shape == (probe.N_SHOWN, 2)
    assert np.allclose(f.fake.mean(axis=0), t.mixture.centres[2], atol=0.2)  # G(z, 2) sits near mode 2
    assert np.allclose(f.real.mean(axis=0), t.mixture.centres[2], atol=0.05)  # the view's real data: class 2
    with pytest.raises(ValueError, match="from 0 to 7"):
        t.for_class(8)


@pytest.mark.parametrize("loss, extra", [("wgan-gp", {}), ("wgan", {}), ("hinge", {"r1_gamma": 0.1})])
def test_other_losses_and_penalties_train_without_diverging(loss, extra):
    config, _ = presets.resolve("ring8", loss, overrides=extra)
    t = ConditionalTrainer(config)
    assert t.run(20) == 20 and t.diverged is None
    if loss == "wgan":
        assert max(p.abs().max().item() for p in t.d_params) <= config.clip + 1e-7


def test_divergence_stops_with_a_message():
    t = ConditionalTrainer(TrainConfig(opt_d="sgd", opt_g="sgd", lr_d=10.0, lr_g=10.0, loss="wgan", clip=100.0))
    t.run(200)
    assert t.diverged is not None and "iteration" in t.diverged.message()
