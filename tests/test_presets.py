import pytest

from toy2d.presets import PRESETS, RECIPES, resolve


def test_layering_recipe_then_loss_then_overrides():
    cfg, steps = resolve("ring8")
    assert steps == RECIPES["ring8"].steps and cfg.lr_decay_steps == steps
    assert cfg.r1_gamma == RECIPES["ring8"].settings["r1_gamma"]
    cfg, steps = resolve("ring8", "wgan-gp", steps=100)
    assert cfg.loss == "wgan-gp" and cfg.k_d == 2 and cfg.r1_gamma == 0 and cfg.lr_decay_steps == 100
    assert resolve("ring8", "wgan-gp")[1] == round(0.6 * RECIPES["ring8"].steps)
    cfg, _ = resolve("ring8", "wgan-gp", overrides={"k_d": 2, "seed": 9})
    assert cfg.k_d == 2 and cfg.seed == 9


def test_ganlab_preset_is_ganlab_default_configuration():
    cfg, _ = resolve(preset="ganlab")
    assert (cfg.data, cfg.g_depth, cfg.g_width, cfg.d_depth, cfg.d_width) == ("gaussians", 1, 8, 1, 8)
    assert (cfg.opt_d, cfg.lr_d, cfg.opt_g, cfg.lr_g, cfg.k_d, cfg.k_g) == ("sgd", 0.1, "sgd", 0.03, 2, 1)
    assert (cfg.batch, cfg.noise_dim, cfg.loss) == (150, 2, "nonsaturating")
    assert resolve("ring8", preset="ganlab")[0].data == "ring8"  # an explicit data set wins


def test_every_preset_resolves_explains_itself_and_names_a_real_pair():
    for name, p in PRESETS.items():
        resolve(preset=name)
        assert p.explanation.endswith(".") and len(p.explanation) < 250
        assert p.pair is None or p.pair in PRESETS


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="collapse"):
        resolve(preset="nope")


# ---- each teaching preset shows what it says, on every seed: its sign (what the page reports) holds within its steps
import numpy as np  # noqa: E402
import torch  # noqa: E402

from playground import catalogue  # noqa: E402
from toy2d import metrics, phenomena, probe  # noqa: E402
from toy2d.trainer import Trainer  # noqa: E402

SEEDS = range(5)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_shows_its_phenomenon_on_every_seed(name):
    p = PRESETS[name]
    for seed in SEEDS:
        config, steps = resolve(preset=name, overrides={"seed": seed})
        t = Trainer(config)
        track = phenomena.follow(t, steps, p.sign)
        assert t.diverged is None, (name, seed)
        assert track.happened, f"{name} on seed {seed}: {track}"
        if p.pair is not None:  # and the pair's phenomenon did not happen in this run
            assert PRESETS[p.pair].sign(track) is None, (name, seed, PRESETS[p.pair].sign(track))


def trained(name):
    config, steps = resolve(preset=name)
    t = Trainer(config)
    t.run(steps)
    assert t.diverged is None
    return t


