"""The StyleGAN tab: what a style-based generator lets you do that DCGAN does not. The style-mixing grid (faces A
take the coarse, middle or fine styles of faces B), truncation towards the mean face, the same face under
different noise (what noise controls), and a walk from A to B in Z against one in W.

All pictures come from our own 32-px generator (models/stylegan/infer.py), enlarged for a projector.
"""
from __future__ import annotations

import gradio as gr
import numpy as np

from models.faces import latent
from models.stylegan import infer as style_mixing
from playground import fields, i18n, messages
from playground.pictures import grid as picture_grid
from playground.model_errors import missing_weights
from playground.tabs import Page

SEEDS_A, SEEDS_B = "1, 2, 3", "10, 11, 12, 13"
MOST_A, MOST_B = 4, 5
PSI = 0.7  # the paper's figures use truncation too; 1 shows the untruncated faces
PSI_RANGE = (-1.0, 1.0)
TRUNCATION_COLUMNS = (1.0, 0.75, 0.5, 0.25, 0.0)
NOISE_DRAWS, SPREAD_DRAWS = 3, 16
WALK_FRAMES = 8
CELL = 128


def _generator():
    try:
        return style_mixing.stylegan()[0]
    except FileNotFoundError as e:
        raise missing_weights(e) from None


def _seeds(text: object, key: str, most: int) -> list[int]:
    try:
        return latent.parse_seeds(str(text or ""), most)
    except ValueError as e:
        raise messages.error(f"{i18n.say(key)}: {i18n.said(e)}") from None


def _psi(value: object) -> float:
    return fields.number(value, "sg.psi", *PSI_RANGE)


def _band(band: object) -> str:
    if band not in style_mixing.BANDS:
        raise messages.error(i18n.phrase("sg.msg.band"))
    return str(band)


def _grid(rows, columns, row_names):
    return picture_grid.labelled_grid(rows, columns, row_names, i18n.current_lang(), cell=CELL)


def mixing_figure(seeds_a: object, seeds_b: object, band: object, psi: object):
    """Top row: faces B; then each face A, and A with B's ``band`` styles under each B."""
    a, b = _seeds(seeds_a, "sg.seeds_a", MOST_A), _seeds(seeds_b, "sg.seeds_b", MOST_B)
    band, psi = _band(band), _psi(psi)
    g = _generator()
    fa, fb = style_mixing.faces(g, a, psi), style_mixing.faces(g, b, psi)
    mixed = style_mixing.mixing(g, a, b, band, psi)
    rows = [[None, *fb]] + [[fa[i], *mixed[i]] for i in range(len(a))]
    columns = [i18n.say("sg.col.a")] + [i18n.say("sg.col.b", seed=s) for s in b]
    names = [i18n.say("sg.row.b")] + [i18n.say("sg.row.a", seed=s) for s in a]
    return _grid(rows, columns, names)


def truncation_figure(seeds_a: object):
    """Each face A at ψ from 1 (as drawn) to 0 (the mean face: every row the same)."""
    a = _seeds(seeds_a, "sg.seeds_a", MOST_A)
    g = _generator()
    cols = [style_mixing.faces(g, a, p) for p in TRUNCATION_COLUMNS]
    rows = [[c[i] for c in cols] for i in range(len(a))]
    return _grid(rows, [f"ψ = {p:g}" for p in TRUNCATION_COLUMNS], [i18n.say("sg.row.a", seed=s) for s in a])


def noise_figure(seeds_a: object, psi: object, noise_seed: int):
    """The first face A with noise off, under three draws of noise, and the per-pixel spread over 16 draws."""
    seed = _seeds(seeds_a, "sg.seeds_a", MOST_A)[0]
    psi = _psi(psi)
    g = _generator()
    off = style_mixing.faces(g, [seed], psi, noise="off")[0]
    draws = style_mixing.noise_draws(g, seed, SPREAD_DRAWS, int(noise_seed), psi)
    spread = style_mixing.noise_std(draws)
    most = max(float(spread.max()), 1e-4)  # the map is scaled to its own largest spread, which its caption gives
    row = [off, *draws[:NOISE_DRAWS], picture_grid.heat(spread, most)]
    columns = [i18n.say("sg.noise.off")] + [i18n.say("sg.noise.draw", n=int(noise_seed) + i + 1)
                                           for i in range(NOISE_DRAWS)] + [i18n.say("sg.noise.spread",
                                                                                    most=f"{100 * most:.1f}")]
    return _grid([row], columns, [i18n.say("sg.row.a", seed=seed)])


