"""Default recipes per data set and loss, and named teaching presets.

A run's settings are layered: TrainConfig defaults → the data set's recipe → the loss's adjustments → a named
preset → explicit user settings. ``resolve`` does that layering, so the CLI and the UI agree on it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from . import phenomena
from .config import TrainConfig


@dataclass(frozen=True)
class Recipe:
    settings: dict[str, Any]
    steps: int  # iterations the recipe is tuned for
    anneal: bool = False  # cosine-decay the learning rates over ``steps`` (sets lr_decay_steps)


@dataclass(frozen=True)
class Preset:
    """A scenario that shows one phenomenon. ``sign`` measures it from the run (phenomena.py): the page says so when
    it holds, and the tests check it holds within ``steps`` iterations on several seeds."""

    name: str
    title: str  # its name in a list
    explanation: str  # what the run is, shown while it runs
    watch: str  # what to look at
    settings: dict[str, Any]
    steps: int
    sign: phenomena.Sign
    pair: str | None = None  # the preset that shows the fix (or the problem)


# ---- recipes: what each data set trains well with ---------------------------------------------------------------
# Tuned on ring8 / grid25 with benchmarks/mode_coverage.py. The nets see standardised data (see nets.build), but R1
# is measured in data units, so its weight scales with the data's spread²: grid25 is 4× wider than ring8, hence 16×.
_MIXTURE_NET = dict(g_depth=3, g_width=64, d_depth=3, d_width=64, noise_dim=2, lr_d=3e-3, lr_g=3e-3, batch=256,
                    r1_every=4)

RECIPES: dict[str, Recipe] = {
    # ring8 is the lab's default run and a class's start: what matters is how soon every seed shows the ring. Adam
    # without momentum (β1 0) and fakes drawn from G's weight average (0.95: the last ~20 steps) learn it (8 modes,
    # ≥ 80 % high quality) in a median 1 200 iterations, worst 3 250, on 32 held-out seeds (was 1 675 / 2 650 on
    # 16), and batches of 128 make an iteration 0.7× as long (benchmarks/learn_recipes.py; RESULTS.md 2026-12-07)
    "ring8": Recipe(dict(_MIXTURE_NET, r1_gamma=0.01, batch=128, beta1_d=0.0, beta1_g=0.0, g_ema=0.95), steps=5000,
                    anneal=True),
    # grid25's last 30 % of high-quality samples come from a stronger, quicker D: 2 D steps per G step on batches
    # of 128 (more updates for the same time) and Adam's β2 0.99, whose second moment follows the gradient scale as
    # the learning rate anneals (0.999 left seeds 2 and 3 at 50-56 % HQ; benchmarks/RESULTS.md)
    "grid25": Recipe(dict(_MIXTURE_NET, r1_gamma=0.16, k_d=2, batch=128, beta2_d=0.99, beta2_g=0.99), steps=6000,
                     anneal=True),
}
DEFAULT_RECIPE = Recipe(dict(g_depth=2, g_width=64, d_depth=2, d_width=64, r1_gamma=0.01), steps=3000, anneal=True)

# Per-loss adjustments applied on top of a recipe when the loss is chosen explicitly.
LOSS_ADJUSTMENTS: dict[str, dict[str, Any]] = {
    # 2 critic steps, not the paper's 5: on ring8 it reaches the same quality in the 30 s budget
    "wgan-gp": dict(loss="wgan-gp", r1_gamma=0.0, k_d=2, gp_lambda=0.1, beta2_d=0.9, beta2_g=0.9),
    "wgan": dict(loss="wgan", r1_gamma=0.0, k_d=5, opt_d="rmsprop", opt_g="rmsprop", lr_d=5e-4, lr_g=5e-4),
    "hinge": dict(loss="hinge"),
    "least-squares": dict(loss="least-squares"),
    "minimax": dict(loss="minimax"),
    "nonsaturating": dict(loss="nonsaturating"),
}

# An iteration with several penalised critic steps costs more; these losses get fewer iterations in a recipe.
LOSS_STEP_SCALE: dict[str, float] = {"wgan-gp": 0.6, "wgan": 0.6}

# ---- presets: scenarios that reliably show something ------------------------------------------------------------
_GANLAB = dict(data="gaussians", g_depth=1, g_width=8, d_depth=1, d_width=8, g_act="relu", d_act="relu",
               noise_dim=2, noise="gaussian", batch=150, k_d=2, k_g=1, opt_d="sgd", opt_g="sgd", lr_d=0.1,
               lr_g=0.03, loss="nonsaturating")
_SLOW_D = dict(data="ring8", g_depth=2, g_width=64, d_depth=2, d_width=64, loss="nonsaturating", lr_d=1e-4,
               lr_g=5e-3, batch=256)
_DIRAC = dict(data="disjoint", g_depth=0, d_depth=0, noise_dim=2, opt_d="sgd", opt_g="sgd", lr_d=0.05, lr_g=0.05,
              loss="wgan", clip=100.0, batch=256)
# SGD for G: Adam would rescale the vanishing gradient back to full steps and hide the effect. lr_g 0.01 keeps the
# minimax G stuck for the preset's 600 iterations on every seed tried (0.05 let seeds 3 and 4 escape early), and lets
# the non-saturating G move out steadily instead of overshooting into one hopping point.
_VANISH = dict(data="ring8", g_depth=2, g_width=32, d_depth=2, d_width=32, lr_d=5e-3, opt_g="sgd", lr_g=0.01, k_d=5)

PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("ganlab", "GAN Lab's default",
           "GAN Lab's own default: two Gaussians, 1×8 ReLU nets, SGD (D 0.1, G 0.03), 2 D steps per "
           "G step, for side-by-side comparisons.",
           "the fakes (purple) split in two and settle on both Gaussians; the heatmap fades to white as D loses "
           "track of which is which.", _GANLAB, steps=3000, sign=phenomena.covers_all(0.9)),
    Preset("collapse", "Mode collapse",
           "G learns 50× faster than D: it piles all its samples onto whatever spot D currently "
           "rates most real, D slowly catches up, and G jumps to the next spot (mode collapse).",
           "the fakes shrink to one tight clump that hops round the ring; the modes chart stays near zero.", _SLOW_D,
           steps=1500, sign=phenomena.collapsed(after=300, below=0.15), pair="collapse-fixed"),
    Preset("collapse-fixed", "Mode collapse, fixed",
           "The same nets with D as fast as G and an R1 penalty keeping D smooth: G spreads over "
           "the eight modes.", "the fakes spread round the whole ring and the modes chart climbs towards 8.",
           dict(_SLOW_D, lr_d=3e-3, lr_g=3e-3, r1_gamma=0.01), steps=1500, sign=phenomena.covers_most(7),
           pair="collapse"),
    Preset("vanishing", "Vanishing gradients",
           "The original minimax G loss with a quick, confident D: log(1 − D(G(z))) is flat where D "
           "rejects fakes, so G gets almost no gradient and stays stuck in the middle of the ring.",
           "the arrows: almost none. The fakes stay in the middle while the heatmap turns pink around them.",
           dict(_VANISH, loss="minimax"), steps=600, sign=phenomena.stuck(after=300, reach_below=0.4,
                                                                          arrow_below=0.01),
           pair="vanishing-fixed"),
    Preset("vanishing-fixed", "Vanishing gradients, fixed",
           "The same run with the non-saturating G loss −log D(G(z)): strong gradients where D "
           "is confident, so G leaves the middle at once. It cures vanishing gradients, not mode collapse: the fakes "
           "then bunch up and chase this quick D round the ring.",
           "long arrows from the first iterations, pulling the fakes out of the middle onto the ring.",
           dict(_VANISH, loss="nonsaturating"), steps=600, sign=phenomena.reached(at_least=0.6, arrow_above=0.1),
           pair="vanishing"),
    Preset("oscillation", "Oscillation",
           "A linear critic against an affine G, WGAN loss, plain gradient steps: the two chase "
           "each other round the data instead of settling (the Dirac-GAN cycle).",
           "the fakes' centre circling the data's centre, lap after lap, never stopping.", _DIRAC, steps=2000,
           sign=phenomena.circles(2), pair="oscillation-fixed"),
    Preset("oscillation-fixed", "Oscillation, damped",
           "The same run with an R1 gradient penalty on D: the cycle is damped. A linear "
           "critic compares only the two centres, so the fakes settle as one blob on the data's centre, between "
           "the clusters: matching the mean is all this D can ask.",
           "the fakes' centre drifting in and stopping on the data's centre, with no laps.",
           dict(_DIRAC, r1_gamma=1.0), steps=2000, sign=phenomena.settles(after=500, offset_below=0.12,
                                                                          turns_below=1),
           pair="oscillation"),
]}
PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)


@functools.cache
def _preset_config(name: str) -> TrainConfig:
    return resolve(preset=name)[0]


def matching(config: TrainConfig) -> str | None:
    """The preset ``config`` is, whatever its seed (Reset draws new weights, the lesson is the same), or None."""
    for name in PRESET_NAMES:
        base = _preset_config(name)
        if config.replace(seed=base.seed) == base:
            return name
    return None


def recipe_for(data: str) -> Recipe:
    return RECIPES.get(data, DEFAULT_RECIPE)


def resolve(data: str | None = None, loss: str | None = None, preset: str | None = None,
            overrides: dict[str, Any] | None = None, steps: int | None = None) -> tuple[TrainConfig, int]:
    """The validated config and step count for a run, layering recipe, loss adjustments, preset and overrides."""
    overrides = dict(overrides or {})
    settings: dict[str, Any] = {}
    anneal = False
    if preset is not None:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESET_NAMES)}")
        p = PRESETS[preset]
        settings.update(p.settings)
        default_steps = p.steps  # presets run at constant learning rates
        if data is not None:
            settings["data"] = data
        if loss is not None:
            settings.update(LOSS_ADJUSTMENTS.get(loss, {"loss": loss}))
    else:
        data = data or TrainConfig().data
        recipe = recipe_for(data)
        settings.update(recipe.settings, data=data)
        default_steps, anneal = recipe.steps, recipe.anneal
        if loss is not None:
            default_steps = round(default_steps * LOSS_STEP_SCALE.get(loss, 1.0))
            settings.update(LOSS_ADJUSTMENTS.get(loss, {"loss": loss}))
    n = default_steps if steps is None else steps
    if anneal and "lr_decay_steps" not in overrides:
        settings["lr_decay_steps"] = n
    settings.update(overrides)
    return TrainConfig.from_dict(settings).validate(), n
