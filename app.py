"""GAN Playground: `python app.py` serves the app (honours GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import torch  # noqa: E402

from playground import dirac_view, experiments2d, image_lab, img2img, lab2d, latent_walk, style_transfer  # noqa: E402

torch.set_num_threads(1)  # the nets are tiny: more threads only add synchronisation, and sessions run in parallel


def build_app() -> gr.Blocks:
    gr.set_static_paths([lab2d.PLOTLY_JS])  # plotly.js from the installed plotly package: no CDN needed
    with gr.Blocks(title="GAN Playground") as demo:
        gr.Markdown("# GAN Playground")
        with gr.Tab("2D GAN Lab"):
            outputs = lab2d.build()
        with gr.Tab("2D experiments") as experiments_tab:
            experiments2d.build(experiments_tab)
        with gr.Tab("GAN dynamics (Dirac-GAN)") as dirac_tab:
            dirac_view.build(dirac_tab)
        with gr.Tab("Latent walk (faces DCGAN)") as walk_tab:
            latent_walk.build(walk_tab)
        with gr.Tab("Style transfer"):
            style_transfer.build()
        with gr.Tab("Image-to-image") as img2img_tab:
            img2img.build(img2img_tab)
        with gr.Tab("Image lab (digits)"):
            image_lab.build()
        lab2d.attach(demo, outputs)
    return demo


def launch(demo: gr.Blocks, **kwargs) -> None:
    demo.queue(default_concurrency_limit=8).launch(**kwargs)


if __name__ == "__main__":
    launch(build_app())
