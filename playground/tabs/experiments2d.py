"""The "2D experiments" tab: A/B compare, VAE vs GAN, and a conditional GAN, each trained live.

GAN Lab shows one run of one kind of model. Here two runs train in lock-step on the same data and seed and are
measured at the same iterations (toy2d.compare), so a difference in the curves is a difference in the settings.
Each sub-tab holds its own run per browser session (gr.State) and streams frames through playground.live_loop.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import gradio as gr
from PIL import Image

from toy2d import distributions, losses, probe
from toy2d.compare import LockStep
from toy2d.conditional import ClassScore, ConditionalTrainer
from toy2d import settings
from toy2d.config import TrainConfig
from toy2d.presets import PRESET_NAMES, resolve
from toy2d.trainer import Trainer
from toy2d.vae import VAE, VAEConfig

from playground import fields, i18n, limits, live_loop, messages

from playground.pictures import compare as compare_frames
from playground.tabs import Page

DATA_SETS = [d for d in distributions.NAMES if d != "points"]
RECIPE = "recipe"  # a side's base: the data set's tuned recipe, or a preset (named in the page's words)
BASES = [RECIPE, *PRESET_NAMES]
SETTING = settings.by_name(TrainConfig)
VAE_SETTING = settings.by_name(VAEConfig)


def box(name: str, value: Any, elem_id: str) -> gr.Number:
    return fields.number_box(SETTING[name], value, elem_id, "setting")
SIDE_FIELDS = ("base", "loss", "opt", "lr_d", "lr_g", "k_d", "k_g", "r1_gamma")
SCORES_EVERY_S = 0.5

# (data set, side A, side B); a side is (base, loss or None, overrides); named in the page by ex.pair.<name>
PAIRS: dict[str, tuple[str, tuple, tuple]] = {
    "ns-wgan-gp": ("ring8", (RECIPE, "nonsaturating", {}), (RECIPE, "wgan-gp", {})),
    "kd-1-5": ("ring8", (RECIPE, "nonsaturating", {}), (RECIPE, "nonsaturating", {"k_d": 5})),
    "collapse": ("ring8", ("collapse", None, {}), ("collapse-fixed", None, {})),
    "vanishing": ("ring8", ("vanishing", None, {}), ("vanishing-fixed", None, {})),
    "oscillation": ("disjoint", ("oscillation", None, {}), ("oscillation-fixed", None, {})),
}
DEFAULT_PAIR = "ns-wgan-gp"


def _base_name(base: str) -> Any:
    """A base's name in a list (translated in the browser)."""
    return i18n.text("ex.base.recipe" if base == RECIPE else f"preset.{base}.title")


# ---- runs ----------------------------------------------------------------------------------------------------------
@dataclass
class Comparison:
    """Two (or more) runs in lock-step and what the page needs to draw them."""

    lock: LockStep
    titles: list[str]
    box: probe.Box | None = None
    playing: bool = False
    warned: set[str] = field(default_factory=set)
    book: compare_frames.Sketchbook = field(default_factory=compare_frames.Sketchbook)
    trained: tuple[int, int] = (0, 0)  # the last frame's iterations, done and asked
    lang: str = "en"  # the page's, when the runs were built or Play was pressed (pictures are drawn in it)

    def advance(self, n: int, budget_s: float | None = None) -> None:
        self.trained = (live_loop.train(self.lock.step, n, budget_s), n)

    def render(self) -> tuple[Image.Image, str]:
        models = [t.model for t in self.lock.lanes]
        self.box = compare_frames.shared_box(models, self.box)
        picture = compare_frames.compare_picture(self.lock, self.box, self.titles, self.book, self.lang)
        for t in self.lock.lanes:
            if t.model.diverged and t.name not in self.warned:
                self.warned.add(t.name)
                messages.warning(i18n.phrase("ex.msg.one_stopped", name=t.name,
                                             why=i18n.because(t.model.diverged.said())))
        if all(m.diverged for m in models):
            self.playing = False
        return picture, summary(self.lock, self.lang) + live_loop.short(*self.trained, lang=self.lang)


