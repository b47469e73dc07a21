"""The style-transfer tab: 26 built-in styles, any picture as a style, and Gatys optimisation you can watch.

Three answers to one question, side by side: a network trained per style set (fast, fixed styles), a network that
reads the style from a picture (fast, any style), and the original optimisation (slow, any style, every step
visible).
"""
from __future__ import annotations

import time

import gradio as gr
import numpy as np
import plotly.graph_objects as go
from PIL import Image

from models import store
from models.style_transfer import fast as fast_style, gatys
from playground import examples, fields, i18n, messages, uploads
from playground.model_errors import gpu_call, model_line, reports_unavailable, tell_unavailable
from playground.uploads import chosen_size, read_upload
from playground.tabs import Page

SIZES = (256, 512, 768, 1024)
SHEET_SIDE = 160          # contact-sheet thumbnails…
SHEET_RENDER = 288        # …rendered larger first: at thumbnail size the brush strokes would be as big as the face
GATYS_SIZES = (128, 192, 256, 384)
FRAME_EVERY = 10          # Gatys iterations between two pictures sent to the page
NONE = -1


def _fraction(value: float | None, name: str) -> float:
    return fields.number(value, name, 0, 1)


def status() -> str:
    names = ("multistyle26", "arbitrary-predict", "efficientnet-lite0")
    return i18n.say("style.status", states=" · ".join(i18n.said(model_line(n)) for n in names))


def _style(i: int) -> str:
    return i18n.say("style.name", number=i)


# ---- 26 built-in styles ------------------------------------------------------------------------------------------

@reports_unavailable(2)
def contact_sheet(photo: str | None) -> tuple:
    picture = read_upload(photo, "upload.what.photo", SHEET_RENDER, quiet=True)
    tiles = [(_thumbnail(fast_style.stylise(picture, fast_style.style_weights({i: 1.0}))), _style(i))
             for i in range(fast_style.NUM_STYLES)]
    return tiles, status()


def _thumbnail(picture: np.ndarray) -> np.ndarray:
    h, w = picture.shape[:2]
    scale = SHEET_SIDE / max(h, w)
    return np.asarray(Image.fromarray(picture).resize((round(w * scale), round(h * scale)), Image.LANCZOS))


def pick_style(evt: gr.SelectData) -> int:
    return int(evt.index) if evt.index is not None else gr.skip()


def blend(styles: list, weights: list) -> np.ndarray:
    chosen = {}
    for s, w in zip(styles, weights):
        if s is None or int(s) == NONE:
            continue
        chosen[int(s)] = chosen.get(int(s), 0.0) + fields.number(w, "style.weight.named", 0, 1e6)
    try:
        return fast_style.style_weights(chosen)
    except ValueError as e:
        raise messages.error(i18n.phrase("style.msg.styles", reason=i18n.because(e))) from None


@reports_unavailable(4)
def run_builtin(photo: str | None, size: object, s1, w1, s2, w2, s3, w3, strength: float, keep: bool) -> tuple:
    picture = read_upload(photo, "upload.what.photo", chosen_size(size, SIZES))
    weights, strength = blend([s1, s2, s3], [w1, w2, w3]), _fraction(strength, "style.strength")
    t0 = time.perf_counter()
    styled = fast_style.stylise(picture, weights)
    seconds = time.perf_counter() - t0
    out = finish(styled, picture, strength, keep)
    mix = ", ".join(f"{_style(i)} × {w:.2f}" for i, w in enumerate(weights) if w > 0)
    return out, (styled, picture), f"{mix} · {_took(picture, seconds)}", status()


def _took(picture: np.ndarray, seconds: float) -> str:
    return i18n.say("style.took", w=picture.shape[1], h=picture.shape[0], seconds=f"{seconds:.2f}")


def finish(styled: np.ndarray, picture: np.ndarray, strength: float, keep: bool) -> np.ndarray:
    out = fast_style.mix(styled, picture, strength)
    return fast_style.keep_colours(out, picture) if keep else out


def refinish(last: tuple | None, strength: float, keep: bool):
    """Strength and colour changes re-mix the last result instantly instead of running the network again."""
    if not last:
        return gr.skip()
    return finish(last[0], last[1], _fraction(strength, "style.strength"), bool(keep))


# ---- any picture as the style ------------------------------------------------------------------------------------

