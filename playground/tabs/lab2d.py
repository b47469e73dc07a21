"""The live 2D GAN Lab tab: Gradio wiring only. What each action does lives in lab_session.LabSession.

Frames travel outside Gradio's event queue, by one channel: the page's own loop POSTs a frame_protocol.FrameRequest to
the lab's own route (FRAME_ROUTE, added to the app by app.launch: a plain Starlette route costs a fraction of a Gradio
server-function call) and gets a packed LabFrame back, paints it, then asks again. Where the app was launched without
the route (a plain demo.launch()), the page calls the `tick` server function instead, which answers the same bytes in
base64. So the frame rate follows what the browser can paint, no backlog builds up, and training pauses by itself when
the page stops asking (paused, hidden, closed). Settings, presets, uploads and files go through ordinary Gradio events;
their reply puts a message (and a fresh nonce) into the view's value, and the page then asks `tick` for a frame.

The panel is made from the settings table (toy2d/settings.py): one component per declared TrainConfig setting.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import anyio
import gradio as gr
import plotly
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toy2d import distributions, pointsio, settings, threads
from toy2d.config import SETTINGS, TrainConfig
from toy2d.presets import PRESET_NAMES, PRESETS, resolve

from playground import clients, exports, host, i18n, limits, messages, uploads
from playground.fields import picked
from playground.lab.protocol import BUSY_REPLY, FrameRequest, error_reply
from playground.lab.session import Run, default_config
from playground.lab.workers import RunLost
from playground.lab.runs import Registry, ServerFull
from playground.pictures.lab_view import save_gif
from playground.upload_cache import UPLOADS
from playground.tabs import Page

STATIC = Path(__file__).parents[1] / "static"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PANEL = [s for s in SETTINGS if s.panel]
TABLE = settings.by_name(TrainConfig)
FIELD_NAMES = [s.name for s in PANEL]
OPEN_GROUPS = ("Data", "Loss and regularisers", "Optimisers")
# Beside the view: what a teacher changes most (with the preset); the rest sit in the groups below, one click away.
QUICK = (("data",), ("loss",), ("lr_d", "lr_g"), ("k_d", "k_g"))
QUICK_NAMES = [n for row in QUICK for n in row]
SETTINGS_AT_ONCE = 8  # settings changes of all pages applied at once (the panel's events share one queue slot set)
FRAME_ROUTE = "/lab/frame"  # where the page POSTs its frame requests (relative to the page: works under a proxy path)
log = logging.getLogger(__name__)


def frame_slots(workers: int) -> int:
    """Frames computed at once: one per core in this process (threads contend for the interpreter beyond that);
    two per worker process, where each computes one frame at a time and the second is its next one, ready."""
    if "GAN_PLAYGROUND_FRAME_SLOTS" in os.environ:
        return int(os.environ["GAN_PLAYGROUND_FRAME_SLOTS"])
    return 2 * workers if workers > 0 else threads.usable_cpus()


def group_id(title: str) -> str:
    """The settings group's element id: the model overview's boxes open it by this (lab2d.js)."""
    return "lab-group-" + re.sub(r"[^a-z]+", "-", title.lower())


def config_from_values(values: list[Any] | tuple, current: TrainConfig) -> TrainConfig:
    """The config the panel shows. Keeps the current point cloud; raises ValueError naming a bad field."""
    d: dict[str, Any] = {}
    for s, v in zip(PANEL, values):
        d[s.name] = s.parse(v)
    if d["data"] != "points":
        d["points"] = None
    elif current.points is None:
        raise ValueError("the 'points' data set needs your own points: draw them on the plot or upload a CSV")
    return current.updated(d).validate()


def values_of(config: TrainConfig) -> list[Any]:
    return [getattr(config, name) for name in FIELD_NAMES]


def _stands_alone(i: int, value: Any, current: TrainConfig) -> bool:
    """Whether the panel's field ``i`` at ``value``, every other setting as the run has it, is a valid config."""
    values = values_of(current)
    values[i] = value
    try:
        config_from_values(values, current)
    except (ValueError, TypeError):
        return False
    return True


def _same(sent: Any, applied: Any) -> bool:
    """The page shows what the run applied (2 and 2.0 are the same number in the box)."""
    return sent == applied and isinstance(sent, bool) == isinstance(applied, bool)


