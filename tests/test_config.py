import math

import pytest

from toy2d.config import TrainConfig


def test_json_round_trip_keeps_every_field():
    c = TrainConfig(data="points", points=((0.1, 0.2), (1e-7, -3.5)), loss="wgan-gp", lr_d=3e-4,
                    d_spectral_norm=True, noise="uniform", k_d=5, seed=42)
    assert TrainConfig.from_json(c.to_json()) == c


def test_query_string_round_trip_and_only_non_defaults():
    c = TrainConfig(data="points", points=((0.1, 0.2), (0.30000000000000004, -3.5)), lr_g=1.5e-4,
                    d_spectral_norm=True, g_act="tanh", batch=100)
    q = c.to_query()
    assert "seed" not in q and "lr_g=" in q
    assert TrainConfig.from_query(q) == c
    assert TrainConfig.from_query("?" + q) == c
    assert TrainConfig().to_query() == ""


@pytest.mark.parametrize("query, message", [
    ("lr_d=nan", "lr_d must be a finite"),
    ("lr_d=-1", "lr_d must be a number more than 0 and at most"),
    ("lr_d=inf", "lr_d must be a finite"),
    ("batch=0", "batch must be a whole number from"),
    ("batch=1e9", "batch must be a int"),
    ("batch=abc", "batch must be a int"),
    ("noise_dim=65", "noise_dim must be a whole number from 1 to 64"),
    ("k_d=0&k_g=0", "cannot both be 0"),
    ("loss=gan", "loss must be one of"),
    ("d_spectral_norm=maybe", "d_spectral_norm must be a bool"),
    ("colour=red", "unknown setting"),
    ("data=points", "needs a point cloud"),
    ("data=points&points=1,2;x,y", "points in the URL"),
    ("pack=9", "pack must be a whole number from 1 to 8"),
    ("pack=3", r"batch size \(256\) must be a multiple of the packing \(3\)"),
])
def test_bad_settings_are_refused_with_a_message_naming_them(query, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig.from_query(query).validate()


def test_needs_restart_only_for_structural_changes():
    c = TrainConfig()
    assert not c.needs_restart(c.replace(lr_d=0.5, k_d=3, r1_gamma=1.0))
    assert c.needs_restart(c.replace(d_width=10))
    assert c.needs_restart(c.replace(data="grid25"))


def test_validate_passes_defaults_and_rejects_bool_as_number():
    assert TrainConfig().validate() == TrainConfig()
    with pytest.raises(ValueError):
        TrainConfig(batch=True).validate()
    assert math.isfinite(TrainConfig().lr_d)