def walk_figure(seeds_a: object, seeds_b: object, psi: object):
    """Face A to face B in Z (great circle) and in W (straight line), with how even each walk's steps are."""
    a = _seeds(seeds_a, "sg.seeds_a", MOST_A)[0]
    b = _seeds(seeds_b, "sg.seeds_b", MOST_B)[0]
    psi = _psi(psi)
    frames = style_mixing.walks(_generator(), a, b, WALK_FRAMES, psi)
    uneven = {k: style_mixing.step_changes(v) for k, v in frames.items()}
    picture = _grid([list(frames["z"]), list(frames["w"])], [""] * WALK_FRAMES,
                    [i18n.say("sg.walk.z"), i18n.say("sg.walk.w")])
    line = i18n.say("sg.walk.steps", z=_ratio(uneven["z"]), w=_ratio(uneven["w"]))
    return picture, line


def _ratio(steps: np.ndarray) -> str:
    return f"{steps.max() / max(steps.mean(), 1e-9):.2f}"


def show_all(seeds_a: object, seeds_b: object, band: object, psi: object, noise_seed: int):
    walk, line = walk_figure(seeds_a, seeds_b, psi)
    return (mixing_figure(seeds_a, seeds_b, band, psi), truncation_figure(seeds_a),
            noise_figure(seeds_a, psi, noise_seed), walk, line)


def create(page: Page) -> None:
    T = i18n.text
    gr.Markdown(T("sg.intro"))
    with gr.Row():
        seeds_a = gr.Textbox(SEEDS_A, label=T("sg.seeds_a"), info=T("sg.seeds_a.info"), elem_id="sg-seeds-a")
        seeds_b = gr.Textbox(SEEDS_B, label=T("sg.seeds_b"), info=T("sg.seeds_b.info"), elem_id="sg-seeds-b")
        psi = gr.Slider(*PSI_RANGE, value=PSI, step=0.05, label=T("sg.psi"), info=T("sg.psi.info"),
                        elem_id="sg-psi")
    go = gr.Button(T("sg.go"), variant="primary", elem_id="sg-go")
    gr.Markdown(T("sg.mixing.about"))
    band = gr.Radio([(T(f"sg.band.{b}"), b) for b in style_mixing.BANDS], value="coarse", label=T("sg.band"),
                    elem_id="sg-band")
    mixing = gr.Image(label=T("sg.mixing"), interactive=False, format="png", elem_id="sg-mixing")
    gr.Markdown(T("sg.truncation.about"))
    truncation = gr.Image(label=T("sg.truncation"), interactive=False, format="png", elem_id="sg-truncation")
    gr.Markdown(T("sg.noise.about"))
    noise_seed = gr.State(0)
    resample = gr.Button(T("sg.noise.resample"), elem_id="sg-resample")
    noise = gr.Image(label=T("sg.noise"), interactive=False, format="png", elem_id="sg-noise")
    gr.Markdown(T("sg.walk.about"))
    walk = gr.Image(label=T("sg.walk"), interactive=False, format="png", elem_id="sg-walk")
    walk_line = gr.Markdown(elem_id="sg-walk-line")
    everything = [seeds_a, seeds_b, band, psi, noise_seed]
    figures = [mixing, truncation, noise, walk, walk_line]
    go.click(show_all, inputs=everything, outputs=figures)
    psi.release(show_all, inputs=everything, outputs=figures)
    band.change(mixing_figure, inputs=[seeds_a, seeds_b, band, psi], outputs=mixing)
    resample.click(lambda s: s + NOISE_DRAWS, inputs=noise_seed, outputs=noise_seed).then(
        noise_figure, inputs=[seeds_a, psi, noise_seed], outputs=noise)
    page.tab.select(lambda *v: gr.skip() if v[-1] is not None else show_all(*v[:-1]),
                    inputs=[*everything, mixing], outputs=figures)