def view_value(session: Run | None, message: str = "", route: str | None = None) -> str:
    """The view component's value: a message, the run's token and where to ask for frames (None: the `tick` server
    function). The page then asks for a frame."""
    return json.dumps({"message": message, "token": None if session is None else session.token, "route": route,
                       "applies": None if session is None else settings.applicable(session.config),
                       "nonce": os.urandom(4).hex()})


def _component(s: settings.Setting, value: Any, min_width: int = 160, info: bool = True) -> gr.components.Component:
    """``info=False`` for the compact fields beside the view: a value out of range still says the range."""
    elem_id, label = f"lab-{s.name}", i18n.text(f"setting.{s.name}")
    info = None if s.kind in ("choice", "bool") or not info else i18n.text(f"setting.{s.name}.range")
    if s.kind == "choice":
        return gr.Dropdown(i18n.choices(s.choices), value=value, label=label, elem_id=elem_id, min_width=min_width)
    if s.kind == "bool":
        return gr.Checkbox(value=value, label=label, elem_id=elem_id, min_width=min_width)
    # no precision: Gradio would round 2.5 to 2 before the handler sees it, silently; the setting refuses it
    return gr.Number(value=value, label=label, elem_id=elem_id,
                     info=info, min_width=min_width)


# Page-wide rules, which the component's own (scoped) css_template cannot make: presentation mode (lab2d.js
# setPresent) lifts the view out of the page over everything else; the fields beside the view are compact enough
# to sit beside it on a 768-px-high screen.
PAGE_CSS = ("body.gp-present { overflow: hidden; } body.gp-present #lab-view { position: fixed; inset: 0; "
            "z-index: 1000; margin: 0; padding: 12px 18px; overflow: auto; background: var(--body-background-fill, "
            "white); } body.gp-present #lab-view .modebar-container { display: none; } "
            "#lab-quick, #lab-quick .row { gap: 8px; } #lab-quick .block { padding: 6px 10px; }")


def head() -> str:
    return f'<script src="gradio_api/file={PLOTLY_JS}"></script><style>{PAGE_CSS}</style>'


