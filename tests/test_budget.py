"""A run whose iteration or view would hold a shared core too long is refused before it runs, naming what to lower."""
import pytest

from toy2d import budget, distributions, losses
from toy2d.config import TrainConfig
from toy2d.presets import PRESETS, resolve
from toy2d.trainer import Trainer

HEAVY = [  # the reproductions: each one froze its worker for seconds to minutes
    (dict(g_depth=8, d_depth=8, g_width=512, d_width=512, batch=4096, noise_dim=64), "g_width (512)"),
    (dict(k_d=50, k_g=50, unrolled_k=20, batch=4096, loss="wgan-gp", r1_gamma=1.0), "k_d (50)"),
    (dict(batch=4096, k_d=20), "k_d (20), batch (4096)"),
    (dict(unrolled_k=20, batch=2048), "unrolled_k (20)"),
    (dict(d_width=512, d_depth=1, d_spectral_norm=True, k_d=10, batch=4096), "k_d (10)"),
]


@pytest.mark.parametrize("settings, named", HEAVY)
def test_settings_that_would_freeze_a_core_are_refused_naming_what_to_lower(settings, named):
    with pytest.raises(ValueError) as e:
        TrainConfig(**settings).validate()
    assert named in str(e.value) and "lower" in str(e.value)


def test_a_net_over_the_weight_limit_is_refused_with_sizes_that_fit():
    with pytest.raises(ValueError, match=r"D would have [\d,]+ weights.*lower d_width \(256\) or d_depth \(2\)"):
        TrainConfig(d_width=256).validate()
    for depth, width in ((2, 150), (3, 110), (4, 85)):  # the sizes the message offers do fit
        TrainConfig(g_depth=depth, g_width=width, d_depth=depth, d_width=width).validate()


def test_every_preset_and_recipe_fits():
    for name in PRESETS:
        resolve(preset=name)[0].validate()
    for data in distributions.NAMES:
        if data == "points":
            continue
        for loss in losses.LOSS_NAMES:
            resolve(data, loss)[0].validate()


def test_the_estimate_grows_with_each_setting_that_costs():
    base = budget.estimate(TrainConfig()).iteration_ms
    for change in (dict(batch=1024), dict(k_d=3), dict(k_g=3), dict(unrolled_k=2), dict(d_width=128),
                   dict(g_depth=4), dict(loss="wgan-gp"), dict(r1_gamma=1.0), dict(d_spectral_norm=True)):
        assert budget.estimate(TrainConfig(**change)).iteration_ms > base, change


def test_a_conditional_gan_counts_its_label_inputs():
    from toy2d.conditional import ConditionalTrainer

    fits_alone = TrainConfig(data="grid25", d_width=150, g_width=150)
    fits_alone.validate()
    with pytest.raises(ValueError, match="weights"):
        ConditionalTrainer(fits_alone)  # 25 one-hot inputs widen both nets' first layers


def test_a_trainer_never_starts_on_refused_settings():
    with pytest.raises(ValueError, match="lower"):
        Trainer(TrainConfig(batch=4096, k_d=50))