@dataclass
class Conditional:
    trainer: ConditionalTrainer
    label: int = 0
    box: probe.Box | None = None
    scores: list[ClassScore] = field(default_factory=list)
    scores_at: float = -math.inf
    playing: bool = False
    trained: tuple[int, int] = (0, 0)
    lang: str = "en"

    def advance(self, n: int, budget_s: float | None = None) -> None:
        self.trained = (live_loop.train(self.trainer.step, n, budget_s), n)

    def render(self, fresh_scores: bool = False) -> tuple[Image.Image, str]:
        t = self.trainer
        now = time.perf_counter()
        if fresh_scores or not self.scores or now - self.scores_at >= SCORES_EVERY_S:
            self.scores, self.scores_at = t.class_scores(), now
        real = t.pool[: probe.N_SHOWN].numpy()
        self.box = probe.fit_view(real, t.sample(probe.N_SHOWN), self.box)
        picture = compare_frames.conditional_picture(t, self.label, self.box, self.scores, self.lang)
        if t.diverged:
            self.playing = False
            messages.warning(i18n.phrase("ex.msg.stopped", why=i18n.because(t.diverged.said())))
            return picture, conditional_line(self.scores, self.label, self.lang)
        return picture, (conditional_line(self.scores, self.label, self.lang)
                         + live_loop.short(*self.trained, lang=self.lang))


def summary(lock: LockStep, lang: str) -> str:
    """One line per run under the view, with its latest numbers (toy2d.compare's summary, in ``lang``)."""
    lines = []
    for t in lock.lanes:
        row = t.rows[-1] if t.rows else {}
        js = row.get("js")
        parts = [i18n.t("ex.summary.run", lang, name=t.name, iteration=t.model.iteration,
                        js="–" if js is None or not math.isfinite(js) else f"{js:.3f}")]
        if row.get("modes_now") is not None:
            parts.append(i18n.t("ex.summary.modes", lang, now=row["modes_now"], recent=row["modes_recent"],
                                window=t.mode_history.window, hq=f"{100 * row['hq']:.0f}"))
        if t.model.diverged:
            parts.append(i18n.t("ex.summary.diverged", lang, why=i18n.in_lang(t.model.diverged.said(), lang)))
        lines.append(", ".join(parts))
    return "  \n".join(lines)


def conditional_line(scores: list[ClassScore], label: int, lang: str = "en") -> str:
    if not scores:
        return ""
    mean = sum(s.on_mode for s in scores) / len(scores)
    worst = min(scores, key=lambda s: s.on_mode)
    s = scores[label]
    elsewhere = i18n.t("ex.cgan.elsewhere", lang, mode=s.nearest) if s.nearest != label else ""
    return i18n.t("ex.cgan.line", lang, label=label, share=f"{s.on_mode:.0%}", elsewhere=elsewhere,
                  mean=f"{mean:.0%}", worst=worst.label, worst_share=f"{worst.on_mode:.0%}")


# ---- settings → configs (gr.Error names a bad setting) ------------------------------------------------------------
def _data(data: Any, allowed: list[str]) -> str:
    if data not in allowed:
        raise messages.error(i18n.phrase("ex.msg.data", choices=", ".join(allowed)))
    return data


def side_config(data: str, seed: Any, base: str, loss: str, opt: str, lr_d: Any, lr_g: Any, k_d: Any, k_g: Any,
                r1_gamma: Any, name: str = "run") -> TrainConfig:
    """One side of the A/B panel → a validated config: the base (recipe or preset) with the panel's numbers."""
    if base not in BASES:
        raise messages.error(i18n.phrase("ex.msg.base", name=name))
    side = f"{name}: "
    opt = fields.declared(SETTING["opt_d"], opt, side)
    overrides = dict(seed=fields.declared(SETTING["seed"], seed), opt_d=opt, opt_g=opt,
                     **{k: fields.declared(SETTING[k], v, side) for k, v in
                        dict(loss=loss, lr_d=lr_d, lr_g=lr_g, k_d=k_d, k_g=k_g, r1_gamma=r1_gamma).items()})
    try:
        config, _ = resolve(data=data, loss=loss, preset=None if base == RECIPE else base, overrides=overrides)
    except ValueError as e:
        raise messages.error(f"{name}: {i18n.said(e)}") from None
    return config


def side_values(data: str, base: str, loss: str | None, overrides: dict | None = None) -> list[Any]:
    """What one side's fields show for a base (recipe or preset) and loss: the panel is filled from it."""
    config, _ = resolve(data=data, loss=loss, preset=None if base == RECIPE else base, overrides=overrides)
    return [base, config.loss, config.opt_d, config.lr_d, config.lr_g, config.k_d, config.k_g, config.r1_gamma]


