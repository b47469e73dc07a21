"""The StarGAN tab: one generator translates a face into every domain (photo and three painting styles), and back.

Beside it the count that makes StarGAN's point: k domains need one StarGAN generator, where CycleGAN needs a pair
of generators for every pair of domains, k(k − 1) in all.
"""
from __future__ import annotations

import gradio as gr
import numpy as np

from models.imaging import inputs
from models.faces import data as facepairs, latent
from models.stargan import infer as star_infer
from models.stargan import data as stardata
from models.faces.infer import load_faces
from playground import fields, i18n, messages, uploads
from playground.pictures import grid as picture_grid
from playground.model_errors import missing_weights, reports_unavailable
from playground.tabs import Page
from playground.uploads import read_upload

SEED0 = facepairs.HELD_OUT_FIRST_SEED  # a face training never saw (a clear, frontal one)


def _generator():
    try:
        return star_infer.stargan()[0]
    except FileNotFoundError as e:
        raise missing_weights(e) from None


def _input(source: str, seed: object, domain: str, photo: str | None) -> tuple[np.ndarray, int]:
    """The 64-px input picture and its domain's index."""
    if source == "photo":
        picture = read_upload(photo, "upload.what.photo", 1024, quiet=True)
        return inputs.square(picture, facepairs.SIDE), 0
    if domain not in stardata.DOMAINS:
        raise messages.error(i18n.phrase("star.msg.domain"))
    face = facepairs.faces(load_faces(), [fields.whole(seed, "star.seed", 0, latent.MAX_SEED)])
    index = stardata.DOMAINS.index(domain)
    return stardata.render(face, domain)[0], index


@reports_unavailable(1, status=False)  # the seeds' faces come from the faces DCGAN; a photo needs nothing fetched
def translate(source: str, seed: object, domain: str, photo: str | None):
    """The input, then one column per domain from the same generator: translated, and brought back."""
    x, index = _input(source, seed, domain, photo)
    g = _generator()
    k = len(stardata.DOMAINS)
    there = star_infer.to_domains(g, np.repeat(x[None], k, 0), list(range(k)))
    back = star_infer.to_domains(g, there, [index] * k)
    names = [i18n.say(f"star.domain.{d}") for d in stardata.DOMAINS]
    rows = [[x, *there], [None, *back]]
    return picture_grid.labelled_grid(rows, [i18n.say("star.input"), *[i18n.say("star.to", domain=n) for n in names]],
                                     [i18n.say("star.row.translated"), i18n.say("star.row.back", domain=names[index])],
                                     i18n.current_lang())


def count_line() -> str:
    k = len(stardata.DOMAINS)
    return i18n.say("star.count", k=k, cyclegan=k * (k - 1), pairs=k * (k - 1) // 2)


def create(page: Page) -> None:
    T = i18n.text
    gr.Markdown(T("star.intro"))
    gr.Markdown(count_line, elem_id="star-count")
    with gr.Row():
        with gr.Column():
            source = gr.Radio([(T("star.source.seed"), "seed"), (T("star.source.photo"), "photo")], value="seed",
                              label=T("star.source"), elem_id="star-source")
            seed = gr.Number(SEED0, label=T("star.seed"), info=T("star.seed.info"), precision=0, elem_id="star-seed")
            domain = gr.Radio([(T(f"star.domain.{d}"), d) for d in stardata.DOMAINS], value="photo",
                              label=T("star.domain"), elem_id="star-domain")
        photo = gr.Image(type="filepath", label=T("p2p.photo"), elem_id="star-photo", height=220)
        uploads.as_sent(photo)
    go = gr.Button(T("star.go"), variant="primary", elem_id="star-go")
    out = gr.Image(label=T("star.figure"), interactive=False, format="png", elem_id="star-figure")
    inputs = [source, seed, domain, photo]
    go.click(translate, inputs=inputs, outputs=out)
    photo.upload(lambda *v: (translate("photo", *v[1:]), "photo"), inputs=inputs, outputs=[out, source])
    page.tab.select(lambda *v: gr.skip() if v[-1] is not None else translate(*v[:-1]),
                    inputs=[*inputs, out], outputs=out)
