"""The live 2D GAN Lab tab: Gradio wiring only. What each action does lives in session.LabSession.

Frames travel outside Gradio's event queue: the page's own loop calls the `tick` server function (one HTTP request:
train `speed` iterations, return a compact frame) and paints it, then asks again. So the frame rate follows what the
browser can paint, no backlog builds up, and training pauses by itself when the page stops asking (paused, hidden,
closed). Settings, presets, uploads and files go through ordinary Gradio events, which push a frame into the view's
value.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import gradio as gr
import plotly

from toy2d import distributions, losses, nets, pointsio
from toy2d.config import NOISE_TYPES, OPTIMIZERS, TrainConfig
from toy2d.presets import PRESET_NAMES, PRESETS, resolve

from . import exports, limits, messages
from .lab_workers import RunLost
from .payload import FrameRequest
from .render import save_gif
from .session import LabSession, Registry, ServerFull, default_config

STATIC = Path(__file__).parent / "static"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SESSIONS = Registry()
log = logging.getLogger(__name__)


def frame_slots(workers: int) -> int:
    """Frames computed at once. In this process, one per core: measured here, 4 pages got 56 frames/s in all but 8
    pages only 37 when every request computed at once (threads contending for the interpreter). With worker
    processes, two per worker: each computes one frame at a time, and the second is its next one, ready."""
    if "GAN_PLAYGROUND_FRAME_SLOTS" in os.environ:
        return int(os.environ["GAN_PLAYGROUND_FRAME_SLOTS"])
    return 2 * workers if workers > 0 else os.cpu_count() or 2


def start(workers: int) -> None:
    """Run the lab's runs in ``workers`` processes (0: in this one), with the frame slots to match."""
    SESSIONS.start_workers(workers)
    FRAME_LIMITER.total_tokens = frame_slots(workers)


# ---- the settings panel: one component per TrainConfig field ------------------------------------------------------
# (field, label, kind, choices); kinds: choice, int, float, bool
FIELDS: list[tuple[str, str, str, Any]] = [
    ("data", "data set", "choice", list(distributions.NAMES)),
    ("seed", "seed", "int", None),
    ("noise_dim", "noise dimensions", "int", None),
    ("noise", "noise", "choice", list(NOISE_TYPES)),
    ("g_depth", "G hidden layers", "int", None),
    ("g_width", "G neurons per layer", "int", None),
    ("g_act", "G activation", "choice", list(nets.ACTIVATIONS)),
    ("d_depth", "D hidden layers", "int", None),
    ("d_width", "D neurons per layer", "int", None),
    ("d_act", "D activation", "choice", list(nets.ACTIVATIONS)),
    ("d_spectral_norm", "spectral norm on D", "bool", None),
    ("loss", "loss", "choice", list(losses.LOSS_NAMES)),
    ("gp_lambda", "gradient penalty λ (WGAN-GP)", "float", None),
    ("clip", "weight clip (WGAN)", "float", None),
    ("r1_gamma", "R1 penalty γ (0 = off)", "float", None),
    ("r1_every", "R1 every k D steps", "int", None),
    ("unrolled_k", "unrolled D steps (0 = off)", "int", None),
    ("opt_d", "D optimiser", "choice", list(OPTIMIZERS)),
    ("lr_d", "D learning rate", "float", None),
    ("beta1_d", "D β1", "float", None),
    ("beta2_d", "D β2 (RMSprop α)", "float", None),
    ("opt_g", "G optimiser", "choice", list(OPTIMIZERS)),
    ("lr_g", "G learning rate", "float", None),
    ("beta1_g", "G β1", "float", None),
    ("beta2_g", "G β2 (RMSprop α)", "float", None),
    ("k_d", "D steps per iteration (kD)", "int", None),
    ("k_g", "G steps per iteration (kG)", "int", None),
    ("batch", "batch size", "int", None),
    ("g_ema", "G weight EMA (0 = off)", "float", None),
    ("lr_decay_steps", "cosine lr decay over (0 = off)", "int", None),
]
FIELD_NAMES = [f[0] for f in FIELDS]
GROUPS = [("Data", ["data", "seed"]),
          ("Generator", ["noise_dim", "noise", "g_depth", "g_width", "g_act"]),
          ("Discriminator", ["d_depth", "d_width", "d_act", "d_spectral_norm"]),
          ("Loss and regularisers", ["loss", "gp_lambda", "clip", "r1_gamma", "r1_every", "unrolled_k"]),
          ("Optimisers", ["opt_d", "lr_d", "beta1_d", "beta2_d", "opt_g", "lr_g", "beta1_g", "beta2_g", "k_d",
                          "k_g", "batch", "g_ema", "lr_decay_steps"])]