def _describe(name: str, config: TrainConfig, base: str) -> str:
    start = "" if base == RECIPE else f"{i18n.say(f'preset.{base}.title')}, "
    return f"{name}: {start}{config.loss}, {config.opt_d} {config.lr_d:g}/{config.lr_g:g}, kD {config.k_d}"


# ---- handlers ------------------------------------------------------------------------------------------------------
def ab_new(old: Comparison | None, data: str, seed: Any, *sides: Any) -> tuple:
    """Reset: two fresh runs (paused) from the panel; an old run's stream ends."""
    data = _data(data, DATA_SETS)
    n = len(SIDE_FIELDS)
    a, b = sides[:n], sides[n:2 * n]
    ca, cb = side_config(data, seed, *a, name="A"), side_config(data, seed, *b, name="B")
    run = Comparison(LockStep({"A": Trainer(ca), "B": Trainer(cb)}),
                     [_describe("A", ca, a[0]), _describe("B", cb, b[0])])
    return _replace(old, run)


def ab_pair(name: str) -> list[Any]:
    """A ready-made pair: the data set and both sides' fields."""
    if name not in PAIRS:
        return [gr.update()] * (1 + 2 * len(SIDE_FIELDS))
    data, (base_a, loss_a, over_a), (base_b, loss_b, over_b) = PAIRS[name]
    return [data, *side_values(data, base_a, loss_a, over_a), *side_values(data, base_b, loss_b, over_b)]


def ab_pick(old: Comparison | None, name: str, seed: Any) -> list[Any]:
    """A ready-made pair picked: its fields and, in the same event, its two runs. (Filling the fields and building
    the runs as two chained events left a moment where the panel showed the new pair while Play still reached the
    old run, which the build then paused.)"""
    values = ab_pair(name)
    if name not in PAIRS:
        return [*values, gr.skip(), gr.skip(), gr.skip(), gr.skip()]
    return [*values, *ab_new(old, values[0], seed, *values[1:])]


def ab_side(data: str, base: str, loss: str | None = None) -> list[Any]:
    """A side's base (loss None: the base's own) or loss changed: fill its numbers with what they train well
    with."""
    try:
        values = side_values(_data(data, DATA_SETS), base, loss)
    except ValueError as e:
        raise messages.error(e) from None
    return values[1:]


def vae_new(old: Comparison | None, data: str, seed: Any, loss: str, beta: Any, learn_sigma: bool) -> tuple:
    data = _data(data, DATA_SETS)
    if loss not in losses.LOSS_NAMES:
        raise messages.error(i18n.phrase("ex.msg.loss"))
    gan, _ = resolve(data=data, loss=loss, overrides={"seed": fields.whole(seed, "setting.seed", 0, 2**31 - 1)})
    vae = VAEConfig.like(gan, beta=fields.declared(VAE_SETTING["beta"], beta), learn_sigma=bool(learn_sigma))
    run = Comparison(LockStep({"GAN": Trainer(gan), "VAE": VAE(vae)}),
                     [f"GAN ({loss})", i18n.say("ex.title.vae_learned" if vae.learn_sigma else "ex.title.vae_fixed",
                                                beta=f"{vae.beta:g}")])
    return _replace(old, run)


def cgan_new(old: Conditional | None, data: str, seed: Any, loss: str, label: Any) -> tuple:
    data = _data(data, list(distributions.MIXTURE_NAMES))
    if loss not in losses.LOSS_NAMES:
        raise messages.error(i18n.phrase("ex.msg.loss"))
    config, _ = resolve(data=data, loss=loss, overrides={"seed": fields.whole(seed, "setting.seed", 0, 2**31 - 1)})
    trainer = ConditionalTrainer(config)
    run = Conditional(trainer, fields.whole(label, "class", 0, trainer.classes - 1))
    return _replace(old, run)


def cgan_label(run: Conditional | None, label: Any) -> tuple:
    """Another class to look at: the same run, redrawn."""
    if run is None:
        return gr.skip(), gr.skip()
    run.label = fields.whole(label, "class", 0, run.trainer.classes - 1)
    return run.render()


def cgan_classes(data: str) -> gr.Dropdown:
    k = len(distributions.get(data).mixture.centres) if data in distributions.MIXTURE_NAMES else 1
    return gr.Dropdown(choices=list(range(k)), value=0)


def _replace(old: Any, run: Any) -> tuple:
    run.lang = i18n.current_lang()
    if old is not None:
        old.playing = False
    picture, line = run.render()
    return run, picture, line, live_loop.play_button(False)


