"""GAN Playground: `python app.py` serves the app (honours GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# One thread per BLAS/OpenMP call, set before numpy and torch load: the nets are tiny, sessions run in parallel
# threads, and multi-threaded BLAS on 64-wide matrices only adds synchronisation (measured: the default 2D run's
# iteration 4.6 → 3.3 ms on the 2-core machine).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import gradio as gr  # noqa: E402

from toy2d import threads  # noqa: E402
from playground import dirac_view, experiments2d, image_lab, img2img, lab2d, latent_walk, style_transfer  # noqa: E402

threads.limit(1)  # every pool (torch, OpenMP, BLAS): the nets are tiny and sessions run in parallel


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


# Limits chosen for a classroom of ~30 on one Space: eight events run at once (each tab sets tighter limits on its
# heavy events), up to 64 wait; beyond that Gradio answers at once with "This application is currently busy.
# Please try again." instead of letting waits grow. Uploads above 25 MB are refused before they reach our code:
# the largest picture we accept (40 MP) fits as a JPEG, and nothing we read needs more.
CONCURRENCY = 8
QUEUE_MAX = 64
MAX_FILE_SIZE = "25mb"


def lab_workers() -> int:
    """Worker processes for the 2D lab's runs (playground/lab_workers.py): one per core where there are several,
    none (runs in this process) on one core. GAN_PLAYGROUND_LAB_WORKERS overrides."""
    cores = os.cpu_count() or 1
    return int(os.environ.get("GAN_PLAYGROUND_LAB_WORKERS", cores if cores > 1 else 0))


def launch(demo: gr.Blocks, queue_max: int = QUEUE_MAX, workers: int | None = None, **kwargs):
    """Serve with the app's limits. Nothing outside Gradio's own files and plotly.js (set_static_paths in
    build_app) is served: no allowed_paths."""
    lab2d.SESSIONS.start_workers(lab_workers() if workers is None else workers)
    return demo.queue(default_concurrency_limit=CONCURRENCY, max_size=queue_max).launch(
        max_file_size=MAX_FILE_SIZE, **kwargs)


if __name__ == "__main__":
    launch(build_app())