def config_from_values(values: list[Any], current: TrainConfig) -> TrainConfig:
    """The config the panel shows. Keeps the current point cloud; raises ValueError naming a bad field."""
    d: dict[str, Any] = {}
    for (name, label, kind, _), v in zip(FIELDS, values):
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            raise ValueError(f"{label}: enter a number")
        if kind == "int":
            if float(v) != int(v):
                raise ValueError(f"{label} must be a whole number, got {v}")
            v = int(v)
        elif kind == "float":
            v = float(v)
        d[name] = v
    if d["data"] != "points":
        d["points"] = None
    elif current.points is None:
        raise ValueError("the 'points' data set needs your own points: draw them on the plot or upload a CSV")
    return current.updated(d).validate()


def values_of(config: TrainConfig) -> list[Any]:
    return [getattr(config, name) for name in FIELD_NAMES]


def view_value(session: LabSession, message: str = "") -> str:
    """The view component's value: a frame to draw and a message to show."""
    frame = session.page_payload(have_run=-1)  # full frame with real points and all chart rows
    return json.dumps({"message": message, "frame": frame, "token": session.token, "nonce": os.urandom(4).hex()})


def _session(request: gr.Request) -> LabSession:
    """The page's run; a full server is a message in the page, not a traceback."""
    try:
        return SESSIONS.get(request.session_hash or "anonymous")
    except ServerFull as exc:
        raise messages.error(str(exc)) from None


def _reply(session: LabSession, message: str) -> list:
    return [view_value(session, message), *values_of(session.config)]


# ---- event handlers (plain functions of values → values, tested without a browser) ----------------------------
def on_load(request: gr.Request) -> list:
    """A new page: settings from the URL if it has any (a shared link), else the default run."""
    query = {k: v for k, v in dict(request.query_params).items() if k in set(FIELD_NAMES) | {"points"}}
    message, config = "", None
    if query:
        try:
            config = TrainConfig.from_query(urlencode(query)).validate()
            message = "Settings restored from the link."
        except ValueError as exc:  # said in the lab's own line: a page load runs outside the queue, which
            message = f"⚠ The link's settings were not used: {exc}"  # carries Gradio's toasts
    try:
        session = SESSIONS.get(request.session_hash or "anonymous", config)
    except ServerFull as exc:
        return [json.dumps({"message": f"⚠ {exc}", "nonce": os.urandom(4).hex()}),
                *values_of(config or default_config())]
    if config is not None and session.config != config:
        session.restart(config)
    return _reply(session, message)


def on_unload(request: gr.Request) -> None:
    SESSIONS.drop(request.session_hash or "anonymous")


def on_settings(request: gr.Request, *values: Any) -> list:
    """Any field of the panel changed (Gradio puts the request first: it is the one annotated parameter)."""
    session = _session(request)
    try:
        config = config_from_values(values, session.config)
        message = session.change(config)
    except (ValueError, TypeError) as exc:
        messages.warning(str(exc))
        return [gr.update(), *values_of(session.config)]  # put the panel back to the run's settings
    if not message:
        return [gr.update()] * (1 + len(FIELDS))
    return _reply(session, message)


def on_preset(name: str, request: gr.Request) -> list:
    session = _session(request)
    if name not in PRESETS:
        return [gr.update(), *values_of(session.config)]
    config, _ = resolve(preset=name)
    session.restart(config)
    p = PRESETS[name]
    pair = f" Compare with “{p.pair}”." if p.pair else ""
    return _reply(session, f"{name}: {p.explanation}{pair}")


def on_recommended(data: str, loss: str, request: gr.Request) -> list:
    """The tuned recipe for the chosen data set and loss (presets.resolve), keeping the user's points."""
    session = _session(request)
    try:
        config, _ = resolve(data, loss, overrides={"points": session.config.points} if data == "points" else None)
    except ValueError as exc:
        messages.warning(str(exc))
        return [gr.update(), *values_of(session.config)]
    session.restart(config)
    return _reply(session, f"Recommended settings for {data} with the {loss} loss.")


