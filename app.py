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
from playground import (dirac_view, experiments2d, image_lab, img2img, lab2d, latent_walk, limits,  # noqa: E402
                        queue_guard, style_transfer)

threads.limit(1)  # every pool (torch, OpenMP, BLAS): the nets are tiny and sessions run in parallel


def build_app() -> gr.Blocks:
    gr.set_static_paths([lab2d.PLOTLY_JS])  # plotly.js from the installed plotly package: no CDN needed
    with gr.Blocks(title="GAN Playground", delete_cache=limits.GRADIO_CACHE_CLEANUP) as demo:
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


def lab_workers() -> int:
    """Worker processes for the 2D lab's runs (playground/lab_workers.py): one per core where there are several,
    none (runs in this process) on one core. GAN_PLAYGROUND_LAB_WORKERS overrides."""
    cores = os.cpu_count() or 1
    return int(os.environ.get("GAN_PLAYGROUND_LAB_WORKERS", cores if cores > 1 else 0))


def launch(demo: gr.Blocks, queue_max: int = limits.QUEUE_MAX, workers: int | None = None, **kwargs):
    """Serve with the app's limits (playground/limits.py). Nothing outside Gradio's own files and plotly.js
    (set_static_paths in build_app) is served: no allowed_paths."""
    lab2d.start(lab_workers() if workers is None else workers)
    demo.queue(default_concurrency_limit=limits.CONCURRENCY, max_size=queue_max)
    queue_guard.cap_per_page(demo, limits.QUEUED_PER_PAGE)
    return demo.launch(max_file_size=limits.MAX_FILE_SIZE, **kwargs)


if __name__ == "__main__":
    launch(build_app())
