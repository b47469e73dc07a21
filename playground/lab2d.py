"""The 2D GAN Lab tab (preview): pick a data set, loss and preset, train, and watch the layered view update."""
from __future__ import annotations

from typing import Iterator

import gradio as gr

from toy2d import distributions, losses, metrics, probe
from toy2d.config import TrainConfig
from toy2d.presets import PRESET_NAMES, PRESETS, resolve
from toy2d.trainer import Trainer

from .figures import layered_figure

FRAMES = 20  # view updates per training run


def metrics_markdown(trainer: Trainer) -> str:
    r = metrics.evaluate(trainer.dist, trainer.sample(metrics.N_DIVERGENCE))
    rows = [f"**iteration {trainer.iteration}** · D loss {trainer.d_loss:.3f} · G loss {trainer.g_loss:.3f}",
            f"JS {r.js_bits:.3f} bits (floor {r.js_floor_bits:.3f}) · KL {r.kl_bits:.3f} bits "
            f"(floor {r.kl_floor_bits:.3f}) · W1 {r.w1:.3f} (floor {r.w1_floor:.3f})"]
    if r.modes_total:
        rows.append(f"modes covered {r.modes_covered}/{r.modes_total} · high-quality samples "
                    f"{100 * r.hq_fraction:.1f} %")
    if trainer.diverged:
        rows.append(f"⚠️ {trainer.diverged.message()}. Lower the learning rates or press Train again to restart.")
    return "\n\n".join(rows)


def run_settings(data: str, loss: str, preset: str, steps: float, seed: float | None) -> tuple[TrainConfig, int]:
    """The run the controls describe. With a preset, the data and loss boxes override it only where they differ
    from the preset's own choice (choosing a preset sets them to it)."""
    if preset != "none":
        own = PRESETS[preset].settings
        data = None if data == own.get("data") else data
        loss = None if loss == own.get("loss") else loss
    return resolve(data, loss, None if preset == "none" else preset,
                   {"seed": int(seed)} if seed is not None else None, int(steps))


def train_and_show(data: str, loss: str, preset: str, steps: float, seed: float) -> Iterator[tuple]:
    """Train a fresh run, yielding the figure and metrics FRAMES times along the way."""
    try:
        config, n = run_settings(data, loss, preset, steps, seed)
    except (ValueError, TypeError) as exc:
        raise gr.Error(str(exc)) from None
    trainer = Trainer(config)
    box = None
    chunk = max(1, n // FRAMES)
    while trainer.iteration < n and not trainer.diverged:
        trainer.run(min(chunk, n - trainer.iteration))
        f = probe.frame(trainer, box)
        box = f.box
        yield layered_figure(f), f"training… iteration {trainer.iteration}/{n}"
    yield layered_figure(probe.frame(trainer, box)), metrics_markdown(trainer)


def choose_preset(preset: str) -> tuple:
    """Show the preset's explanation and put its data set, loss and length in the controls."""
    if preset == "none":
        return "", gr.update(), gr.update(), gr.update()
    p = PRESETS[preset]
    return (f"*{p.explanation}*", gr.update(value=p.settings["data"]), gr.update(value=p.settings["loss"]),
            gr.update(value=p.steps))


def build() -> None:
    """Lay the tab out inside the current gr.Blocks context."""
    gr.Markdown("Train a small GAN on a 2D distribution. Green: real samples and where D says *real*; purple: "
                "fakes and where D says *fake*; white: D cannot tell. Lines: G's warped noise grid; black "
                "strokes: where G's loss pushes each fake.")
    with gr.Row():
        with gr.Column(scale=1, min_width=240):
            data = gr.Dropdown(list(distributions.NAMES[:-1]), value="ring8", label="data set")
            loss = gr.Dropdown(list(losses.LOSS_NAMES), value="nonsaturating", label="loss")
            preset = gr.Dropdown(["none", *PRESET_NAMES], value="none", label="preset")
            explanation = gr.Markdown()
            steps = gr.Slider(100, 6000, value=2000, step=100, label="iterations")
            seed = gr.Number(0, precision=0, label="seed")
            go = gr.Button("Train", variant="primary")
        with gr.Column(scale=3):
            plot = gr.Plot(label="layered view")
            report = gr.Markdown()
    preset.change(choose_preset, preset, [explanation, data, loss, steps])
    go.click(train_and_show, [data, loss, preset, steps, seed], [plot, report])
