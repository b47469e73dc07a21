"""Lock-step comparison: same iterations, same reference, a diverged run does not stop the other."""
import pytest

from toy2d import presets
from toy2d.compare import LockStep
from toy2d.config import TrainConfig
from toy2d.trainer import Trainer
from toy2d.vae import VAE, VAEConfig


def test_identical_runs_measure_identically_and_in_step():
    config = presets.resolve("ring8")[0]
    lock = LockStep({"A": Trainer(config), "B": Trainer(config)}, eval_every=50)
    lock.step(150)
    a, b = lock.lanes
    assert a.model.iteration == b.model.iteration == 150
    assert [r["iteration"] for r in a.rows] == [0, 50, 100, 150]
    assert a.rows == b.rows  # same settings, same seed, same reference: the comparison itself adds no noise


def test_different_settings_give_different_curves_and_mode_windows():
    a, _ = presets.resolve("ring8")
    b, _ = presets.resolve("ring8", "wgan-gp")
    lock = LockStep({"A": Trainer(a), "B": Trainer(b)}, eval_every=100)
    lock.step(200)
    ra, rb = (t.rows[-1] for t in lock.lanes)
    assert ra["js"] != rb["js"]
    assert ra["modes_recent"] >= ra["modes_now"] and rb["modes_recent"] >= rb["modes_now"]
    assert "modes" in lock.summary() and lock.summary().count("\n") == 1


def test_a_diverged_run_stays_put_while_the_other_trains():
    bad = TrainConfig(opt_d="sgd", opt_g="sgd", lr_d=10.0, lr_g=10.0, loss="wgan", clip=100.0)
    lock = LockStep({"bad": Trainer(bad), "good": Trainer(presets.resolve("ring8")[0])}, eval_every=20)
    lock.step(100)
    bad_t, good_t = lock.lanes
    assert bad_t.model.diverged is not None and good_t.model.iteration == 100
    assert good_t.rows[-1]["iteration"] == 100 and bad_t.rows[-1]["iteration"] < 100
    assert "DIVERGED" in lock.summary()


def test_a_vae_and_a_gan_compare_on_the_same_axes():
    gan = presets.resolve("moons")[0]
    lock = LockStep({"GAN": Trainer(gan), "VAE": VAE(VAEConfig.like(gan))}, eval_every=10)
    lock.step(20)
    assert [t.rows[-1]["iteration"] for t in lock.lanes] == [20, 20]
    assert all(t.mode_history is None and t.rows[-1]["modes_now"] is None for t in lock.lanes)  # no modes


def test_runs_must_share_a_data_set_and_be_two():
    with pytest.raises(ValueError, match="share a data set"):
        LockStep({"a": Trainer(TrainConfig(data="ring8")), "b": Trainer(TrainConfig(data="moons"))})
    with pytest.raises(ValueError, match="two runs"):
        LockStep({"a": Trainer(TrainConfig())})
