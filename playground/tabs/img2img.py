"""The image-to-image tab: pix2pix "you sketch, it colours" and CycleGAN with reconstruction.

pix2pix learns from pairs (here: faces of the pretrained DCGAN and their XDoG line drawings, made by
`python -m models.train`); CycleGAN learns from two unpaired sets. The tab shows both the way the papers do:
sketch → face beside the L1-only and untrained generators, and Original → Translated → Reconstructed.
"""
from __future__ import annotations

import functools

import gradio as gr
import numpy as np
from PIL import Image

from models.cyclegan import infer as cyclegan
from models.pix2pix import infer as pix2pix
from models.imaging import inputs
from models.imaging import montage
from models.faces import data as facepairs, latent
from models.faces.infer import load_faces
from playground import examples, i18n, messages, uploads
from playground.pictures import fonts
from playground.model_errors import gpu_call, missing_weights, model_line, reports_unavailable
from playground.uploads import chosen_size, read_upload
from playground.tabs import Page

PAD = 256                 # sketch-pad canvas; the network reads it at 64×64
SHOW = 256                # on-screen size of a 64-px result
VINTAGE_SIZES = (256, 384, 512)
# What a ZeroGPU Space attaches a GPU for (seconds, at most): bounds over their CPU times (benchmarks/RESULTS.md,
# "ZeroGPU durations"). pix2pix, a few ms a stroke, stays on the CPU: no GPU call per stroke.
VINTAGE_GPU_S, OWN_CYCLEGAN_GPU_S = 20, 15
DIFF_GAIN = 4             # the vintage effect is subtle: differences are amplified to be seen
EXAMPLE_SKETCHES = 12


def _up(picture: np.ndarray, side: int = SHOW) -> np.ndarray:
    return montage.upscale(picture[None], side)[0]


def _drawing(value: dict | np.ndarray | None) -> np.ndarray:
    """The sketch pad's flattened picture (strokes composited on white), or an error if nothing was drawn."""
    if isinstance(value, dict):
        value = value.get("composite")
    if value is None or not isinstance(value, np.ndarray) or value.size == 0:
        raise messages.error(i18n.phrase("p2p.msg.draw_first"))
    drawing = pix2pix.on_white(value)
    ink = drawing if drawing.ndim == 2 else drawing.min(axis=-1)
    if (ink < 200).sum() < 20:
        raise messages.error(i18n.phrase("p2p.msg.empty"))
    return drawing


def three_generators(sk: np.ndarray) -> np.ndarray:
    """The same sketch through the GAN-trained, the L1-only and an untrained U-Net, side by side."""
    nets = ((pix2pix.generator(pix2pix.PIX2PIX), "p2p.three.gan"),  # Pillow's own font has no λ
            (pix2pix.generator(pix2pix.PIX2PIX_L1), "p2p.three.l1"),
            (pix2pix.untrained(), "p2p.three.untrained"))
    tiles = [_up(pix2pix.sketch_to_face(net, sk)[0], 160) for net, _ in nets]
    return montage.equation(tiles, [i18n.say(key) for _, key in nets], ["", ""],
                            font=fonts.font(20, i18n.current_lang()))


def colour(pad: dict | None) -> tuple:
    sk = pix2pix.pad_to_sketch(_drawing(pad))
    try:
        face = pix2pix.sketch_to_face(pix2pix.generator(pix2pix.PIX2PIX), sk)[0]
        return _up(face), _up(np.repeat(sk[..., None], 3, -1), 128), three_generators(sk)
    except FileNotFoundError as e:
        raise missing_weights(e) from None


def live_colour(pad: dict | None) -> tuple:
    """While drawing: colour quietly, and say nothing about an empty pad."""
    try:
        return colour(pad)
    except gr.Error:
        return gr.skip(), gr.skip(), gr.skip()


@functools.cache
def example_sketches() -> list[np.ndarray]:
    """Sketches of held-out faces (seeds the training never saw), at pad size."""
    first = facepairs.HELD_OUT_FIRST_SEED + 500
    faces = facepairs.faces(load_faces(), list(range(first, first + EXAMPLE_SKETCHES)))
    return [np.asarray(Image.fromarray(s).resize((PAD, PAD), Image.BICUBIC).convert("RGB"))
            for s in facepairs.sketches(faces)]


@reports_unavailable(3)
def load_example(index: int) -> tuple:
    sketches = example_sketches()
    picture = sketches[index % len(sketches)]
    value = {"background": picture, "layers": [], "composite": picture}
    return value, (index + 1) % len(sketches), i18n.say("p2p.example_loaded")