def vector_chart(vectors: dict[str, np.ndarray]) -> go.Figure:
    """``vectors`` by catalogue key (style.vector.*)."""
    fig = go.Figure([go.Bar(y=v, name=i18n.say(key), opacity=0.75) for key, v in vectors.items()])
    fig.update_layout(barmode="group", height=230, margin=dict(l=30, r=10, t=30, b=25),
                      title=dict(text=i18n.say("style.vectors.title"), font=dict(size=13)),
                      legend=dict(orientation="h", y=1.15, x=1, xanchor="right"), bargap=0.1)
    return fig


@reports_unavailable(4)
def run_arbitrary(photo: str | None, style1: str | None, style2: str | None, between: float, strength: float,
                  keep: bool, size: object) -> tuple:
    picture = read_upload(photo, "upload.what.photo", chosen_size(size, SIZES))
    between, strength = _fraction(between, "style.between"), _fraction(strength, "style.any_strength")
    t0 = time.perf_counter()
    vectors = {"style.vector.one": fast_style.style_vector(read_upload(style1, "upload.what.style", 1024))}
    painting = vectors["style.vector.one"]
    if style2:
        vectors["style.vector.two"] = fast_style.style_vector(read_upload(style2, "upload.what.style2", 1024))
        painting = (1 - between) * vectors["style.vector.one"] + between * vectors["style.vector.two"]
    own = fast_style.style_vector(picture)
    vectors["style.vector.own"] = own
    used = strength * painting + (1 - strength) * own
    vectors["style.vector.used"] = used
    out = fast_style.transform(picture, used)
    if keep:
        out = fast_style.keep_colours(out, picture)
    seconds = time.perf_counter() - t0
    return out, vector_chart(vectors), _took(picture, seconds), status()


# ---- Gatys -------------------------------------------------------------------------------------------------------

def loss_chart(history: list[dict[str, float]], alpha: float, beta: float) -> go.Figure:
    steps = list(range(1, len(history) + 1))
    fig = go.Figure()
    fig.add_scatter(x=steps, y=[h["content"] * alpha for h in history], name=i18n.say("gatys.trace.content"),
                    mode="lines")
    fig.add_scatter(x=steps, y=[h["style"] * beta for h in history], name=i18n.say("gatys.trace.style"),
                    mode="lines")
    fig.add_scatter(x=steps, y=[h["total"] for h in history], name=i18n.say("gatys.trace.total"), mode="lines",
                    line=dict(dash="dot"))
    fig.update_layout(height=260, margin=dict(l=40, r=10, t=30, b=30), yaxis_type="log",
                      xaxis_title=i18n.say("gatys.axis.iteration"),
                      legend=dict(orientation="h", y=1.18, x=1, xanchor="right"))
    return fig


def gatys_config(backbone_name: str, size, iterations, alpha, log_beta, tv, start, optimizer, *layer_weights):
    net = gatys.backbone(backbone_name)
    if backbone_name == "efficientnet-lite0":
        layers = {name: fields.number(w, f"style.layer.{name}", 0, 1e6)
                  for name, w in zip(gatys.DEFAULT_STYLE_LAYERS, layer_weights)}
    else:
        layers = dict(net.default_style_layers)
    config = gatys.GatysConfig(size=chosen_size(size, GATYS_SIZES),
                               iterations=fields.whole(iterations, "gatys.iterations", 1, 5000),
                               content_weight=fields.number(alpha, "gatys.alpha", 0, 1e9),
                               style_weight=10.0 ** fields.number(log_beta, "gatys.beta", -9, 9),
                               tv_weight=fields.number(tv, "gatys.tv", 0, 1e9), style_layers=layers,
                               content_layer=net.default_content_layer, start=start, optimizer=optimizer)
    try:
        return net, config.validate(net.layers)
    except (ValueError, TypeError) as e:
        raise messages.error(i18n.phrase("gatys.msg.settings", reason=i18n.because(e))) from None


GATYS_GPU_MOST_S = 120


def gatys_gpu_seconds(photo, style, backbone_name, size, iterations, *rest) -> int:
    """How long a ZeroGPU Space holds a GPU for one optimisation: 20 ms an evaluation at 256 px, scaled by the
    picture's area, a generous bound on a GPU for what takes ~4× that on 2 CPU cores (~83 ms an
    evaluation at 256 px there), at most GATYS_GPU_MOST_S (a longer run stops there, keeping its last
    picture)."""
    try:
        n, side = int(iterations), int(size)
    except (TypeError, ValueError):
        return 60
    return int(min(GATYS_GPU_MOST_S, 10 + n * 0.02 * (side / 256) ** 2))