def use_points(points: Any, session: LabSession, source: str) -> str:
    """Restart on a user point cloud; ValueError (nothing changed) if it is not usable."""
    arr = distributions.validate_points(points)
    session.restart(session.config.replace(data="points", points=tuple(map(tuple, arr.tolist()))).validate())
    return f"Training on {len(arr):,} {source}."


def on_drawn(evt: gr.EventData, request: gr.Request) -> list:
    session = _session(request)
    try:
        message = use_points(getattr(evt, "points", None) or [], session, "drawn points")
    except (ValueError, TypeError) as exc:
        messages.warning(f"Drawing not used: {exc}")
        return [gr.update(), *values_of(session.config)]
    return _reply(session, message)


def on_csv(path: str | None, request: gr.Request) -> list:
    session = _session(request)
    try:
        if not path:
            raise ValueError("no file received")
        message = use_points(pointsio.read_points_csv(path), session, "uploaded points")
    except ValueError as exc:
        messages.warning(f"CSV not used: {exc}")
        return [gr.update(), *values_of(session.config)]
    return _reply(session, message)


def _export(request: gr.Request, filename: str) -> Path:
    return exports.new_path(request.session_hash or "anonymous", filename)


def on_save(request: gr.Request) -> str:
    session = _session(request)
    return session.save_to(str(_export(request, "run.pt").parent))


def on_load_run(path: str | None, request: gr.Request) -> list:
    session = _session(request)
    try:
        if not path:
            raise ValueError("no file received")
        iteration = session.load_file(path)
    except ValueError as exc:
        messages.warning(f"Run not loaded: {exc}")
        return [gr.update(), *values_of(session.config)]
    return _reply(session, f"Loaded a run at iteration {iteration}.")


def on_metrics_csv(request: gr.Request) -> str:
    session = _session(request)
    path = _export(request, f"gan2d-metrics-run{session.run_id}.csv")
    path.write_text(session.metrics_csv())
    return str(path)


def on_gif(request: gr.Request, progress: gr.Progress = gr.Progress()) -> str:
    session = _session(request)
    frames, real = session.recording()
    if not frames:
        raise messages.error("Nothing recorded yet: press Play first, then export.")
    path = _export(request, f"gan2d-run{session.run_id}.gif")
    save_gif(frames, real, str(path), progress=lambda i, n: progress(i / n, desc=f"frame {i}/{n}"))
    return str(path)


# ---- server functions called by the page's own loop --------------------------------------------------------------
# Gradio passes a server function the page's arguments as one value (here a list) and no session hash: the page
# names its session by the token it got with its first frame (view_value). Gradio awaits an async server function
# in its event loop and runs a plain one on the thread pool that page loads and every other tab share: so `tick` is
# async and computes on threads of its own limiter. Frames then wait for each other, never for anything else.
_in_flight: dict[str, asyncio.Event] = {}  # token → set when its frame is done (touched from the event loop only)
FRAME_LIMITER = anyio.CapacityLimiter(frame_slots(0))


def frame_reply(request: FrameRequest) -> str:
    """One frame for the page, as JSON. Errors come back as {"error": …}, never as a traceback."""
    session = SESSIONS.by_token(request.token)
    if session is None:
        return json.dumps({"error": "This page's run has ended: the server restarted, or the page was away for "
                                    f"over {SESSIONS.idle_s / 60:.0f} minutes. Reload the page to start again."})
    try:
        SESSIONS.share_budget(session)
        p = session.page_payload(request.have_losses, request.have_metrics, request.have_run, request.action,
                                 request.n)
    except (ValueError, TypeError, RunLost) as exc:
        return json.dumps({"error": str(exc)})
    except Exception as exc:  # noqa: BLE001 — a fault in one page's run must reach that page, not the server
        log.exception("the 2D lab's frame failed")
        return json.dumps({"error": f"This run hit an internal error and was paused ({type(exc).__name__}: "
                                    f"{exc}). Press Reset to start again."})
    return json.dumps(p)