class Lab:
    """The tab's handlers over one Registry of runs (app.py builds it; tests build their own)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        # Frames wait for each other on this limiter, never for the thread pool page loads and other tabs share.
        self.limiter = anyio.CapacityLimiter(frame_slots(0))
        self._in_flight: dict[str, asyncio.Event] = {}  # token → set when its frame is done (event loop only)
        self._settings_turns: dict[str, list] = {}  # page → [its lock, its newest change's number] (event loop only)
        self.changes = anyio.CapacityLimiter(4)  # settings changes applied at once, all pages together
        self.route: str | None = None  # FRAME_ROUTE (relative) once routes() has been added to the app
        self.outputs: list[gr.components.Component] = []  # the view and the panel's fields (layout)
        # class mode's hook (tabs/classroom.py): a page opened with ?class=CODE arrives in that class
        self.arrive: Callable[[str, str], object] = lambda code, page: None

    def routes(self) -> list[Route]:
        """The lab's own routes, for the app (app.launch passes them to Gradio's FastAPI app, ahead of its own)."""
        self.route = FRAME_ROUTE.lstrip("/")
        return [Route(FRAME_ROUTE, self._frame_route, methods=["POST"])]

    def start(self, workers: int, ray_address: str | None = None) -> None:
        """Run the lab's runs in ``workers`` processes (0: in this one), or on the Ray cluster at ``ray_address``,
        with the frame slots to match."""
        self.registry.start_workers(workers, ray_address)
        self.limiter.total_tokens = frame_slots(self.registry.worker_count())

    # ---- event handlers (plain functions of values → values, tested without a browser) ----------------------
    def _session(self, request: gr.Request) -> Run:
        """The page's run; a full server is a message in the page, not a traceback."""
        try:
            return self.registry.get(request.session_hash or "anonymous", address=clients.of_request(request))
        except ServerFull as exc:
            raise messages.error(exc) from None

    def _reply(self, session: Run, message: "str | i18n.Phrase", request: gr.Request) -> list:
        """The view's value with ``message`` in the page's language, and the panel's values."""
        text = i18n.in_lang(message, i18n.lang_of(request.headers))
        return [view_value(session, text, self.route), *values_of(session.config)]

    def page_reply(self, message: "str | i18n.Phrase", request: gr.Request) -> list:
        """The values of ``outputs`` for the page's run as it is now, with ``message`` (for other tabs' events that
        changed the run, e.g. joining a class)."""
        return self._reply(self._session(request), message, request)

    def _unchanged(self, session: Run) -> list:
        """Nothing happened: the panel goes back to the run's settings."""
        return [gr.update(), *values_of(session.config)]

    def on_load(self, request: gr.Request) -> list:
        """A new page: settings from the URL if it has any (a shared link), else the default run."""
        query = {k: v for k, v in dict(request.query_params).items() if k in set(FIELD_NAMES) | {"points"}}
        message, config = "", None
        if query:
            try:
                config = TrainConfig.from_query(urlencode(query)).validate()
                message = i18n.phrase("lab.msg.link_restored")
            except ValueError as exc:  # said in the lab's own line: a page load runs outside the queue, which
                message = i18n.phrase("lab.msg.link_refused", reason=i18n.because(exc))  # carries Gradio's toasts
        page = request.session_hash or "anonymous"
        code = dict(request.query_params).get("class")
        if code:  # a student's page opened with the class's link takes one of the places the class keeps
            self.arrive(str(code)[:32], page)
        try:
            session = self.registry.get(page, config, address=clients.of_request(request))
        except ServerFull as exc:
            said = "⚠ " + i18n.in_lang(exc, i18n.lang_of(request.headers))
            return [view_value(None, said, self.route), *values_of(config or default_config())]
        if config is not None and session.config != config:
            session.restart(config)
        return self._reply(session, message, request)

    def on_unload(self, request: gr.Request) -> None:
        self.registry.drop(request.session_hash or "anonymous")

    async def on_settings_event(self, request: gr.Request, *values: Any) -> list:
        """``on_settings`` one at a time per page, the newest first: while a change of a page is applied, its later
        changes wait on the event loop (no thread), and only the newest of them is applied. 120 changes sent at
        once by one page (with a big point cloud) took the pages on its worker from 21 to 0.8 frames/s."""
        page = request.session_hash or "anonymous"
        turn = self._settings_turns.setdefault(page, [asyncio.Lock(), 0])
        turn[1] += 1
        mine = turn[1]
        async with turn[0]:
            try:
                if mine != turn[1]:  # a newer change of this page is waiting: it carries every field
                    return [gr.update()] * (1 + len(PANEL))
                return await anyio.to_thread.run_sync(self.on_settings, request, *values, limiter=self.changes)
            finally:
                if mine == turn[1]:
                    self._settings_turns.pop(page, None)

    def on_settings(self, request: gr.Request, *values: Any) -> list:
        """Any field of the panel changed (Gradio puts the request first: it is the one annotated parameter).

        The reply writes only the fields whose value it changed: a refused value goes back to the run's, and nothing
        else is touched. A reply that wrote every field undid an edit made while it travelled (at 250 ms of
        latency, a kD typed right after D's learning rate went back to its old value, silently)."""
        session = self._session(request)
        values = list(values)
        refused = []
        try:
            config = config_from_values(values, session.config)
        except (ValueError, TypeError) as exc:
            # keep every edit that can stand alone; a refused value is said and goes back to the run's
            current = values_of(session.config)
            refused = [i for i in range(len(PANEL)) if values[i] != current[i]
                       and not _stands_alone(i, values[i], session.config)] or list(range(len(PANEL)))
            messages.warning(exc)
            values = [current[i] if i in refused else v for i, v in enumerate(values)]
            try:
                config = config_from_values(values, session.config)
            except (ValueError, TypeError):
                return self._unchanged(session)
        message = session.change(config)
        applied = values_of(session.config)
        panel = [gr.update(value=applied[i]) if i in refused or not _same(values[i], applied[i]) else gr.update()
                 for i in range(len(PANEL))]
        if not message:
            return [gr.update(), *panel]
        text = i18n.in_lang(message, i18n.lang_of(request.headers))
        return [view_value(session, text, self.route), *panel]

    def on_preset(self, name: str, request: gr.Request) -> list:
        session = self._session(request)
        if name not in PRESETS:
            return self._unchanged(session)
        session.restart(resolve(preset=name)[0])  # the view tells the preset's story (LabSession.story)
        title = i18n.phrase(f"preset.{name}.title")
        return self._reply(session, i18n.phrase("lab.msg.preset_loaded", name=title), request)

    def on_recommended(self, data: str, loss: str, request: gr.Request) -> list:
        """The tuned recipe for the chosen data set and loss (presets.resolve), keeping the user's points."""
        session = self._session(request)
        try:
            overrides = {"points": session.config.points} if data == "points" else None
            config, _ = resolve(data, loss, overrides=overrides)
        except ValueError as exc:
            messages.warning(exc)
            return self._unchanged(session)
        session.restart(config)
        return self._reply(session, i18n.phrase("lab.msg.recommended", data=data, loss=loss), request)

    def _use_points(self, points: Any, session: Run, said: str) -> i18n.Phrase:
        """Restart on a user point cloud, ``said`` (a catalogue key) with its count; ValueError (nothing changed)
        if it is not usable."""
        arr = distributions.validate_points(points)
        points = tuple(zip(arr[:, 0].tolist(), arr[:, 1].tolist()))  # a config's points: tuples (hashable)
        session.restart(session.config.replace(data="points", points=points).validate())
        return i18n.phrase(said, count=f"{len(arr):,}")

    def on_drawn(self, evt: gr.EventData, request: gr.Request) -> list:
        session = self._session(request)
        try:
            message = self._use_points(getattr(evt, "points", None) or [], session, "lab.msg.training_on_drawn")
        except (ValueError, TypeError) as exc:
            messages.warning(i18n.phrase("lab.msg.drawing_refused", reason=i18n.because(exc)))
            return self._unchanged(session)
        return self._reply(session, message, request)

    def on_csv(self, path: str | None, request: gr.Request) -> list:
        session = self._session(request)
        try:
            if not path:
                raise ValueError(i18n.phrase("lab.msg.no_file"))
            if not os.path.exists(path):
                raise ValueError(uploads.gone())
            message = self._use_points(pointsio.read_points_csv(path), session, "lab.msg.training_on_uploaded")
        except ValueError as exc:
            messages.warning(i18n.phrase("lab.msg.csv_refused", reason=i18n.because(exc)))
            return self._unchanged(session)
        finally:
            UPLOADS.done(path)  # read (or refused): the file goes now, not at the cache's next sweep
        return self._reply(session, message, request)

    @staticmethod
    def _export(request: gr.Request, filename: str) -> Path:
        return exports.new_path(request.session_hash or "anonymous", filename)

    def on_save(self, request: gr.Request) -> str:
        return self._session(request).save_to(str(self._export(request, "run.pt").parent))

    def on_load_run(self, path: str | None, request: gr.Request) -> list:
        session = self._session(request)
        try:
            if not path:
                raise ValueError(i18n.phrase("lab.msg.no_file"))
            if not os.path.exists(path):
                raise ValueError(uploads.gone())
            iteration = session.load_file(path)
        except ValueError as exc:
            messages.warning(i18n.phrase("lab.msg.run_refused", reason=i18n.because(exc)))
            return self._unchanged(session)
        finally:
            UPLOADS.done(path)
        return self._reply(session, i18n.phrase("lab.msg.run_loaded", iteration=iteration), request)

    def on_metrics_csv(self, request: gr.Request) -> str:
        session = self._session(request)
        path = self._export(request, f"gan2d-metrics-run{session.run_id}.csv")
        path.write_text(session.metrics_csv())
        return str(path)

    def on_gif(self, request: gr.Request, progress: gr.Progress = gr.Progress()) -> str:
        session = self._session(request)
        recording = session.recording()
        if not recording.frames:
            raise messages.error(i18n.say("lab.msg.nothing_recorded"))
        path = self._export(request, f"gan2d-run{session.run_id}.gif")
        save_gif(recording, str(path), progress=lambda i, n: progress(i / n, desc=f"{i}/{n}"),
                 lang=i18n.lang_of(request.headers))
        return str(path)

    # ---- server functions called by the page's own loop ----------------------------------------------------------
    # Gradio passes a server function the page's argument and no session hash: the page names its run by the
    # token it got on load. Gradio awaits an async server function in its event loop and runs a plain one on the
    # thread pool that page loads and every other tab share: so `tick` is async and computes on its own limiter.
    def frame_reply(self, request: FrameRequest) -> bytes:
        """One frame for the page, packed. Errors come back as {"error": …}, never as a traceback."""
        session = self.registry.by_token(request.token)
        if session is None:
            return error_reply(i18n.phrase("lab.msg.run_ended", minutes=f"{self.registry.idle_s / 60:.0f}"))
        try:
            self.registry.share_budget(session, playing=request.action == "play")
            return session.reply(request)
        except (ValueError, TypeError, RunLost) as exc:
            return error_reply(i18n.because(exc))
        except Exception as exc:  # noqa: BLE001 — a fault in one page's run must reach that page, not the server
            log.exception("the 2D lab's frame failed")
            return error_reply(i18n.phrase("lab.msg.internal", error=f"{type(exc).__name__}: {exc}"))

    async def frame(self, obj: Any) -> bytes:
        """The page's frame request (a FrameRequest object), answered packed. At most one frame per page is computed
        at a time: a second request while one is under way waits for it and at least limits.BUSY_REPLY_S (no
        thread, no work), then is answered {"busy": true}. The page never sends one (it waits for its own frames); a
        client firing requests in parallel is slowed to one answer a second per connection."""
        try:
            request = FrameRequest.parse(obj)
        except ValueError as exc:
            return error_reply(f"Bad frame request: {exc}")
        under_way = self._in_flight.get(request.token)
        if under_way is not None:
            await asyncio.gather(under_way.wait(), asyncio.sleep(limits.BUSY_REPLY_S))
            return BUSY_REPLY
        self._in_flight[request.token] = done = asyncio.Event()
        try:
            return await anyio.to_thread.run_sync(self.frame_reply, request, limiter=self.limiter)
        finally:
            del self._in_flight[request.token]
            done.set()

    async def tick(self, obj: Any) -> str:
        """``frame`` as a Gradio server function (where the app runs without the lab's route): base64 text."""
        return base64.b64encode(await self.frame(obj)).decode("ascii")

    async def _frame_route(self, request: Request) -> Response:
        """FRAME_ROUTE: the request's JSON body in, the packed frame out. Bodies over limits.MAX_FRAME_REQUEST_BYTES are
        refused unread (the front door, gate.py, refuses them first where the app runs behind it)."""
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits.MAX_FRAME_REQUEST_BYTES:
                return Response(error_reply("Bad frame request: too long"), status_code=413,
                                media_type="application/octet-stream")
        try:
            obj = json.loads(body)
        except (ValueError, RecursionError):  # a crafted body nested deeper than the parser goes
            reply = error_reply("Bad frame request: not JSON")
        else:
            reply = await self.frame(obj)
        return Response(reply, media_type="application/octet-stream", headers={"Cache-Control": "no-store"})

    async def alive(self, token: Any) -> str:
        """The open page's ping (every limits.PAGE_PING_S): keeps its run from being freed as idle while paused."""
        return json.dumps(self.registry.by_token(str(token)[:64]) is not None)

    def fields(self, _args: Any = None) -> str:
        """The URL parameters the page owns (others, e.g. a host's, are left alone)."""
        return json.dumps(FIELD_NAMES + ["points"])

    # ---- layout ------------------------------------------------------------------------------------------------
    def layout(self, page: Page) -> None:
        """Lay the tab out inside the current gr.Tab and wire its events (and the page's load/unload)."""
        config = default_config()
        # Gradio marks each server function with an attribute, which a bound method cannot take: plain functions
        async def tick(obj: Any) -> str:
            return await self.tick(obj)

        async def alive(token: Any) -> str:
            return await self.alive(token)

        def fields(_args: Any = None) -> str:
            return self.fields(_args)

        # the page's own words, both languages
        words = i18n.for_script("lab.", "preset.", "happened.", "invalid.", "setting.", "stopped.")
        js = (STATIC / "lab2d.js").read_text().replace("__PING_MS__", str(round(limits.PAGE_PING_S * 1000))) \
            .replace("__PARENT_ORIGIN__", json.dumps(host.parent_origin())).replace("__CATALOGUE__", words)
        components: dict[str, gr.components.Component] = {}
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=320):
                gr.Markdown(i18n.text("lab.intro"), elem_id="lab-intro")  # beside the settings: they start higher
                view = gr.HTML(value="", html_template=(STATIC / "lab2d.html").read_text(),
                               css_template=(STATIC / "lab2d.css").read_text(), js_on_load=js,
                               server_functions=[tick, alive, fields], elem_id="lab-view", head=head())
            with gr.Column(scale=1, min_width=240, elem_id="lab-quick"):
                preset = gr.Dropdown([(i18n.text("lab.preset.choose"), ""),
                                      *[(i18n.text(f"preset.{n}.title"), n) for n in PRESET_NAMES]],
                                     value="", label=i18n.text("lab.preset"), elem_id="lab-preset")
                for pair in QUICK:  # two to a row where they pair up (D's and G's), so all fit beside the view
                    with gr.Row():
                        for name in pair:
                            components[name] = _component(TABLE[name], getattr(config, name), min_width=110, info=False)
                recommended = gr.Button(i18n.text("lab.recommended"), size="sm", elem_id="lab-recommended")
                with gr.Group(elem_id="lab-files"):
                    with gr.Row():
                        save = gr.Button(i18n.text("lab.save"), size="sm", min_width=0, elem_id="lab-save")
                        run_file = gr.UploadButton(i18n.text("lab.load"), file_types=[".pt"], type="filepath",
                                                   size="sm", elem_id="lab-run-file", min_width=0)
                    with gr.Row():
                        csv = gr.UploadButton(i18n.text("lab.csv"), file_types=[".csv", ".txt"], type="filepath",
                                              size="sm", elem_id="lab-csv", min_width=0)
                        metrics_csv = gr.Button(i18n.text("lab.metrics_csv"), size="sm", min_width=0,
                                                elem_id="lab-metrics-csv")
                    gif = gr.Button(i18n.text("lab.gif"), size="sm", elem_id="lab-gif")
                    # shown once there is something to download: an empty file box is a tall blank
                    download = gr.File(label=i18n.text("lab.download"), interactive=False, elem_id="lab-download",
                                       visible=False)
        with gr.Row():
            for title, names in settings.groups(TrainConfig):
                rest = [n for n in names if n not in QUICK_NAMES]
                if not rest:
                    continue
                with gr.Column(min_width=200):
                    with gr.Accordion(i18n.text(f"group.{i18n.slug(title)}"), open=title in OPEN_GROUPS,
                                      elem_id=group_id(title)):
                        for name in rest:
                            components[name] = _component(TABLE[name], getattr(config, name))
        fields_out = [components[n] for n in FIELD_NAMES]
        outputs = [view, *fields_out]
        self.outputs = outputs  # what a reply to the page's run updates (the class mode's pushes use it too)
        # No progress overlay on the view: it would cover the lab while the event runs, and a click on Pause
        # right after typing a value (the field's blur starts an event) landed on the overlay and was lost.
        quiet = dict(show_progress="hidden")
        for comp in fields_out:
            events = ([picked(comp)] if isinstance(comp, gr.Dropdown) else [comp.input]
                      if isinstance(comp, gr.Checkbox) else [comp.submit, comp.blur])
            for event in events:
                # shared by every page's panel (a page's own changes also wait for each other, newest first):
                # a script's storm of changes then waits in the queue, capped per page, instead of running at once
                event(self.on_settings_event, fields_out, outputs, concurrency_limit=SETTINGS_AT_ONCE,
                      concurrency_id="lab-settings", trigger_mode="always_last", **quiet)
        picked(preset)(self.on_preset, preset, outputs, **quiet)
        recommended.click(self.on_recommended, [components["data"], components["loss"]], outputs, **quiet)
        view.submit(self.on_drawn, None, outputs, **quiet)
        csv.upload(self.on_csv, csv, outputs, **quiet)
        run_file.upload(self.on_load_run, run_file, outputs, **quiet)
        for button, handler, limit in ((save, self.on_save, "default"), (metrics_csv, self.on_metrics_csv, "default"),
                                       (gif, self.on_gif, 2)):
            button.click(handler, None, download, concurrency_limit=limit).success(
                lambda: gr.File(visible=True), None, download, queue=False)
        page.demo.load(self.on_load, None, outputs, queue=False)  # a new page never waits behind others' events
        page.demo.unload(self.on_unload)


def create(page: Page, registry: Registry) -> Lab:
    """The tab, on ``registry``'s runs."""
    lab = Lab(registry)
    lab.layout(page)
    return lab
