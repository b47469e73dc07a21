"""GAN Playground: `python app.py` serves the app (honours GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from playground import lab2d  # noqa: E402


def build_app() -> gr.Blocks:
    with gr.Blocks(title="GAN Playground") as demo:
        gr.Markdown("# GAN Playground")
        with gr.Tab("2D GAN Lab"):
            lab2d.build()
    return demo


if __name__ == "__main__":
    build_app().queue(default_concurrency_limit=4).launch()
