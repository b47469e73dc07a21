"""The digit GANs tab: DCGAN, conditional GAN and CycleGAN training live on real MNIST digits (28×28).

Same rhythm as the 2D lab (play, pause, step, reset, speed), one run per browser session, frames streamed by
playground.live_loop.
"""
from __future__ import annotations

import atexit
import contextlib
import math
import threading
import time
from dataclasses import dataclass, field

import gradio as gr
from PIL import Image

from models.digits import judge, live as digit_gans
from models.digits.live import DigitConfig, DigitGAN
from playground import fields, i18n, limits, live_loop, messages
from playground.pictures import digits as digit_frames
from playground.tabs import Page
from playground.catalogue import t
from toy2d import settings
from toy2d.reasons import Refused

METRICS_EVERY_S = 2.0  # the judge reads 1 000 samples (~0.25 s on one thread): often enough to watch
TABLE = settings.by_name(DigitConfig)  # the panel's settings, in its order, declared in models/digits/live.py
SETTINGS = ("model", "loss", "optimizer", "lr_d", "lr_g", "k_d", "k_g", "batch", "noise_dim", "seed", "domain_a",
            "domain_b", "lambda_cyc", "lambda_id")
INTS = {name for name in SETTINGS if TABLE[name].kind == "int"}


@dataclass
class DigitRun:
    gan: DigitGAN
    metrics: dict | None = None
    metrics_at: float = 0.0
    frames: int = 0
    started: float = field(default_factory=time.perf_counter)
    iterations_at_start: int = 0
    playing: bool = False
    trained: tuple[int, int] = (0, 0)  # the last frame's iterations, done and asked
    lang: str = "en"  # the page's, for the words in its pictures (set by each of its events)