def first_visit(new):
    """The sub-tab's first opening builds its runs (not the page load: nothing trains for pages that never look)."""
    def build(run: Any, *settings: Any) -> tuple:
        if run is not None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return new(None, *settings)
    return build


def toggle(run: Any) -> tuple:
    if run is None:
        raise messages.error(i18n.phrase("ex.msg.reset_first"))
    run.playing = not run.playing
    run.lang = i18n.current_lang()  # the stream draws in the page's language as it is now
    return run, live_loop.play_button(run.playing)


def frame(run: Any, speed: float) -> tuple:
    run.advance(live_loop.iterations(speed))
    return run.render()


async def stream(run: Any, speed: float, request: gr.Request):
    async with contextlib.aclosing(live_loop.stream(run, frame, speed, request)) as frames:
        async for out in frames:
            yield out


def single_step(run: Any) -> tuple:
    if run is None:
        raise messages.error(i18n.phrase("ex.msg.reset_first"))
    run.advance(1, budget_s=math.inf)
    if isinstance(run, Comparison):
        run.lock.measure()  # a step by hand is looked at closely: measure it
        return run.render()
    return run.render(fresh_scores=True)


# ---- layout --------------------------------------------------------------------------------------------------------
def _controls(prefix: str, default_speed: int) -> tuple:
    with gr.Row():
        play = gr.Button(live_loop.PLAY_LABEL, variant="primary", elem_id=f"{prefix}-play")
        step = gr.Button(i18n.text("live.step"), elem_id=f"{prefix}-step")
        reset = gr.Button(i18n.text("ex.reset"), elem_id=f"{prefix}-reset")
        speed = gr.Slider(1, 50, default_speed, step=1, label=i18n.text("live.speed"), elem_id=f"{prefix}-speed")
    return play, step, reset, speed


def _wire(tabs: list[gr.Tab], run: gr.State, play, step, reset, speed, picture, line, settings: list, new,
          prefix: str) -> None:
    outputs = [run, picture, line, play]
    for tab in tabs:
        tab.select(first_visit(new), [run, *settings], outputs)
    play.click(toggle, run, [run, play]).then(stream, [run, speed], [picture, line, play], show_progress="hidden",
                                               concurrency_limit=None)  # live_loop's turns bound them
    step.click(single_step, run, [picture, line])
    reset.click(new, [run, *settings], outputs)


def _side(name: str, values: list[Any]) -> list[gr.components.Component]:
    base, loss, opt, lr_d, lr_g, k_d, k_g, r1 = values
    p = f"ab-{name.lower()}"
    with gr.Column(min_width=260):
        gr.Markdown(i18n.text({"A": "ex.run_a", "B": "ex.run_b"}[name]))
        fields = [gr.Dropdown([(_base_name(b), b) for b in BASES], value=base, label=i18n.text("ex.start_from"),
                              elem_id=f"{p}-base"),
                  gr.Dropdown(list(SETTING["loss"].choices), value=loss, label=i18n.text("setting.loss"),
                              elem_id=f"{p}-loss"),
                  gr.Dropdown(list(SETTING["opt_d"].choices), value=opt, label=i18n.text("ex.optimiser"),
                              elem_id=f"{p}-opt")]
        with gr.Row():
            fields += [box("lr_d", lr_d, f"{p}-lr_d"), box("lr_g", lr_g, f"{p}-lr_g")]
        with gr.Row():
            fields += [box("k_d", k_d, f"{p}-k_d"), box("k_g", k_g, f"{p}-k_g"), box("r1_gamma", r1, f"{p}-r1")]
    return fields


