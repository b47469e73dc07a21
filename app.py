"""GAN Playground: `python app.py` serves the app (honours GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# One thread per BLAS/OpenMP call, set before numpy and torch load: the nets are tiny, sessions run in parallel
# threads, and multi-threaded BLAS on 64-wide matrices only adds synchronisation.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import threading  # noqa: E402

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from models import device, preload  # noqa: E402

from toy2d import threads  # noqa: E402
from playground import gradio_patches, header, i18n, limits, model_errors  # noqa: E402
from playground.gate import Gate  # noqa: E402
from playground.lab import cluster  # noqa: E402
from playground.lab.runs import Registry  # noqa: E402
from playground.tabs import Page, dirac, experiments2d, digit_gans, img2img, lab2d, latent_walk  # noqa: E402
from playground.tabs import classroom, doodles, stargan, style_transfer, stylegan, super_resolution  # noqa: E402
from playground.services.classes import Classes  # noqa: E402

threads.limit(1)  # every pool (torch, OpenMP, BLAS): the nets are tiny and sessions run in parallel

TABS = [("tab.experiments2d", experiments2d), ("tab.dirac", dirac), ("tab.latent_walk", latent_walk),
        ("tab.style_transfer", style_transfer), ("tab.img2img", img2img), ("tab.stargan", stargan),
        ("tab.stylegan", stylegan), ("tab.super_resolution", super_resolution),
        ("tab.digit_gans", digit_gans)]


def build_app(registry: Registry | None = None, classes: Classes | None = None) -> gr.Blocks:
    """The whole page. The 2D lab's runs live in ``registry`` (a new one by default), the open classes in
    ``classes``; the built lab tab is kept as ``demo.lab`` so launch() can start its workers."""
    gr.set_static_paths([lab2d.PLOTLY_JS])  # plotly.js from the installed plotly package: no CDN needed
    with gr.Blocks(title="GAN Playground", delete_cache=limits.GRADIO_CACHE_CLEANUP) as demo:
        header.create()
        with gr.Tab(i18n.text("tab.lab2d")) as tab:
            join = classroom.join_box()  # a student's way into a class, above the lab (pages opened with ?class=)
            demo.lab = lab2d.create(Page(demo, tab), registry or Registry())
        class_mode = classroom.ClassMode(demo.lab, classes or Classes(), doodles.TeacherDoodles)
        class_mode.wire_join(join, Page(demo, tab))
        for title, module in TABS:
            with gr.Tab(i18n.text(title)) as tab:
                module.create(Page(demo, tab))
        with gr.Tab(i18n.text("tab.doodles"), elem_id="tab-doodles") as tab:
            doodles.create(Page(demo, tab), class_mode.classes)  # a class's pages draw into the class's pool
        with gr.Tab(i18n.text("tab.classroom"), elem_id="tab-classroom") as tab:
            classroom.create(Page(demo, tab), class_mode)
        with gr.Accordion(i18n.text("app.models"), open=False, elem_id="gp-models"):
            gr.Markdown(model_errors.server_models)  # read at each page load: a teacher checks it before class
    return demo


def lab_workers() -> int:
    """Worker processes for the 2D lab's runs (playground/lab/workers.py): one per core this process may use (the
    container's quota, not the host's count) where there are several, none (runs in this process) on one core.
    GAN_PLAYGROUND_LAB_WORKERS overrides."""
    cores = threads.usable_cpus()
    return int(os.environ.get("GAN_PLAYGROUND_LAB_WORKERS", cores if cores > 1 else 0))


def launch(demo: gr.Blocks, queue_max: int = limits.QUEUE_MAX, workers: int | None = None, **kwargs):
    """Serve with the app's limits (playground/limits.py), every request through the front door (playground/gate.py).
    Nothing outside Gradio's own files and plotly.js (set_static_paths in build_app) is served: no allowed_paths.
    The 2D lab's workers and its frame route come with ``demo``'s lab (a test's small app may not have one)."""
    gradio_patches.install()
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    app_kwargs["middleware"] = [Middleware(Gate), *app_kwargs.get("middleware", [])]
    if hasattr(demo, "lab"):
        ray_address = cluster.address()  # a Ray cluster's actors (one per CPU it has), or this machine's processes
        demo.lab.start(workers if workers is not None else 0 if ray_address else lab_workers(), ray_address)
        app_kwargs["routes"] = [*app_kwargs.get("routes", []), *demo.lab.routes()]  # ahead of Gradio's own
    kwargs["app_kwargs"] = app_kwargs
    demo.queue(default_concurrency_limit=limits.CONCURRENCY, max_size=queue_max)
    gradio_patches.cap_queue(demo, limits.QUEUED_PER_PAGE, limits.QUEUED_PER_ADDRESS)
    kwargs.setdefault("max_threads", limits.JOB_SLOTS)
    kwargs.setdefault("state_session_capacity", limits.SESSIONS_KEPT)
    # Spaces turn Gradio's server-side rendering on by default; the lab's view is the page's own script
    # (gr.HTML js_on_load) and has only ever run rendered in the browser, so say it here rather than inherit it.
    kwargs.setdefault("ssr_mode", False)
    kwargs.setdefault("css", header.PAGE_CSS)  # page-wide rules (Gradio 6 takes them at launch)
    kwargs.setdefault("i18n", i18n.I18N)  # component text in the page's language (playground/i18n.py)
    # Gradio's "Runs" link (run history saved in the browser) has no translation and nothing of ours to show
    kwargs.setdefault("footer_links", ["api", "gradio", "settings"])
    preload_weights()
    return demo.launch(max_file_size=limits.MAX_FILE_SIZE, **kwargs)


def preload_weights() -> None:
    """On a Space (SPACE_ID is set there) or where GAN_PLAYGROUND_PRELOAD=1: the image tabs' weights before the
    first visitor asks. ZeroGPU: fetched and loaded now, before serving and outside any GPU call (its rule);
    elsewhere fetched in the background, so the app answers at once."""
    if not (os.environ.get("SPACE_ID") or os.environ.get("GAN_PLAYGROUND_PRELOAD") == "1"):
        return
    if device.zero_gpu():
        preload.load_all()
    else:
        threading.Thread(target=preload.fetch_all, name="preload-weights", daemon=True).start()


if __name__ == "__main__":
    launch(build_app())