@gpu_call(gatys_gpu_seconds)
def run_gatys(photo: str | None, style: str | None, backbone_name: str, size, iterations, alpha, log_beta, tv,
              start, optimizer, *layer_weights):
    """A generator: yields the picture, the loss curves and a progress line every few iterations. On CUDA where
    there is one (the backbone is loaded there), within a ZeroGPU Space's GPU call."""
    try:
        net, config = gatys_config(backbone_name, size, iterations, alpha, log_beta, tv, start, optimizer,
                                   *layer_weights)
    except store.ModelUnavailable as e:
        yield gr.skip(), gr.skip(), tell_unavailable(e)
        return
    content = read_upload(photo, "upload.what.photo", 1024)
    painting = read_upload(style, "upload.what.style", 1024)
    run = gatys.GatysRun(net, content, painting, config)
    t0 = time.perf_counter()
    yield run.picture(), gr.skip(), i18n.say("gatys.starting")
    while not run.done:
        run.step(FRAME_EVERY)
        yield run.picture(), loss_chart(run.history, config.content_weight, config.style_weight), \
            progress_line(run, time.perf_counter() - t0)
    if run.diverged:
        messages.warning(i18n.phrase("gatys.msg.nan"))


def progress_line(run: gatys.GatysRun, seconds: float) -> str:
    h = run.history
    n = len(h)
    ratio = h[0]["style"] / max(h[-1]["style"], 1e-30)
    state = "diverged" if run.diverged else ("done" if run.done else "running")
    return i18n.say("gatys.progress", state=i18n.say(f"gatys.state.{state}"), n=n, of=run.config.iterations,
                    seconds=f"{seconds:.1f}", ms=f"{1000 * seconds / max(n, 1):.0f}", ratio=f"{ratio:.0f}",
                    content=f"{h[-1]['content']:.3f}")


# ---- layout ------------------------------------------------------------------------------------------------------