def config_from(values: tuple) -> DigitConfig:
    """The panel's values → a validated config, or gr.Error naming the bad field."""
    kwargs = {}
    for name, value in zip(SETTINGS, values):
        if name in INTS:
            if value is None or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or int(value) != value:
                raise messages.error(Refused("whole", name=TABLE[name].label, value=repr(value)))
            value = int(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise messages.error(Refused("finite", name=TABLE[name].label, value=repr(value)))
        kwargs[name] = value
    try:
        return DigitConfig(**kwargs).validate()
    except (ValueError, TypeError) as e:
        raise messages.error(i18n.phrase("img.msg.not_used", reason=i18n.because(e))) from None


def _labels(gan: DigitGAN, lang: str) -> list[str]:
    cfg = gan.config
    if cfg.model == "cgan":
        return [t("img.picture.digit", lang, digit=i) for i in range(digit_gans.GRID)]
    if cfg.model == "cyclegan":
        return [r.replace("a", str(cfg.domain_a)).replace("b", str(cfg.domain_b)) for r in digit_frames.CYCLE_ROWS]
    return []


def _keys(gan: DigitGAN) -> list[str]:
    return ["d", "g", "cycle", "identity"] if gan.config.model == "cyclegan" else ["d", "g"]


def metrics_line(gan: DigitGAN, m: dict | None, lang: str = "en") -> str:
    if not m:
        return ""
    distance = (t("img.metric.frechet_b", lang, a=gan.config.domain_a, b=gan.config.domain_b,
                  frechet=f"{m['frechet']:.1f}")
                if gan.config.model == "cyclegan" else
                t("img.metric.frechet", lang, frechet=f"{m['frechet']:.1f}", floor=f"{judge.judge().floor:.1f}"))
    parts = [t("img.metric.judge", lang, accuracy=f"{judge.judge().held_out_accuracy:.0%}",
               classes=m["classes_covered"]), distance]
    if "accuracy" in m:
        parts.append(t("img.metric.accuracy", lang, accuracy=f"{m['accuracy']:.0%}"))
    if "translated_as_b" in m:
        parts.append(t("img.metric.translated", lang, a=gan.config.domain_a, b=gan.config.domain_b,
                       share=f"{m['translated_as_b']:.0%}"))
    return " · ".join(parts)


def render(run: DigitRun) -> tuple[Image.Image, str]:
    gan = run.gan
    now = time.perf_counter()
    if run.metrics is None or now - run.metrics_at >= METRICS_EVERY_S:
        run.metrics, run.metrics_at = gan.metrics(), now
    rate = (gan.iteration - run.iterations_at_start) / max(1e-6, now - run.started)
    caption = t("img.caption", run.lang, iteration=gan.iteration, rate=f"{rate:.0f}", model=gan.config.model,
                loss=gan.config.loss)
    picture = digit_frames.frame(gan.grid(), _labels(gan, run.lang), gan.history, _keys(gan), run.metrics, caption,
                                 run.lang)
    return picture, metrics_line(gan, run.metrics, run.lang) + live_loop.short(*run.trained, lang=run.lang)


def new_run(old: DigitRun | None, *values) -> tuple:
    """Reset: a fresh, paused run with the panel's settings; the old run's stream, if any, ends."""
    run = DigitRun(DigitGAN(config_from(values)), lang=i18n.current_lang())
    if old is not None:
        old.playing = False
    picture, line = render(run)
    return run, picture, line, live_loop.play_button(False)


def frame(run: DigitRun, speed: float) -> tuple:
    """One frame: `speed` iterations (within the frame's training budget), then the picture. Divergence stops the
    run with a message."""
    gan, asked = run.gan, live_loop.iterations(speed)
    run.trained = (live_loop.train(gan, asked), asked)
    run.frames += 1
    picture, line = render(run)
    if run.gan.diverged:
        run.playing = False
        messages.warning(i18n.phrase("img.msg.stopped", reason=run.gan.diverged.said()))
    return picture, line


def toggle(run: DigitRun | None, *values) -> tuple:
    """Play ⇄ Pause. Pausing only clears the flag; the running stream sees it and ends."""
    if run is None:
        run = DigitRun(DigitGAN(config_from(values)))
    run.lang = i18n.current_lang()
    run.playing = not run.playing
    if run.playing:
        run.started, run.iterations_at_start = time.perf_counter(), run.gan.iteration
    return run, live_loop.play_button(run.playing)


async def stream(run: DigitRun | None, speed: float, request: gr.Request):
    """While the run is playing: a frame every live_loop.FRAME_S at most."""
    async with contextlib.aclosing(live_loop.stream(run, frame, speed, request)) as frames:
        async for out in frames:
            yield out


def single_step(run: DigitRun | None, *values) -> tuple:
    if run is None:
        run = DigitRun(DigitGAN(config_from(values)))
    run.lang = i18n.current_lang()
    run.gan.step()
    run.trained = (1, 1)
    picture, line = render(run)
    if run.gan.diverged:
        messages.warning(i18n.phrase("img.msg.stopped", reason=run.gan.diverged.said()))
    return run, picture, line


def walk(run: DigitRun | None, seed: float, label: float) -> Image.Image:
    if run is None:
        raise messages.error(i18n.phrase("img.msg.no_run"))
    try:
        frames = run.gan.walk(10, int(seed or 0), int(label or 0) % 10)
    except ValueError as e:
        raise messages.error(e) from None
    return digit_frames.grid_picture(frames[None], [])


DEFAULT = DigitConfig()


def _box(name: str) -> gr.Number:
    return fields.number_box(TABLE[name], getattr(DEFAULT, name), f"img-{name}", "setting.digit")


def create(page: Page) -> None:
    warm = threading.Thread(target=judge.judge, daemon=True)  # off the first frame's path
    warm.start()
    atexit.register(warm.join, 10)  # a process that ends at once does not cut the judge off inside torch
    gr.Markdown(i18n.text("img.intro"))
    run = gr.State(None, time_to_live=limits.STATE_TTL_S)  # a run a raw API call left behind is dropped
    with gr.Row():
        play = gr.Button(live_loop.PLAY_LABEL, variant="primary", elem_id="img-play")
        step = gr.Button(i18n.text("live.step"), elem_id="img-step")
        reset = gr.Button(i18n.text("img.reset"), elem_id="img-reset")
        speed = gr.Slider(1, 100, 4, step=1, label=i18n.text("live.speed"), elem_id="img-speed")
    picture = gr.Image(label=i18n.text("img.view"), show_label=False, interactive=False, format="jpeg",
                       elem_id="img-frame")
    line = gr.Markdown(elem_id="img-metrics")
    with gr.Row():
        model = gr.Radio([("DCGAN", "dcgan"), (i18n.text("img.model.cgan"), "cgan"), ("CycleGAN", "cyclegan")],
                         value="cgan", label=i18n.text("img.model"), elem_id="img-model")
        loss = gr.Dropdown(list(TABLE["loss"].choices), value=DEFAULT.loss, label=i18n.text("setting.digit.loss"),
                           elem_id="img-loss")
        optimizer = gr.Dropdown(list(TABLE["optimizer"].choices), value=DEFAULT.optimizer,
                                label=i18n.text("setting.digit.optimizer"),
                                elem_id="img-opt")
    with gr.Row():
        lr_d, lr_g, k_d, k_g, batch, noise_dim, seed = (_box(n) for n in ("lr_d", "lr_g", "k_d", "k_g", "batch",
                                                                       "noise_dim", "seed"))
    with gr.Accordion("CycleGAN", open=False):
        with gr.Row():
            domain_a, domain_b, lambda_cyc, lambda_id = (_box(n) for n in ("domain_a", "domain_b", "lambda_cyc",
                                                                           "lambda_id"))
    with gr.Accordion(i18n.text("img.walk_group"), open=False):
        with gr.Row():
            walk_seed = gr.Number(0, label=i18n.text("img.walk_seed"), precision=0, elem_id="img-walk-seed")
            walk_label = gr.Number(0, label=i18n.text("img.walk_digit"), precision=0,
                                   elem_id="img-walk-label")
            walk_btn = gr.Button(i18n.text("img.walk"), elem_id="img-walk-btn")
        walk_picture = gr.Image(label=i18n.text("img.walk_picture"), interactive=False, format="png",
                                elem_id="img-walk", height=80)

    settings = [model, loss, optimizer, lr_d, lr_g, k_d, k_g, batch, noise_dim, seed, domain_a, domain_b, lambda_cyc,
                lambda_id]
    play.click(toggle, inputs=[run, *settings], outputs=[run, play]).then(
        stream, inputs=[run, speed], outputs=[picture, line, play], show_progress="hidden",
        concurrency_limit=None)  # no cap: a stream holds no thread, and live_loop's turns share the work
    step.click(single_step, inputs=[run, *settings], outputs=[run, picture, line])
    reset.click(new_run, inputs=[run, *settings], outputs=[run, picture, line, play])
    for control in settings:
        control.change(new_run, inputs=[run, *settings], outputs=[run, picture, line, play], show_progress="hidden")
    walk_btn.click(walk, inputs=[run, walk_seed, walk_label], outputs=walk_picture)