@reports_unavailable(4)
def photo_pipeline(photo: str | None) -> tuple:
    picture = read_upload(photo, "upload.what.photo", 2048, quiet=True)  # only its centre square at 64 px is used
    crop = inputs.square(picture, pix2pix.SIDE)
    sk = pix2pix.photo_to_sketch(picture)
    face = pix2pix.sketch_to_face(pix2pix.generator(pix2pix.PIX2PIX), sk)[0]
    return _up(crop, 160), _up(np.repeat(sk[..., None], 3, -1), 160), _up(face, 160), ""


@reports_unavailable(4)
@gpu_call(VINTAGE_GPU_S)
def run_vintage(photo: str | None, size: object) -> tuple:
    picture = read_upload(photo, "upload.what.photo", chosen_size(size, VINTAGE_SIZES))
    out = cyclegan.vintage(picture)
    picture = picture[: out.shape[0], : out.shape[1]]
    diff = np.clip(np.abs(out.astype(np.int16) - picture) * DIFF_GAIN, 0, 255).astype(np.uint8)
    mean = float(np.abs(out.astype(np.int16) - picture).mean())
    return out, diff, i18n.say("cg.change", mean=f"{mean:.1f}", gain=DIFF_GAIN), vintage_status()


def vintage_status() -> str:
    return i18n.said(model_line("cyclegan-vintage"))


def _labelled_rows(rows: list[np.ndarray], labels: list[str]) -> np.ndarray:
    """Rows of 64-px pictures, each with its label on the left."""
    from PIL import ImageDraw

    tile = 96
    width = 150
    font = fonts.font(13, i18n.current_lang())
    pictures = [montage.grid(montage.upscale(r, tile), cols=len(r)) for r in rows]
    canvas = Image.new("RGB", (width + pictures[0].shape[1], sum(p.shape[0] + 4 for p in pictures)), "white")
    draw = ImageDraw.Draw(canvas)
    y = 0
    for picture, label in zip(pictures, labels):
        canvas.paste(Image.fromarray(picture), (width, y))
        draw.text((6, y + tile / 2), label, fill=(30, 30, 30), font=font, anchor="lm")
        y += picture.shape[0] + 4
    return np.asarray(canvas)


@reports_unavailable(3)
@gpu_call(OWN_CYCLEGAN_GPU_S)
def run_own_cyclegan(seeds_text: str) -> tuple:
    try:
        seeds = latent.parse_seeds(seeds_text, limit=8)
    except ValueError as e:
        raise messages.error(f"{i18n.say('cg.seeds.short')}: {i18n.said(e)}") from None
    g, f, meta = cyclegan.own(cyclegan.CYCLEGAN)
    faces = facepairs.faces(load_faces(), seeds)
    painted = facepairs.paint(facepairs.faces(load_faces(), [s + 1 for s in seeds]), int(meta.get("style", 19)))
    gx, fgx = cyclegan.cycle(g, f, faces)
    fy, gfy = cyclegan.cycle(f, g, painted)
    rows = [i18n.say(f"cg.row.{row}") for row in ("x", "gx", "fgx", "y", "fy", "gfy")]
    x_rows, y_rows = _labelled_rows([faces, gx, fgx], rows[:3]), _labelled_rows([painted, fy, gfy], rows[3:])
    info = i18n.say("cg.trained", command=meta.get("command", "?"), cyc=meta.get("lambda_cyc"),
                    id=meta.get("lambda_id"), steps=meta.get("steps"), minutes=f"{meta.get('seconds', 0) / 60:.0f}",
                    final=meta.get("final"))
    return x_rows, y_rows, info


# The editor opens with no tool chosen ("select the draw tool to start"); a sketch pad should just draw.
PICK_BRUSH = """() => {
  let tries = 0;
  const pick = () => {
    const brush = document.querySelector('#p2p-pad button[aria-label="Brush"]');
    if (brush && !brush.dataset.picked) { brush.dataset.picked = '1'; brush.click(); }
    else if (!brush && ++tries < 50) setTimeout(pick, 100);  // the editor renders after the tab opens
  };
  pick();
}"""


