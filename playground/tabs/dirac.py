"""The Dirac-GAN view: the exact training dynamics of the smallest GAN, as a vector field with trajectories.

Students see why plain GANs circle instead of converging and what a zero-centred gradient penalty (R1) changes.
Everything is computed in closed form by toy2d.dirac, so every change redraws at once.
"""
from __future__ import annotations

import math

import gradio as gr
import numpy as np
import plotly.figure_factory as ff
import plotly.graph_objects as go

from playground import fields, i18n, messages
from playground.tabs import Page
from toy2d import dirac

BOX = 2.0  # the view's half-width at least, and the range of the start point
MOST = 6.0  # at most: a trajectory spiralling out further runs off the view (its distance plot still shows it)
FONT = 16
COLOURS = {"simultaneous": "#d62728", "alternating": "#1f77b4"}
TRACE_NAMES = {"simultaneous": "dirac.trace.simultaneous", "alternating": "dirac.trace.alternating"}


def view_reach(start: tuple[float, float], paths: list[np.ndarray]) -> float:
    """Half-width of the square shown: the start and the trajectories (up to MOST), rounded up to a half."""
    far = [abs(v) for v in start] + [float(np.abs(p[np.isfinite(p).all(axis=1)]).max(initial=0.0)) for p in paths]
    return float(min(MOST, max(BOX, math.ceil(2 * max(far) * 1.05) / 2)))


def draw(loss: str, regulariser: str, gamma: float, lr: float, steps: float, theta0: float, psi0: float,
         updates: list[str]) -> tuple[go.Figure, go.Figure, str]:
    try:
        game = dirac.DiracGame(loss, regulariser, fields.number(gamma, "γ", 0, 10))
    except ValueError as e:
        raise messages.error(e) from None
    lr, steps = fields.number(lr, "dirac.lr", 1e-4, 2), int(fields.number(steps, "dirac.steps", 1, 20000))
    start = (fields.number(theta0, "dirac.theta", -BOX, BOX), fields.number(psi0, "dirac.psi", -BOX, BOX))
    if not set(updates or []) <= set(TRACE_NAMES):  # a crafted request: say so, no traceback
        raise messages.error(i18n.say("dirac.bad_updates", allowed=", ".join(TRACE_NAMES)))
    paths = {update: game.trajectory(start, lr, steps, update) for update in updates or []}
    reach = view_reach(start, list(paths.values()))
    grid = np.linspace(-reach, reach, 17)
    theta, psi = np.meshgrid(grid, grid)
    dt, dp = game.field(theta, psi)
    norm = np.hypot(dt, dp).max() or 1.0
    spacing = grid[1] - grid[0]
    field = ff.create_quiver(theta, psi, dt / norm * 0.9 * spacing, dp / norm * 0.9 * spacing, scale=1,
                             arrow_scale=0.3, line=dict(color="#8c8c8c", width=1.2),
                             name=i18n.say("dirac.trace.field"))
    distance = go.Figure()
    for update, path in paths.items():
        name = i18n.say(TRACE_NAMES[update])
        field.add_scatter(x=path[:, 0], y=path[:, 1], mode="lines", name=name,
                          line=dict(color=COLOURS.get(update), width=3))
        distance.add_scatter(y=dirac.distance_to_equilibrium(path), mode="lines", name=name,
                             line=dict(color=COLOURS.get(update), width=3))
    field.add_scatter(x=[start[0]], y=[start[1]], mode="markers", name=i18n.say("dirac.trace.start"),
                      marker=dict(size=11, color="black"))
    # the field covers the whole square shown: the axes keep their range and the plot area stays square
    # (constrain="domain"), where a wide page used to stretch the x axis to ±6 beyond the arrows
    field.update_layout(height=600, template="plotly_white", font=dict(size=FONT),
                        margin=dict(l=70, r=10, t=40, b=110),
                        xaxis=dict(title=i18n.say("dirac.axis.theta"), range=[-reach, reach], constrain="domain"),
                        yaxis=dict(title=i18n.say("dirac.axis.psi"), range=[-reach, reach], constrain="domain",
                                   scaleanchor="x", scaleratio=1),
                        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.14, yanchor="top"))
    distance.update_layout(height=340, template="plotly_white", font=dict(size=FONT),
                           margin=dict(l=70, r=10, t=40, b=60), yaxis_type="log",
                           xaxis_title=i18n.say("dirac.axis.step"), yaxis_title=i18n.say("dirac.axis.distance"),
                           legend=dict(orientation="h", x=1, xanchor="right", y=1, yanchor="bottom"))
    eig = np.linalg.eigvals(game.jacobian(0.0, 0.0))
    eig_text = ", ".join(f"{e.real:+.3f}{e.imag:+.3f}i" for e in eig)
    verdict = ("dirac.verdict.converge" if np.all(eig.real < -1e-9) else
               "dirac.verdict.circle" if np.allclose(eig.real, 0) else "dirac.verdict.repel")
    return field, distance, i18n.say("dirac.verdict", eig=eig_text, verdict=i18n.say(verdict))


def create(page: Page) -> None:
    """The view's layout; it is drawn when the tab is opened and on every change."""
    gr.Markdown(i18n.text("dirac.intro"))
    with gr.Row():
        loss = gr.Radio(list(dirac.LOSSES), value="gan", label=i18n.text("dirac.loss"), elem_id="dirac-loss")
        regulariser = gr.Radio(i18n.choices(dirac.REGULARISERS), value="none", label=i18n.text("dirac.regulariser"),
                               elem_id="dirac-reg")
        gamma = gr.Slider(0, 2, 0.3, step=0.05, label="γ", elem_id="dirac-gamma")
        updates = gr.CheckboxGroup([(i18n.text(f"dirac.trace.{u}"), u) for u in dirac.UPDATES],
                                   value=list(dirac.UPDATES), label=i18n.text("dirac.updates"),
                                   elem_id="dirac-updates")
    with gr.Row():
        lr = gr.Slider(0.01, 0.5, 0.1, step=0.01, label=i18n.text("dirac.lr"), elem_id="dirac-lr")
        steps = gr.Slider(10, 3000, 600, step=10, label=i18n.text("dirac.steps"), elem_id="dirac-steps")
        theta0 = gr.Number(1.0, label=i18n.text("dirac.theta"), elem_id="dirac-theta")
        psi0 = gr.Number(1.0, label=i18n.text("dirac.psi"), elem_id="dirac-psi")
    with gr.Row():
        field = gr.Plot(label=i18n.text("dirac.field"), elem_id="dirac-field", scale=3)
        with gr.Column(scale=2):
            distance = gr.Plot(label=i18n.text("dirac.distance"), elem_id="dirac-distance")
            verdict = gr.Markdown(elem_id="dirac-verdict")
    inputs = [loss, regulariser, gamma, lr, steps, theta0, psi0, updates]
    outputs = [field, distance, verdict]
    page.tab.select(draw, inputs=inputs, outputs=outputs)
    for control in inputs:
        control.change(draw, inputs=inputs, outputs=outputs, show_progress="hidden")
