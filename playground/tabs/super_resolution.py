"""The super-resolution tab, "흐린 사진을 선명하게": a photo made 4× smaller, then brought back by bicubic
interpolation, our SRResNet (pixel loss) and SRGAN (content + adversarial loss), both trained in this app, and
idealo's published RRDN-GAN (ESRGAN's generator, trained on DIV2K with perceptual and adversarial losses), beside the
original, with PSNR, SSIM and sharpness under each and the same region magnified, as in the SRGAN paper's figure.
And a small picture of one's own, upscaled the four ways.

The RRDN costs about 4× our nets together (benchmarks/super_resolution.py), so every answer comes in two steps: the
fast panels at once, the RRDN's grey until it is done.
"""
from __future__ import annotations

import functools
from typing import Iterator

import gradio as gr
import numpy as np

from models.imaging import quality
from models.super_resolution import data as srdata
from models.super_resolution import infer as upscaling
from playground import examples, fields, i18n, messages, uploads
from playground.pictures import sr_figure
from playground.model_errors import missing_weights
from playground.tabs import Page
from playground.uploads import chosen_size, read_upload

SIDES = (128, 256, 384)  # the original's side: the input is a quarter of it
OWN_MOST = 256           # a picture of one's own is upscaled from at most this side (→ 1024)…
OWN_LEAST = 8            # …and from at least this one (a 16-px icon is what "a small picture" is for)
PAPER = {"bicubic": (28.43, 0.8109), "srresnet": (32.05, 0.9019), "srgan": (29.40, 0.8472)}  # Set5, 4×
FAST = ("bicubic", *upscaling.KINDS)  # shown at once
SLOW = upscaling.PUBLISHED            # shown when done
METHODS = (*FAST, SLOW)
PER_ROW = 3  # six panels as two rows of three: readable on a laptop and a projector


def _net(kind: str):
    try:
        return upscaling.generator(kind)
    except (FileNotFoundError, ValueError) as e:  # a missing checkpoint; a converted file that is not the recorded one
        raise missing_weights(e) from None


def _upscaled(small: np.ndarray, kinds: tuple[str, ...]) -> dict[str, np.ndarray]:
    """``small`` 4× by each method of ``kinds``."""
    return {k: srdata.bicubic(small) if k == "bicubic" else upscaling.upscale(_net(k), small) for k in kinds}


def _all(small: np.ndarray) -> dict[str, np.ndarray]:
    return _upscaled(small, METHODS)


def _caption(sr: np.ndarray, original: np.ndarray) -> str:
    return i18n.say("sr.caption", psnr=f"{quality.psnr_y(sr, original):.2f}",
                    ssim=f"{quality.ssim_y(sr, original):.3f}",
                    sharp=f"{quality.sharpness(sr[None]) / quality.sharpness(original[None]):.2f}")


def _panel(kind: str, made: dict[str, np.ndarray], like: np.ndarray, original: np.ndarray | None) -> sr_figure.Panel:
    """The panel of method ``kind``: its picture and numbers, or a grey one saying it is on its way."""
    name = i18n.say(f"sr.panel.{kind}")
    if kind not in made:
        return sr_figure.Panel(name, like, i18n.say("sr.caption.working"), pending=True)
    return sr_figure.Panel(name, made[kind], _caption(made[kind], original) if original is not None else "")


def crop(picture: np.ndarray, side: int, x: float, y: float) -> np.ndarray:
    """The ``side``-pixel square of ``picture`` centred near (x, y), its side a multiple of 4 (smaller pictures:
    as much as fits)."""
    side = min(side, *picture.shape[:2]) // srdata.SCALE * srdata.SCALE
    left, top, right, bottom = sr_figure.zoom_box(picture.shape, x, y, side)
    return picture[top:bottom, left:right]


