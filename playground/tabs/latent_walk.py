"""The DCGAN latent-walk tab: faces from seeds, walks between them, latent arithmetic, and directions.

Every picture is made from the seed numbers on screen (z = truncation × N(0, I) drawn from the seed), so a
student can write the numbers down and get the same faces again, here or with `python -m models walk`.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import gradio as gr
import torch

from models import store
from models.imaging import montage, video
from models.faces import latent, walks
from models.faces.infer import FacesDCGAN, load_faces
from playground import exports, fields, i18n, messages
from playground.pictures import fonts
from playground.model_errors import gpu_call, model_line, reports_unavailable
from playground.tabs import Page

MODEL = "dcgan-faces"
GRID_SEEDS = "0-15"
GRID_SIZE = 128       # on-screen size of a grid face
TILE_SIZE = 160       # arithmetic and direction tiles
STRIP_FRAMES = 10
DIRECTION_RANGE = 2.0
MAX_GRID = 48
WALKS_KEPT = 40  # walk videos and GIFs kept on disk, all pages together (playground/exports.py)


def _model() -> FacesDCGAN:
    return load_faces()


def _seeds(text: str, what: str, limit: int = 64) -> list[int]:
    """Typed seeds, or gr.Error naming the field (``what``: words already in the page's language)."""
    try:
        return latent.parse_seeds(text, limit)
    except ValueError as e:
        raise messages.error(f"{what}: {i18n.said(e)}") from None


def _truncation(value: float | None) -> float:
    return fields.number(value, "walk.truncation", 0, 3, lo_open=True)


def _scratch(suffix: str) -> Path:
    return exports.new_path("latent-walk", f"walk{suffix}", keep=WALKS_KEPT)


# What a ZeroGPU Space attaches a GPU for (seconds, at most): bounds over what these took on 2 CPU cores
# (benchmarks/RESULTS.md, "ZeroGPU durations"); a GPU does them in less.
GRID_GPU_S, WALK_GPU_S = 10, 30


def model_status() -> str:
    ck = store.get(MODEL)
    return i18n.say("walk.status", state=i18n.said(model_line(MODEL)), requirement=ck.requirement,
                    licence=ck.licence)


def reroll() -> str:
    """Sixteen fresh seeds, shown as numbers so the grid can be made again."""
    return ", ".join(str(secrets.randbelow(100_000)) for _ in range(16))


@reports_unavailable(3)
@gpu_call(GRID_GPU_S)
def show_grid(seeds_text: str, truncation: float) -> tuple[list, list[int], str]:
    seeds = _seeds(seeds_text, i18n.say("walk.seeds"), MAX_GRID)
    model = _model()
    faces = montage.upscale(model.images(latent.from_seeds(seeds, model.nz, _truncation(truncation))), GRID_SIZE)
    return [(f, i18n.say("walk.seed_caption", seed=s)) for f, s in zip(faces, seeds)], seeds, model_status()


def first_grid(seeds_text: str, truncation: float, shown: list[int]) -> tuple:
    """Opening the tab draws the grid once; later visits keep what the student made."""
    return (gr.skip(), gr.skip(), gr.skip()) if shown else show_grid(seeds_text, truncation)


def pick(keyframes: str, shown: list[int], evt: gr.SelectData) -> str:
    """Clicking a face appends its seed to the keyframes."""
    if not shown or evt.index is None or not 0 <= int(evt.index) < len(shown):
        return keyframes
    seed = str(shown[int(evt.index)])
    return f"{keyframes.strip().rstrip(',')}, {seed}" if keyframes.strip() else seed


def walk_command(seeds: list[int], frames: int, mode: str, truncation: float, fps: int) -> str:
    return (f"python -m models walk --seeds {','.join(map(str, seeds))} --frames {frames} --mode {mode} "
            f"--truncation {truncation:g} --fps {fps} --out walk.mp4")


@reports_unavailable(5)
@gpu_call(WALK_GPU_S)
def make_walk(keyframes: str, mode: str, frames: float, fps: float, truncation: float) -> tuple:
    seeds = _seeds(keyframes, i18n.say("walk.keyframes"))
    if len(seeds) < 2:
        raise messages.error(i18n.phrase("walk.msg.two_seeds"))
    if mode not in latent.INTERPOLATIONS:
        raise messages.error(i18n.phrase("walk.msg.interpolation", choices=", ".join(latent.INTERPOLATIONS)))
    frames = fields.whole(frames, "walk.frames", 2, walks.MAX_FRAMES)
    fps = fields.whole(fps, "walk.fps", 1, 60)
    trunc = _truncation(truncation)
    model = _model()
    try:
        result = walks.render(model, seeds, frames, mode, trunc, size=256, fps=fps, out=_scratch(".mp4"))
    except ValueError as e:
        raise messages.error(e) from None
    gif = _scratch(".gif")
    video.write(result.frames[:, ::2, ::2], gif, fps)  # half size: GIFs are big
    info = i18n.say("walk.info", frames=len(result.frames), seeds=", ".join(map(str, seeds)), mode=mode,
                    seconds=f"{result.seconds:.2f}", command=walk_command(seeds, frames, mode, trunc, fps))
    return montage.strip(result.frames[:, ::2, ::2], STRIP_FRAMES), str(result.path), str(gif), info, model_status()


def _term(model: FacesDCGAN, text: str, name: str, truncation: float) -> tuple[torch.Tensor, list[int]]:
    """A term of the arithmetic (``name``: words in the page's language): its seeds' mean z."""
    seeds = _seeds(text, name, 16)
    return latent.mean_latent(latent.from_seeds(seeds, model.nz, truncation)), seeds


def _label(name: str, seeds: list[int]) -> str:
    shown = ",".join(map(str, seeds[:4])) + ("…" if len(seeds) > 4 else "")
    return i18n.say("walk.term.mean" if len(seeds) > 1 else "walk.term.seed", name=name, seeds=shown)


@reports_unavailable(2)
@gpu_call(GRID_GPU_S)
def compute_arithmetic(a_text: str, b_text: str, c_text: str, truncation: float) -> tuple:
    trunc, model = _truncation(truncation), _model()
    (a, sa), (b, sb), (c, sc) = (_term(model, t, i18n.say("walk.term", name=n), trunc)
                                 for t, n in ((a_text, "A"), (b_text, "B"), (c_text, "C")))
    z = torch.stack([a, b, c, latent.arithmetic(a, b, c)])
    tiles = list(montage.upscale(model.images(z), TILE_SIZE))
    picture = montage.equation(tiles, [_label("A", sa), _label("B", sb), _label("C", sc), "A - B + C"],
                               ["-", "+", "="],  # Pillow's own font has no U+2212
                               font=fonts.font(max(12, TILE_SIZE // 8), i18n.current_lang()))
    return picture, model_status()


@reports_unavailable(3)
@gpu_call(GRID_GPU_S)
def explore(source: str, direction_seed: float, a_text: str, b_text: str, start_text: str, amount: float,
            truncation: float) -> tuple:
    trunc, model = _truncation(truncation), _model()
    amount = fields.number(amount, "walk.amount", -1e3, 1e3)
    start, _ = _term(model, start_text, i18n.say("walk.start"), trunc)
    if source == "A − B":
        a, b = (_term(model, t, i18n.say("walk.term", name=n), trunc)[0] for t, n in ((a_text, "A"), (b_text, "B")))
        direction = a - b
        if float(direction.norm()) < 1e-6:
            raise messages.error(i18n.phrase("walk.msg.same_terms"))
    else:
        seed = fields.whole(direction_seed, "walk.direction_seed", 0, latent.MAX_SEED)
        direction = latent.from_seeds([seed], model.nz)[0]
    steps = torch.linspace(-DIRECTION_RANGE, DIRECTION_RANGE, 7)
    faces = model.images(latent.along(start, direction, torch.cat([torch.tensor([float(amount)]), steps])))
    big = montage.upscale(faces[:1], 256)[0]
    context = montage.grid(montage.upscale(faces[1:], 96), cols=7)
    return big, context, model_status()


def create(page: Page) -> None:
    """The tab's layout and events; the grid is drawn the first time the tab is opened."""
    T = i18n.text
    gr.Markdown(T("walk.intro"))
    status = gr.Markdown(model_status, elem_id="walk-status")
    shown = gr.State([])
    with gr.Row(equal_height=True):
        seeds = gr.Textbox(GRID_SEEDS, label=T("walk.seeds"), info=T("walk.seeds.info"), elem_id="walk-seeds",
                           scale=4)
        truncation = gr.Slider(0.1, 1.5, 1.0, step=0.05, label=T("walk.truncation"), elem_id="walk-trunc",
                               info=T("walk.truncation.info"), scale=3)
        reroll_btn = gr.Button(T("walk.reroll"), elem_id="walk-reroll", scale=1)
        grid_btn = gr.Button(T("walk.show"), variant="primary", elem_id="walk-grid-btn", scale=1)
    gallery = gr.Gallery(label=T("walk.gallery"), columns=8, height=320,
                         allow_preview=False, elem_id="walk-grid", object_fit="contain")

    with gr.Tab(T("walk.tab.walk")):
        with gr.Row():
            keyframes = gr.Textbox("0, 1", label=T("walk.keyframes"), elem_id="walk-keys", scale=3)
            mode = gr.Radio([(T(f"walk.mode.{m}"), m) for m in latent.INTERPOLATIONS], value="slerp",
                            label=T("walk.interpolation"), info=T("walk.interpolation.info"), elem_id="walk-mode",
                            scale=2)
            frames = gr.Slider(2, walks.MAX_FRAMES, 64, step=1, label=T("walk.frames"), elem_id="walk-frames",
                               scale=2)
            fps = gr.Slider(1, 60, 24, step=1, label=T("walk.fps"), elem_id="walk-fps", scale=2)
        walk_btn = gr.Button(T("walk.walk"), variant="primary", elem_id="walk-btn")
        strip = gr.Image(label=T("walk.strip"), elem_id="walk-strip", interactive=False, format="png")
        with gr.Row():
            walk_video = gr.Video(label=T("walk.video"), autoplay=True, loop=True, elem_id="walk-video", height=300,
                                  interactive=False)
            with gr.Column():
                gif = gr.File(label=T("walk.gif"), elem_id="walk-gif", interactive=False)
                walk_info = gr.Markdown(elem_id="walk-info")

    with gr.Tab(T("walk.tab.arithmetic")):
        gr.Markdown(T("walk.arithmetic.intro"))
        with gr.Row():
            a = gr.Textbox("0, 1", label="A", elem_id="walk-a")
            b = gr.Textbox("2, 3", label="B", elem_id="walk-b")
            c = gr.Textbox("4", label="C", elem_id="walk-c")
        arith_btn = gr.Button(T("walk.compute"), variant="primary", elem_id="walk-arith-btn")
        equation = gr.Image(label="A − B + C", elem_id="walk-equation", interactive=False, format="png")

    with gr.Tab(T("walk.tab.direction")):
        gr.Markdown(T("walk.direction.intro"))
        with gr.Row():
            source = gr.Radio([(T("walk.direction.random"), "random"), ("A − B", "A − B")], value="random",
                              label=T("walk.direction"), elem_id="walk-dir-source")
            direction_seed = gr.Number(7, label=T("walk.direction_seed"), precision=0, elem_id="walk-dir-seed")
            start = gr.Textbox("4", label=T("walk.start"), elem_id="walk-start")
        amount = gr.Slider(-DIRECTION_RANGE, DIRECTION_RANGE, 0.0, step=0.05, label=T("walk.amount"),
                           elem_id="walk-amount")
        with gr.Row():
            moved = gr.Image(label=T("walk.moved"), elem_id="walk-moved", interactive=False,
                             format="png", scale=1)
            context = gr.Image(label=T("walk.context"), elem_id="walk-context",
                               interactive=False, format="png", scale=2)

    grid_event = dict(fn=show_grid, inputs=[seeds, truncation], outputs=[gallery, shown, status])
    grid_btn.click(**grid_event)
    seeds.submit(**grid_event)
    truncation.release(**grid_event)
    reroll_btn.click(reroll, outputs=seeds).then(**grid_event)
    page.tab.select(first_grid, inputs=[seeds, truncation, shown], outputs=[gallery, shown, status])
    gallery.select(pick, inputs=[keyframes, shown], outputs=keyframes)
    walk_btn.click(make_walk, inputs=[keyframes, mode, frames, fps, truncation],
                   outputs=[strip, walk_video, gif, walk_info, status])
    arith_btn.click(compute_arithmetic, inputs=[a, b, c, truncation], outputs=[equation, status])
    explore_inputs = [source, direction_seed, a, b, start, amount, truncation]
    amount.input(explore, inputs=explore_inputs, outputs=[moved, context, status], trigger_mode="always_last",
                 show_progress="hidden")
    for control in (source, direction_seed, start):
        control.change(explore, inputs=explore_inputs, outputs=[moved, context, status], show_progress="hidden")