def create(page: Page) -> None:
    T = i18n.text
    with gr.Tab(T("p2p.tab")) as p2p_tab:
        gr.Markdown(T("p2p.intro"))
        with gr.Row():
            pad = gr.Sketchpad(label=T("p2p.pad"), canvas_size=(PAD, PAD), fixed_canvas=True, image_mode="RGB",
                               type="numpy", elem_id="p2p-pad", height=360, layers=False,
                               brush=gr.Brush(colors=["#000000"], color_mode="fixed", default_size=3),
                               placeholder=T("p2p.pad.placeholder"))
            uploads.drawing_as_sent(pad, max_side=PAD)
            with gr.Column():
                face = gr.Image(label=T("p2p.face"), interactive=False, elem_id="p2p-face", format="png",
                                height=280)
                seen = gr.Image(label=T("p2p.seen"), interactive=False, elem_id="p2p-seen",
                                format="png", height=140)
        with gr.Row():
            colour_btn = gr.Button(T("p2p.colour"), variant="primary", elem_id="p2p-btn")
            example_btn = gr.Button(T("p2p.example"), elem_id="p2p-example")
            live = gr.Checkbox(True, label=T("p2p.live"), elem_id="p2p-live")
        example_note = gr.Markdown(elem_id="p2p-note")
        example_index = gr.State(0)
        compare = gr.Image(label=T("p2p.compare"), interactive=False,
                           elem_id="p2p-compare", format="png", height=230)
        gr.Markdown(T("p2p.photo.intro"))
        with gr.Row():
            photo = gr.Image(type="filepath", label=T("p2p.photo"), elem_id="p2p-photo", height=220)
            uploads.as_sent(photo)
            crop = gr.Image(label=T("p2p.crop"), interactive=False, elem_id="p2p-crop", format="png")
            photo_sketch = gr.Image(label=T("p2p.photo_sketch"), interactive=False, elem_id="p2p-photo-sketch",
                                    format="png")
            photo_face = gr.Image(label=T("p2p.photo_face"), interactive=False, elem_id="p2p-photo-face",
                                  format="png")
        gr.Examples(examples.photos(), inputs=photo, label=T("examples.photos"))
        photo_status = gr.Markdown()

    with gr.Tab(T("cg.tab")):
        gr.Markdown(T("cg.intro"))
        gr.Markdown(T("cg.pretrained"))
        with gr.Row():
            v_photo = gr.Image(type="filepath", label=T("p2p.photo"), elem_id="cg-photo", height=260)
            uploads.as_sent(v_photo)
            v_out = gr.Image(label=T("cg.vintage"), interactive=False, elem_id="cg-vintage", format="png",
                             height=260)
            v_diff = gr.Image(label=T("cg.diff"), interactive=False, elem_id="cg-diff", format="png", height=260)
        with gr.Row():
            gr.Examples(examples.photos(), inputs=v_photo, label=T("examples.photos"))
            v_size = gr.Radio(list(VINTAGE_SIZES), value=256, label=T("cg.size"), elem_id="cg-size")
        v_btn = gr.Button(T("cg.btn"), variant="primary", elem_id="cg-btn")
        v_info = gr.Markdown(elem_id="cg-info")
        v_status = gr.Markdown(vintage_status, elem_id="cg-status")
        gr.Markdown(T("cg.ours"))
        with gr.Row():
            cg_seeds = gr.Textbox("1000000-1000005", label=T("cg.seeds"), elem_id="cg-seeds", scale=3)
            cg_btn = gr.Button(T("cg.own_btn"), variant="primary", elem_id="cg-own-btn", scale=1)
        cg_x = gr.Image(label=T("cg.x"), interactive=False, elem_id="cg-x", format="png")
        cg_y = gr.Image(label=T("cg.y"), interactive=False, elem_id="cg-y", format="png")
        cg_info = gr.Markdown(elem_id="cg-own-info")

    for opened in (page.tab, p2p_tab):
        opened.select(None, js=PICK_BRUSH)
    colour_outputs = [face, seen, compare]
    colour_btn.click(colour, inputs=pad, outputs=colour_outputs)
    pad.change(lambda value, on: live_colour(value) if on else (gr.skip(),) * 3, inputs=[pad, live],
               outputs=colour_outputs, trigger_mode="always_last", show_progress="hidden")
    example_btn.click(load_example, inputs=example_index, outputs=[pad, example_index, example_note])
    photo.change(lambda p: photo_pipeline(p) if p else (gr.skip(),) * 4, inputs=photo,
                 outputs=[crop, photo_sketch, photo_face, photo_status])
    v_btn.click(run_vintage, inputs=[v_photo, v_size], outputs=[v_out, v_diff, v_info, v_status],
                concurrency_limit=2)
    cg_btn.click(run_own_cyclegan, inputs=cg_seeds, outputs=[cg_x, cg_y, cg_info])