def compare_steps(photo: str | None, side: object, x: float, y: float, zoom_x: float, zoom_y: float) -> Iterator[tuple]:
    """The six panels for a crop of ``photo`` with the region (zoom_x, zoom_y) of each magnified, and their numbers
    as text (for screen readers and for copying onto a slide): first with the fast methods, then with all."""
    picture = read_upload(photo, "upload.what.photo", 1024, quiet=True)
    side = chosen_size(side, SIDES)
    where = [fields.number(v, "sr.where", 0, 1) for v in (x, y, zoom_x, zoom_y)]
    original = crop(picture, side, where[0], where[1])
    if min(original.shape[:2]) < 32:
        raise messages.error(i18n.phrase("sr.msg.small"))
    small = srdata.downscale(original)
    box = sr_figure.zoom_box(original.shape, where[2], where[3], max(16, original.shape[0] // 6))
    made = _upscaled(small, FAST)
    for last in (False, True):
        if last:
            made.update(_upscaled(small, (SLOW,)))
        panels = [sr_figure.Panel(i18n.say("sr.panel.input"), srdata.nearest(small)),
                  *[_panel(k, made, original, original) for k in METHODS],
                  sr_figure.Panel(i18n.say("sr.panel.original"), original, i18n.say("sr.caption.original"))]
        numbers = " · ".join(f"**{p.name}** {p.caption.replace(chr(10), ' · ')}" for p in panels[1:-1])
        yield sr_figure.figure(panels, box, i18n.current_lang(), panel_side=256, per_row=PER_ROW), numbers


def compare(*args) -> tuple:
    """compare_steps' final answer."""
    *_, last = compare_steps(*args)
    return last


def when_photo(photo: str | None, *rest) -> tuple:
    """A photo chosen or a position moved: compare again, once there is a photo (nothing to say before). A photo
    that cannot be used clears the figure and says why in its place: the last photo's figure and numbers under a
    new photo read as the new one's."""
    if not photo:
        yield gr.skip(), gr.skip()
        return
    try:
        yield from compare_steps(photo, *rest)
    except gr.Error as e:
        yield None, f"⚠️ {e.message}"


def own_steps(photo: str | None, zoom_x: float, zoom_y: float) -> Iterator[object]:
    """A picture of one's own (no original to compare with): bicubic, SRResNet, SRGAN and RRDN-GAN 4×, the RRDN's
    when it is done."""
    small = read_upload(photo, "upload.what.small", OWN_MOST, min_side=OWN_LEAST)
    box_at = (fields.number(zoom_x, "sr.where", 0, 1), fields.number(zoom_y, "sr.where", 0, 1))
    made = _upscaled(small, FAST)
    for last in (False, True):
        if last:
            made.update(_upscaled(small, (SLOW,)))
        like = made["bicubic"]
        panels = [_panel(k, made, like, None) for k in METHODS]
        box = sr_figure.zoom_box(like.shape, *box_at, max(16, min(small.shape[:2]) * 4 // 6))
        yield sr_figure.figure(panels, box, i18n.current_lang(), panel_side=320, per_row=2)


def own(*args) -> object:
    """own_steps' final answer."""
    *_, last = own_steps(*args)
    return last


@functools.cache
def held_out_numbers() -> dict[str, tuple[float, float, float]]:
    """PSNR, SSIM and sharpness (÷ the original's) of each method on the held-out photos, measured once."""
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for name in srdata.HELD_OUT:
        original = srdata.crop_to_scale(srdata.photo(name))
        for k, sr in _all(srdata.downscale(original)).items():
            rows.setdefault(k, []).append((quality.psnr_y(sr, original), quality.ssim_y(sr, original),
                                           quality.sharpness(sr[None]) / quality.sharpness(original[None])))
    return {k: tuple(float(np.mean(col)) for col in zip(*v)) for k, v in rows.items()}


def trade_off() -> str:
    """The perception–distortion explanation with this app's numbers beside the paper's."""
    try:
        ours = held_out_numbers()
    except gr.Error:
        return i18n.say("sr.tradeoff")
    table = "\n".join(i18n.say("sr.table.row", method=i18n.say(f"sr.panel.{k}"), psnr=f"{ours[k][0]:.2f}",
                               ssim=f"{ours[k][1]:.3f}", sharp=f"{ours[k][2]:.2f}",
                               paper_psnr=f"{PAPER[k][0]:.2f}" if k in PAPER else "—",
                               paper_ssim=f"{PAPER[k][1]:.4f}" if k in PAPER else "—") for k in METHODS)
    return f"{i18n.say('sr.tradeoff')}\n\n{i18n.say('sr.table.head')}\n{table}"


def create(page: Page) -> None:
    T = i18n.text
    gr.Markdown(T("sr.intro"))
    with gr.Row():
        photo = gr.Image(type="filepath", label=T("p2p.photo"), elem_id="sr-photo", height=260,
                         sources=["upload", "clipboard", "webcam"])
        uploads.as_sent(photo)
        with gr.Column():
            gr.Examples(examples.held_out_photos(), inputs=photo, label=T("sr.examples"))
            side = gr.Radio(list(SIDES), value=256, label=T("sr.side"), info=T("sr.side.info"), elem_id="sr-side")
    with gr.Row():
        x = gr.Slider(0, 1, 0.5, step=0.01, label=T("sr.x"), elem_id="sr-x")
        y = gr.Slider(0, 1, 0.5, step=0.01, label=T("sr.y"), elem_id="sr-y")
        zoom_x = gr.Slider(0, 1, 0.5, step=0.01, label=T("sr.zoom_x"), elem_id="sr-zoom-x")
        zoom_y = gr.Slider(0, 1, 0.5, step=0.01, label=T("sr.zoom_y"), elem_id="sr-zoom-y")
    go = gr.Button(T("sr.go"), variant="primary", elem_id="sr-go")
    out = gr.Image(label=T("sr.figure"), interactive=False, format="png", elem_id="sr-figure")
    numbers = gr.Markdown(elem_id="sr-numbers")
    explanation = gr.Markdown(elem_id="sr-tradeoff")
    with gr.Accordion(T("sr.own"), open=False):
        with gr.Row():
            small = gr.Image(type="filepath", label=T("sr.own.picture"), elem_id="sr-own", height=200)
            uploads.as_sent(small)
            own_btn = gr.Button(T("sr.own.go"), variant="primary", elem_id="sr-own-go")
        own_out = gr.Image(label=T("sr.own.figure"), interactive=False, format="png", elem_id="sr-own-figure")

    inputs = [photo, side, x, y, zoom_x, zoom_y]
    shown = [out, numbers]
    go.click(compare_steps, inputs=inputs, outputs=shown, concurrency_limit=4)
    photo.change(when_photo, inputs=inputs, outputs=shown, concurrency_limit=4)
    for control in (side, x, y, zoom_x, zoom_y):
        getattr(control, "release", control.change)(when_photo, inputs=inputs, outputs=shown, show_progress="hidden",
                                                    concurrency_limit=4)
    page.tab.select(trade_off, outputs=explanation)
    own_btn.click(own_steps, inputs=[small, zoom_x, zoom_y], outputs=own_out, concurrency_limit=4)