def _build_ab(tabs: list[gr.Tab]) -> None:
    gr.Markdown(i18n.text("ex.intro.ab"))
    data0, a0, b0 = PAIRS[DEFAULT_PAIR]
    with gr.Row():
        pair = gr.Dropdown([(i18n.text(f"ex.pair.{p}"), p) for p in PAIRS], value=DEFAULT_PAIR,
                           label=i18n.text("ex.pair"), elem_id="ab-pair",
                           scale=2)
        data = gr.Dropdown(i18n.choices(DATA_SETS), value=data0, label=i18n.text("setting.data"), elem_id="ab-data")
        seed = gr.Number(0, label=i18n.text("ex.seed_both"), precision=0, elem_id="ab-seed")
    play, step, reset, speed = _controls("ab", 10)
    picture = gr.Image(label=i18n.text("ex.view.ab"), show_label=False, interactive=False, format="jpeg",
                       elem_id="ab-frame")
    line = gr.Markdown(elem_id="ab-line")
    # under the view, one click away: the pair's picture fits a 1366×768 screen under the controls
    with gr.Accordion(i18n.text("ex.sides"), open=False, elem_id="ab-sides"):
        with gr.Row():
            side_a = _side("A", side_values(data0, a0[0], a0[1], a0[2]))
            side_b = _side("B", side_values(data0, b0[0], b0[1], b0[2]))
    run = gr.State(None, time_to_live=limits.STATE_TTL_S)  # a run a raw API call left behind is dropped
    settings = [data, seed, *side_a, *side_b]
    _wire(tabs, run, play, step, reset, speed, picture, line, settings, ab_new, "ab")
    fields.picked(pair)(ab_pick, [run, pair, seed], [data, *side_a, *side_b, run, picture, line, play])
    for side in (side_a, side_b):  # a new base or loss refills the side's numbers from its recipe
        fields.picked(side[0])(ab_side, [data, side[0]], side[1:])
        fields.picked(side[1])(ab_side, [data, side[0], side[1]], side[1:])


def _build_vae(tab: gr.Tab) -> None:
    gr.Markdown(i18n.text("ex.intro.vae"))
    with gr.Row():
        data = gr.Dropdown(i18n.choices(DATA_SETS), value="ring8", label=i18n.text("setting.data"), elem_id="vae-data")
        seed = gr.Number(0, label=i18n.text("setting.seed"), precision=0, elem_id="vae-seed")
        loss = gr.Dropdown(list(losses.LOSS_NAMES), value="nonsaturating", label=i18n.text("ex.gan_loss"),
                           elem_id="vae-loss")
        beta = fields.number_box(VAE_SETTING["beta"], 1.0, "vae-beta", "setting.vae")
        learn_sigma = gr.Checkbox(True, label=i18n.text("setting.vae.learn_sigma"), elem_id="vae-sigma")
    play, step, reset, speed = _controls("vae", 10)
    picture = gr.Image(label=i18n.text("ex.view.vae"), show_label=False, interactive=False, format="jpeg",
                       elem_id="vae-frame")
    line = gr.Markdown(elem_id="vae-line")
    run = gr.State(None, time_to_live=limits.STATE_TTL_S)  # a run a raw API call left behind is dropped
    _wire([tab], run, play, step, reset, speed, picture, line, [data, seed, loss, beta, learn_sigma], vae_new, "vae")


def _build_cgan(tab: gr.Tab) -> None:
    gr.Markdown(i18n.text("ex.intro.cgan"))
    with gr.Row():
        data = gr.Dropdown(i18n.choices(distributions.MIXTURE_NAMES), value="ring8", label=i18n.text("setting.data"),
                           elem_id="cgan-data")
        seed = gr.Number(0, label=i18n.text("setting.seed"), precision=0, elem_id="cgan-seed")
        loss = gr.Dropdown(list(losses.LOSS_NAMES), value="nonsaturating", label=i18n.text("setting.loss"),
                           elem_id="cgan-loss")
        label = gr.Dropdown(list(range(8)), value=0, label=i18n.text("ex.class"), elem_id="cgan-label")
    play, step, reset, speed = _controls("cgan", 10)
    picture = gr.Image(label=i18n.text("ex.view.cgan"), show_label=False, interactive=False, format="jpeg",
                       elem_id="cgan-frame")
    line = gr.Markdown(elem_id="cgan-line")
    run = gr.State(None, time_to_live=limits.STATE_TTL_S)  # a run a raw API call left behind is dropped
    _wire([tab], run, play, step, reset, speed, picture, line, [data, seed, loss, label], cgan_new, "cgan")
    fields.picked(data)(cgan_classes, data, label)
    fields.picked(label)(cgan_label, [run, label], [picture, line])


def create(page: Page) -> None:
    """Lay out the sub-tabs. Each builds its runs the first time it is shown: the first sub-tab when the outer
    tab is opened, the others when they are selected."""
    with gr.Tab(i18n.text("ex.tab.ab")) as ab:
        _build_ab([ab, page.tab])
    with gr.Tab(i18n.text("ex.tab.vae")) as vae:
        _build_vae(vae)
    with gr.Tab(i18n.text("ex.tab.cgan")) as cgan:
        _build_cgan(cgan)