async def tick(args: Any) -> str:
    """The page's frame request ([token, action, n, have_losses, have_metrics, have_run]). At most one frame per
    page is computed at a time: a second request while one is under way waits for it and at least
    limits.BUSY_REPLY_S (no thread, no work), then is answered {"busy": true}. The page never sends one (it waits
    for its own frames); a client firing requests in parallel is slowed to one answer a second per connection."""
    try:
        request = FrameRequest.parse(args)
    except ValueError as exc:
        return json.dumps({"error": f"Bad frame request: {exc}"})
    under_way = _in_flight.get(request.token)
    if under_way is not None:
        await asyncio.gather(under_way.wait(), asyncio.sleep(limits.BUSY_REPLY_S))
        return json.dumps({"busy": True})
    _in_flight[request.token] = done = asyncio.Event()
    try:
        return await anyio.to_thread.run_sync(frame_reply, request, limiter=FRAME_LIMITER)
    finally:
        del _in_flight[request.token]
        done.set()


async def alive(token: Any) -> str:
    """The open page's ping (every limits.PAGE_PING_S): keeps its run from being freed as idle while paused."""
    return json.dumps(SESSIONS.by_token(str(token)[:64]) is not None)


def fields(_args: Any = None) -> str:
    """The URL parameters the page owns (others, e.g. a host's, are left alone)."""
    return json.dumps(FIELD_NAMES + ["points"])


# ---- layout ----------------------------------------------------------------------------------------------------------
def _component(name: str, label: str, kind: str, choices: Any, value: Any) -> gr.components.Component:
    if kind == "choice":
        return gr.Dropdown(choices, value=value, label=label, elem_id=f"lab-{name}")
    if kind == "bool":
        return gr.Checkbox(value=value, label=label, elem_id=f"lab-{name}")
    return gr.Number(value=value, label=label, precision=0 if kind == "int" else None, elem_id=f"lab-{name}")


def head() -> str:
    return f'<script src="gradio_api/file={PLOTLY_JS}"></script>'


def build() -> list:
    """Lay the tab out inside the current gr.Blocks context; returns the outputs that attach() needs."""
    config = default_config()
    view = gr.HTML(
        value="", html_template=(STATIC / "lab2d.html").read_text(), css_template=(STATIC / "lab2d.css").read_text(),
        js_on_load=(STATIC / "lab2d.js").read_text().replace("__PING_MS__", str(round(limits.PAGE_PING_S * 1000))), server_functions=[tick, alive, fields], elem_id="lab-view",
        head=head())
    with gr.Row():
        preset = gr.Dropdown(["choose a teaching scenario…", *PRESET_NAMES], value="choose a teaching scenario…",
                             label="preset", elem_id="lab-preset", scale=2)
        recommended = gr.Button("Recommended settings for this data set and loss", scale=1)
    components: dict[str, gr.components.Component] = {}
    with gr.Row():
        for title, names in GROUPS:
            with gr.Column(min_width=200):
                with gr.Accordion(title, open=title in ("Data", "Loss and regularisers", "Optimisers")):
                    for name in names:
                        spec = next(f for f in FIELDS if f[0] == name)
                        components[name] = _component(*spec, getattr(config, name))
    with gr.Accordion("Your data, files and export", open=False):
        with gr.Row():
            csv = gr.File(label="Upload a CSV of x,y points", file_types=[".csv", ".txt"], type="filepath")
            run_file = gr.File(label="Load a saved run (.pt)", file_types=[".pt"], type="filepath")
            download = gr.File(label="Download", interactive=False)
        with gr.Row():
            save = gr.Button("Save run (model + settings)")
            metrics_csv = gr.Button("Metrics as CSV")
            gif = gr.Button("Export animated GIF of the view")
    fields_out = [components[n] for n in FIELD_NAMES]
    outputs = [view, *fields_out]
    for name, comp in components.items():
        events = [comp.input] if isinstance(comp, (gr.Dropdown, gr.Checkbox)) else [comp.submit, comp.blur]
        for event in events:
            event(on_settings, fields_out, outputs, concurrency_limit=None, trigger_mode="always_last")
    preset.input(on_preset, preset, outputs)
    recommended.click(on_recommended, [components["data"], components["loss"]], outputs)
    view.submit(on_drawn, None, outputs)
    csv.upload(on_csv, csv, outputs)
    run_file.upload(on_load_run, run_file, outputs)
    save.click(on_save, None, download)
    metrics_csv.click(on_metrics_csv, None, download)
    gif.click(on_gif, None, download, concurrency_limit=2)
    return outputs


def attach(demo: gr.Blocks, outputs: list) -> None:
    """Page-level events: restore a shared link on load, free the session on close."""
    demo.load(on_load, None, outputs, queue=False)  # a new page never waits behind other people's events
    demo.unload(on_unload)