def create(page: Page) -> None:
    T = i18n.text
    styles = [(T(f"style.name.{i}"), i) for i in range(fast_style.NUM_STYLES)]
    gr.Markdown(T("style.intro"))
    model_status = gr.Markdown(status, elem_id="style-status")
    with gr.Row():
        photo = gr.Image(type="filepath", label=T("style.photo"), elem_id="style-photo", height=300,
                         sources=["upload", "clipboard", "webcam"])
        uploads.as_sent(photo)
        with gr.Column():
            gr.Examples(examples.photos(), inputs=photo, label=T("examples.photos"))
            size = gr.Radio(list(SIZES), value=512, label=T("style.size"), elem_id="style-size",
                            info=T("style.size.info"))

    with gr.Tab(T("style.tab.builtin")):
        sheet_btn = gr.Button(T("style.sheet_btn"), elem_id="style-sheet-btn")
        sheet = gr.Gallery(label=T("style.sheet"), columns=9, height=300,
                           allow_preview=False, elem_id="style-sheet")
        with gr.Row():
            none = (T("style.none"), NONE)
            s1 = gr.Dropdown(styles, value=19, label=T("style.s1"), elem_id="style-s1")
            w1 = gr.Slider(0, 1, 1, step=0.05, label=T("style.weight"), elem_id="style-w1")
            s2 = gr.Dropdown([none, *styles], value=NONE, label=T("style.s2"), elem_id="style-s2")
            w2 = gr.Slider(0, 1, 0.5, step=0.05, label=T("style.weight"), elem_id="style-w2")
            s3 = gr.Dropdown([none, *styles], value=NONE, label=T("style.s3"), elem_id="style-s3")
            w3 = gr.Slider(0, 1, 0.5, step=0.05, label=T("style.weight"), elem_id="style-w3")
        with gr.Row():
            strength = gr.Slider(0, 1, 1, step=0.05, label=T("style.strength"), elem_id="style-strength")
            keep = gr.Checkbox(False, label=T("style.keep"), elem_id="style-keep")
        builtin_btn = gr.Button(T("style.stylise"), variant="primary", elem_id="style-builtin-btn")
        builtin_out = gr.Image(label=T("style.result"), interactive=False, elem_id="style-builtin-out", format="png")
        builtin_info = gr.Markdown(elem_id="style-builtin-info")
        last = gr.State(None)

    with gr.Tab(T("style.tab.any")):
        with gr.Row():
            style1 = gr.Image(type="filepath", label=T("style.any1"), elem_id="style-any1", height=220)
            uploads.as_sent(style1)
            style2 = gr.Image(type="filepath", label=T("style.any2"), elem_id="style-any2", height=220)
            uploads.as_sent(style2)
        gr.Examples(examples.paintings(), inputs=style1, label=T("examples.paintings"))
        with gr.Row():
            between = gr.Slider(0, 1, 0.5, step=0.05, label=T("style.between"), elem_id="style-between")
            any_strength = gr.Slider(0, 1, 1, step=0.05, label=T("style.any_strength"),
                                     elem_id="style-any-strength")
            any_keep = gr.Checkbox(False, label=T("style.keep"), elem_id="style-any-keep")
        any_btn = gr.Button(T("style.any_btn"), variant="primary", elem_id="style-any-btn")
        with gr.Row():
            any_out = gr.Image(label=T("style.result"), interactive=False, elem_id="style-any-out", format="png")
            with gr.Column():
                vectors = gr.Plot(label=T("style.vectors"), elem_id="style-vectors")
                any_info = gr.Markdown(elem_id="style-any-info")
        gr.Markdown(T("style.adain"))

    with gr.Tab(T("gatys.tab")):
        gr.Markdown(T("gatys.intro"))
        with gr.Row():
            g_style = gr.Image(type="filepath", label=T("style.any1"), elem_id="gatys-style", height=220)
            uploads.as_sent(g_style)
            with gr.Column():
                gr.Examples(examples.paintings(), inputs=g_style, label=T("examples.styles"))
                backbone = gr.Radio([(T(f"gatys.backbone.{b}"), b) for b in gatys.BACKBONES],
                                    value="efficientnet-lite0",
                                    label=T("gatys.backbone"), elem_id="gatys-backbone")
        with gr.Row():
            g_size = gr.Radio(list(GATYS_SIZES), value=256, label=T("gatys.size"), elem_id="gatys-size")
            iterations = gr.Slider(10, 1000, 200, step=10, label=T("gatys.iterations"), elem_id="gatys-iterations")
            alpha = gr.Slider(0, 10, 1, step=0.1, label=T("gatys.alpha"), elem_id="gatys-alpha")
            log_beta = gr.Slider(0, 6, 3, step=0.25, label=T("gatys.beta"), elem_id="gatys-beta")
            tv = gr.Slider(0, 100, 10, step=1, label=T("gatys.tv"), elem_id="gatys-tv")
        with gr.Row():
            start = gr.Radio([(T(f"gatys.start.{s}"), s) for s in gatys.STARTS], value="content",
                             label=T("gatys.start"), elem_id="gatys-start")
            optimizer = gr.Radio([("L-BFGS", "lbfgs"), ("Adam", "adam")], value="lbfgs", label=T("gatys.optimizer"),
                                 elem_id="gatys-optimizer")
        with gr.Accordion(T("gatys.layers"), open=False):
            with gr.Row():
                layer_weights = [gr.Slider(0, 5, w, step=0.1, label=T(f"style.layer.{name}"),
                                           elem_id=f"gatys-layer-{i}")
                                 for i, (name, w) in enumerate(gatys.DEFAULT_STYLE_LAYERS.items())]
        with gr.Row():
            g_start = gr.Button(T("gatys.start_btn"), variant="primary", elem_id="gatys-start-btn")
            g_stop = gr.Button(T("gatys.stop_btn"), variant="stop", elem_id="gatys-stop-btn")
        with gr.Row():
            g_out = gr.Image(label=T("gatys.out"), interactive=False, elem_id="gatys-out",
                             format="png", height=320)
            g_chart = gr.Plot(label=T("gatys.losses"), elem_id="gatys-losses")
        g_info = gr.Markdown(elem_id="gatys-info")

    sheet_btn.click(contact_sheet, inputs=photo, outputs=[sheet, model_status], concurrency_limit=2)
    sheet.select(pick_style, outputs=s1)
    builtin_inputs = [photo, size, s1, w1, s2, w2, s3, w3, strength, keep]
    builtin_btn.click(run_builtin, inputs=builtin_inputs, outputs=[builtin_out, last, builtin_info, model_status],
                      concurrency_limit=4)
    for control in (strength, keep):
        control.change(refinish, inputs=[last, strength, keep], outputs=builtin_out, show_progress="hidden")
    any_btn.click(run_arbitrary, inputs=[photo, style1, style2, between, any_strength, any_keep, size],
                  outputs=[any_out, vectors, any_info, model_status], concurrency_limit=4)
    running = g_start.click(run_gatys, inputs=[photo, g_style, backbone, g_size, iterations, alpha, log_beta, tv,
                                               start, optimizer, *layer_weights],
                            outputs=[g_out, g_chart, g_info], concurrency_limit=2, concurrency_id="gatys")
    g_stop.click(None, cancels=[running])