def fake_mean_path(name, every=10):
    """Offsets of the fake mean from the real mean, every few iterations."""
    config, steps = resolve(preset=name)
    t = Trainer(config)
    z = t.noise(500, torch.Generator().manual_seed(1))
    real_mean = t.pool.mean(0).numpy()
    path = []
    for _ in range(steps // every):
        t.run(every)
        with torch.no_grad():
            path.append(t.g(z).mean(0).numpy() - real_mean)
    return np.array(path)


def modes(t):
    return metrics.mode_quality(t.sample(metrics.N_MODES), t.dist.mixture)[0]


def test_collapse_covers_few_modes_and_its_fix_covers_them_all():
    assert modes(trained("collapse")) <= 3
    assert modes(trained("collapse-fixed")) >= 7


def test_vanishing_gradients_and_the_non_saturating_fix():
    stuck, fixed = trained("vanishing"), trained("vanishing-fixed")
    push_stuck = np.median(probe.frame(stuck, n_grid=10).arrow_norm)
    push_fixed = np.median(probe.frame(fixed, n_grid=10).arrow_norm)
    assert push_stuck < 1e-3 * push_fixed
    radius = lambda t: np.linalg.norm(t.sample(2000), axis=1).mean()  # noqa: E731  (ring8 modes are at radius 1)
    assert radius(stuck) < 0.5 < 0.7 < radius(fixed)


def test_oscillation_circles_and_r1_makes_it_converge():
    cyc = fake_mean_path("oscillation")
    dist = np.linalg.norm(cyc, axis=1)
    turns = abs(np.unwrap(np.arctan2(cyc[:, 1], cyc[:, 0]))[-1] - np.arctan2(cyc[0, 1], cyc[0, 0])) / (2 * np.pi)
    assert turns >= 3 and dist[len(dist) // 2:].min() > 0.25 * dist[0]
    damped = np.linalg.norm(fake_mean_path("oscillation-fixed"), axis=1)
    assert damped[-1] < 0.1 * damped[0]


# ---- and the story stays true while a class keeps watching: 10× the preset's steps, seeds used nowhere else ---------
LONG_SEEDS = range(101, 106)


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.slow
def test_a_presets_story_is_true_at_every_look_of_a_run_ten_times_its_steps(name):
    """The page plays on after the preset's steps (the Mode Collapse clump broke up at iteration ~5 800 under a line
    saying it had collapsed). At every look the story either still holds, or has not held for less than
    LOST_AFTER iterations, or says what changed — and what it says has changed is true then."""
    p = PRESETS[name]
    changed_seeds = 0
    for seed in LONG_SEEDS:
        config, steps = resolve(preset=name, overrides={"seed": seed})
        t = Trainer(config)
        mixture = t.dist.mixture
        track = phenomena.Track.of(t.pool.numpy(), None if mixture is None else len(mixture.centres))
        reference = metrics.reference(t.dist)
        ever_changed = False
        while t.iteration < 10 * steps:
            t.run(20)
            assert t.diverged is None, (name, seed, t.iteration)
            track.see(t.iteration, *probe.fakes_and_arrow_norms(t))
            if t.iteration % 100 < 20:
                r = metrics.evaluate(t.dist, t.sample(metrics.N_DIVERGENCE), reference, with_w1=False)
                track.measured(r.modes_covered, r.hq_fraction, r.js_bits)
            track.check(p.sign)
            if track.happened is None:
                assert t.iteration <= steps, f"{name} on seed {seed}: nothing happened in {steps} steps"
                continue
            holds = p.sign(track) is not None
            if track.changed is not None:
                assert not holds and track.happened.kind in phenomena.CHANGES, (name, seed, t.iteration)
                ever_changed = True
            elif not holds:  # a state gone for less than LOST_AFTER, or an event, which stays true once it happened
                assert (track.happened.kind not in phenomena.CHANGES
                        or t.iteration - track._failing_since < phenomena.LOST_AFTER), (name, seed, t.iteration)
        changed_seeds += ever_changed
        for lang in ("en", "ko"):  # and the lines read whole in both languages
            for h in (track.happened, track.changed):
                if h is not None:
                    line = catalogue.t(f"happened.{h.kind}", lang, **dict(h.fields))
                    assert "{" not in line and "0.0 turns" not in line, line
    print(f"{name}: the story said what changed on {changed_seeds} of {len(LONG_SEEDS)} seeds")


@pytest.mark.parametrize("seed", [300, 301, 302])
def test_the_default_ring_is_learned_within_2500_iterations_on_seeds_it_was_not_tuned_on(seed):
    """What a class waits for (issue 41): every mode covered with ≥ 80 % high-quality samples, as the page's metric
    rows measure it. The recipe was chosen on seeds 100-115 and 200-231 (benchmarks/learn_recipes.py)."""
    t = Trainer(resolve("ring8", overrides={"seed": seed})[0])
    assert t.fast is not None  # the kernel trains it, G's average included
    ref = metrics.reference(t.dist, with_w1=False)
    learned = None
    while learned is None and t.iteration < 2500:
        t.run(50)
        r = metrics.evaluate(t.dist, t.sample(metrics.N_DIVERGENCE), ref, with_w1=False)
        if r.modes_covered == r.modes_total == 8 and r.hq_fraction >= 0.8:
            learned = t.iteration
    assert learned is not None, f"seed {seed}: not learned in 2500 iterations"
