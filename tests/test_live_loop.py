"""The streaming tabs' frame loop (playground/live_loop.py): a frame trains within its time budget and says so."""
import itertools

from playground import live_loop


class Clock:
    """A clock that moves only when a step is made: `per_step` seconds each."""

    def __init__(self, per_step: float):
        self.now, self.per_step, self.steps = 0.0, per_step, 0

    def __call__(self) -> float:
        return self.now

    def step(self, result=None):
        self.now += self.per_step
        self.steps += 1
        return result


def test_a_frame_stops_training_once_its_budget_is_spent(monkeypatch):
    clock = Clock(per_step=0.01)
    monkeypatch.setattr(live_loop.time, "perf_counter", clock)
    assert live_loop.train(clock.step, 20, budget_s=0.035) == 4 == clock.steps  # 0.04 s ≥ 0.035 s after the 4th
    clock = Clock(per_step=0.01)
    monkeypatch.setattr(live_loop.time, "perf_counter", clock)
    assert live_loop.train(clock.step, 3, budget_s=1.0) == 3 == clock.steps  # within budget: all that was asked
    clock = Clock(per_step=5.0)
    monkeypatch.setattr(live_loop.time, "perf_counter", clock)
    assert live_loop.train(clock.step, 3, budget_s=0.04) == 1  # a step slower than the budget: still one a frame


def test_a_diverged_run_stops_the_frames_training_and_is_not_counted():
    results = itertools.chain([True, True], itertools.repeat(False))
    assert live_loop.train(lambda: next(results), 10, budget_s=float("inf")) == 2


def test_the_view_says_when_a_frame_trained_fewer_iterations_than_asked():
    assert live_loop.short(10, 10) == "" and live_loop.short(0, 0) == ""
    text = live_loop.short(4, 10)
    assert "4 of 10 iterations per frame" in text and f"{live_loop.TRAIN_BUDGET_S * 1000:.0f} ms" in text


def test_every_trainer_a_page_steps_live_is_a_live_trainer_whose_divergence_is_one_type():
    """2D GAN, VAE, digit GANs and doodle GANs share toy2d.live's protocol, so a page steps any of them the same way
    and pauses on the same ``Divergence`` (said in the page's language), never a traceback."""
    from models.digits.live import DigitConfig, DigitGAN
    from models.doodles.live import DoodleTrainer
    from toy2d import reasons
    from toy2d.config import TrainConfig
    from toy2d.live import Divergence, LiveTrainer
    from toy2d.trainer import Trainer
    from toy2d.vae import VAE, VAEConfig

    trainers = [Trainer(TrainConfig()), VAE(VAEConfig()), DigitGAN(DigitConfig()), DoodleTrainer()]
    for trainer in trainers:
        assert isinstance(trainer, LiveTrainer) and trainer.diverged is None
    gan = trainers[2]
    before = gan.iteration
    assert live_loop.train(gan, 3, budget_s=float("inf")) == 3 and gan.iteration == before + 3
    gan.diverged = Divergence(gan.iteration, "D", reasons.stopped("became", value="nan"))
    assert live_loop.train(gan, 3, budget_s=float("inf")) == 0 and gan.iteration == before + 3  # nothing more

