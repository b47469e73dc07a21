"""Draw together: every page draws doodles of a word on a sketch pad, a DCGAN learns the pool live, and its
samples sit beside their nearest doodles so memorisation shows. Alone, a page has a pool and a GAN of its own
(its Play trains it). In a class (joined from the 2D lab) a page draws into the class's pool: the teacher picks the
word, removes doodles, trains the class's GAN from the Class tab (``teacher_section``), and every student's page
shows its samples, refreshed every POLL_S.

The pad is a canvas in the page (the strokes, not its pixels, are sent: models/doodles/data.py reads every doodle by
one recipe). The app's own buttons (translated like every label) drive it through a small script.
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from typing import Any

import gradio as gr

from models.doodles import data as doodles, shapes as doodle_shapes
from playground import clients, exports, i18n, limits, live_loop, messages, uploads
from playground.pictures import doodles as doodle_frames
from playground.services.classes import Class, Classes
from playground.services.doodle_pool import CLASS_PER_PAGE, FIRST_WORD, SUGGESTED, Drawing, OwnGans
from playground.tabs import Page
from playground.upload_cache import UPLOADS
from toy2d.reasons import Refused

POLL_S = 2.0  # a class page looks for new doodles and samples this often
TRAIN_S = 0.25  # a frame of the live GAN trains this long, then draws (the picture costs ~30 ms)
FRAME_S = 0.35  # at most ~3 pictures a second: the samples change slowly, the CPU is better spent training
EXAMPLES = 30

CSS = """
.dd-pad-wrap { display: flex; justify-content: center; }
.dd-pad { width: 100%; max-width: 340px; aspect-ratio: 1; border: 2px solid #888; border-radius: 8px; background: white;
  touch-action: none; cursor: crosshair; }
.dd-pool { font-size: 17px; } .dd-count { font-size: 20px; font-weight: bold; margin: 4px 0; }
.dd-word { margin: 6px 0 2px; } .dd-more { color: #555; }
.dd-mosaic { display: flex; flex-wrap: wrap; gap: 3px; }
.dd-tile { padding: 0; border: 1px solid #bbb; border-radius: 3px; background: white; line-height: 0; }
button.dd-tile { cursor: pointer; } button.dd-tile:hover { border-color: #b3261e; outline: 2px solid #b3261e; }
"""
PAD_HTML = "<div class='dd-pad-wrap'><canvas class='dd-pad' width='280' height='280'></canvas></div>"
# Pointer events: mouse, pen and finger alike. The strokes are kept in the canvas's own 280-px coordinates; the
# app's buttons call window.gpPad (undo, clear, send), and send hands the strokes to the server (→ on_add).
PAD_JS = """
const canvas = element.querySelector("canvas");
const ctx = canvas.getContext("2d");
let strokes = [], drawing = null;
const at = (e) => { const r = canvas.getBoundingClientRect();
  return [Math.round((e.clientX - r.left) * canvas.width / r.width * 10) / 10,
          Math.round((e.clientY - r.top) * canvas.height / r.height * 10) / 10]; };
const paint = () => {
  ctx.fillStyle = "white"; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#111"; ctx.lineWidth = 6; ctx.lineCap = "round"; ctx.lineJoin = "round";
  for (const s of strokes) { ctx.beginPath(); ctx.moveTo(s[0][0], s[0][1]);
    for (const p of s) ctx.lineTo(p[0], p[1]); if (s.length === 1) ctx.lineTo(s[0][0] + 0.1, s[0][1]); ctx.stroke(); }
};
canvas.addEventListener("pointerdown", (e) => { e.preventDefault(); canvas.setPointerCapture(e.pointerId);
  drawing = [at(e)]; strokes.push(drawing); paint(); });
canvas.addEventListener("pointermove", (e) => { if (!drawing) return; drawing.push(at(e)); paint(); });
const end = () => { drawing = null; };
canvas.addEventListener("pointerup", end); canvas.addEventListener("pointercancel", end);
window.gpPad = {
  undo: () => { strokes.pop(); paint(); },
  clear: () => { strokes = []; paint(); },
  count: () => strokes.length,
  send: () => { if (!strokes.length) return; trigger("submit", { strokes }); strokes = []; paint(); },
};
paint();
"""
# the mosaic's doodles are buttons where they can be removed: a click asks the server (→ on_remove)
MOSAIC_JS = """
element.addEventListener("click", (e) => {
  const tile = e.target.closest("button.dd-tile");
  if (tile) trigger("submit", { id: tile.dataset.id });
});
"""


def _page(request: gr.Request) -> str:
    return request.session_hash or "anonymous"


def _said(exc: Exception) -> gr.Error:
    return messages.error(exc if isinstance(exc, Refused) else i18n.phrase("doodle.msg.unread"))


class GanPictures:
    """A drawing's latest GAN picture, drawn once per (iteration, pool version, language) however many pages ask
    (a class of 30 polls the same drawing); the MOST most recently asked for are kept."""

    MOST = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._drawn: OrderedDict[tuple[int, str], tuple[tuple, Any]] = OrderedDict()

    @staticmethod
    def key(drawing: Drawing, lang: str) -> tuple:
        if not drawing.has_gan:
            return -1, drawing.pool.version, lang, 0
        return drawing.trainer.iteration, drawing.pool.version, lang, id(drawing.trainer)

    def of(self, drawing: Drawing, lang: str) -> Any:
        """The GAN's picture, or, for a page's own drawing before its first Play, what Play will do."""
        if not drawing.has_gan:
            return doodle_frames.before_play(lang)
        key, slot = self.key(drawing, lang), (id(drawing), lang)
        with self._lock:
            held = self._drawn.get(slot)
            if held and held[0] == key:
                self._drawn.move_to_end(slot)
                return held[1]
        picture = doodle_frames.gan_picture(drawing.view(), lang)
        with self._lock:
            self._drawn[slot] = (key, picture)
            self._drawn.move_to_end(slot)
            while len(self._drawn) > self.MOST:
                self._drawn.popitem(last=False)
        return picture


PICTURES = GanPictures()
OWN_GANS = OwnGans()  # the GANs of pages drawing alone


class DoodleTab:
    """The tab's handlers over the app's classes (a page in a class draws into its class's pool)."""

    def __init__(self, classes: Classes) -> None:
        self.classes = classes

    # ---- whose pool -------------------------------------------------------------------------------------------
    def where(self, own: Drawing | None, request: gr.Request) -> tuple[Drawing, Class | None]:
        """The class's drawing for a page in a class, else the page's own (made on first use)."""
        c = self.classes.class_of(_page(request))
        if c is not None:
            return class_drawing(c), c
        return own if own is not None else Drawing(said_word(FIRST_WORD), gan=False), None

    def alone(self, own: Drawing | None, request: gr.Request, why: str) -> Drawing:
        """The page's own drawing; in a class gr.Error saying ``why`` (a catalogue key): the teacher decides."""
        drawing, c = self.where(own, request)
        if c is not None:
            raise messages.error(i18n.phrase(why))
        return drawing

    def word_line(self, drawing: Drawing, c: Class | None, page: str) -> str:
        _, _, words, current = drawing.pool.snapshot()
        word = words[current]
        key = "doodle.word.class" if c is not None else "doodle.word.alone"
        return i18n.say(key, word=messages.as_markdown(word), yours=drawing.pool.count(page), n=drawing.pool.count())

    def _reply(self, drawing: Drawing, c: Class | None, request: gr.Request) -> list:
        page = _page(request)
        _, every, words, current = drawing.pool.snapshot()
        most = doodle_frames.TEACHER_MOST if c is None else doodle_frames.STUDENT_MOST
        return [self.word_line(drawing, c, page),
                doodle_frames.mosaic_html(every, words, current, removable=c is None, lang=i18n.current_lang(),
                                          most=most)]

    # ---- the page's events ------------------------------------------------------------------------------------
    def on_open(self, own: Drawing | None, request: gr.Request) -> list:
        """The tab opened: the page's pool (or its class's) and the GAN as it is; class pages start polling and
        lose what only a page alone has (its own GAN's controls, its word, uploads)."""
        drawing, c = self.where(own, request)
        lang = i18n.current_lang()
        return [own if c is not None else drawing, *self._reply(drawing, c, request), PICTURES.of(drawing, lang),
                gr.Timer(active=c is not None), seen_now(drawing, lang), *alone_only(c is None)]

    def on_add(self, own: Drawing | None, evt: gr.EventData, request: gr.Request) -> list:
        """A doodle from the pad: read at 28×28, added to the pool; the page sees what the network sees."""
        drawing, c = self.where(own, request)
        page = _page(request)
        try:
            picture = doodles.read(getattr(evt, "strokes", None))
            author = c.students[page].nickname if c is not None and page in c.students else ""
            drawing.pool.add(picture, page, author)
        except Refused as exc:
            raise _said(exc) from None
        return [own if c is not None else drawing, doodle_frames.seen_picture(picture),
                *self._reply(drawing, c, request)]

    def on_remove(self, own: Drawing | None, evt: gr.EventData, request: gr.Request) -> list:
        """Alone, a page removes any doodle of its pool (in a class only the teacher does, from the wall)."""
        drawing = self.alone(own, request, "doodle.msg.teacher_removes")
        try:
            drawing.pool.remove(getattr(evt, "id", None))
        except Refused as exc:
            raise _said(exc) from None
        return [drawing, *self._reply(drawing, None, request)]

    def on_word(self, own: Drawing | None, word: str, request: gr.Request) -> list:
        drawing = self.alone(own, request, "doodle.msg.teacher_words")
        try:
            drawing.pool.set_word(said_word(word))
        except Refused as exc:
            raise _said(exc) from None
        return [drawing, *self._reply(drawing, None, request)]

    def on_examples(self, own: Drawing | None, word: str, request: gr.Request) -> list:
        """EXAMPLES doodles of a word the app can draw (models/doodles/shapes.py), for a page alone."""
        drawing = self.alone(own, request, "doodle.msg.teacher_words")
        if word not in doodle_shapes.WORDS:
            raise messages.error(i18n.phrase("doodle.msg.no_examples"))
        try:
            drawing.pool.set_word(said_word(word))
            seed = drawing.pool.count() + 1
            for strokes in doodle_shapes.pool(word, EXAMPLES, seed=seed):
                drawing.pool.add(doodles.read(strokes), "")
        except Refused as exc:
            raise _said(exc) from None
        return [drawing, *self._reply(drawing, None, request)]

    def on_download(self, own: Drawing | None, request: gr.Request) -> str:
        return save_pool(self.where(own, request)[0], _page(request))

    def on_upload(self, own: Drawing | None, path: str | None, request: gr.Request) -> list:
        drawing = self.alone(own, request, "doodle.msg.teacher_words")
        n = load_pool(drawing, path)
        messages.info(i18n.phrase("doodle.msg.uploaded", n=n))
        return [drawing, *self._reply(drawing, None, request)]

    def on_unload(self, request: gr.Request) -> None:
        """The page closed: its own GAN goes now (its drawing would otherwise hold ~6 MB for Gradio's hour)."""
        OWN_GANS.release(_page(request))

    def on_poll(self, own: Drawing | None, seen: Any, request: gr.Request) -> list:
        """A class page every POLL_S: the word, the pool and the GAN's picture, each only when it changed since
        the page's last poll (``seen``); stops polling when the page is no longer in a class."""
        c = self.classes.class_of(_page(request))
        if c is None:  # the class ended or the page left it: the page's own pool from now on
            drawing, _ = self.where(own, request)
            return [*self._reply(drawing, None, request), PICTURES.of(drawing, i18n.current_lang()),
                    gr.Timer(active=False), None, *alone_only(True)]
        drawing, lang = class_drawing(c), i18n.current_lang()
        now, seen = seen_now(drawing, lang), seen if isinstance(seen, dict) else {}
        pool = self._reply(drawing, c, request) if now["pool"] != seen.get("pool") else [gr.skip(), gr.skip()]
        picture = PICTURES.of(drawing, lang) if now["gan"] != seen.get("gan") else gr.skip()
        return [*pool, picture, gr.skip(), now, *[gr.skip()] * ALONE_ONLY]

    # ---- the page's own GAN -----------------------------------------------------------------------------------
    def _own_gan(self, own: Drawing | None, augment: bool, request: gr.Request) -> Drawing:
        """The page's own drawing with its GAN, made now if it has none (within OWN_GANS's bounds)."""
        drawing = self.alone(own, request, "doodle.msg.teacher_trains")
        try:
            OWN_GANS.make(drawing, _page(request), clients.of_request(request), bool(augment))
        except Refused as exc:
            raise _said(exc) from None
        return drawing

    def toggle(self, own: Drawing | None, augment: bool, compare: bool, request: gr.Request) -> list:
        drawing = self._own_gan(own, augment, request)
        return [drawing, live_loop.play_button(drawing.toggle(bool(augment), bool(compare), i18n.current_lang()))]

    def on_reset(self, own: Drawing | None, augment: bool, compare: bool, request: gr.Request) -> list:
        drawing = self._own_gan(own, augment, request)
        drawing.reset(bool(augment), bool(compare))
        return [drawing, PICTURES.of(drawing, i18n.current_lang()), live_loop.play_button(False)]


def seen_now(drawing: Drawing, lang: str) -> dict:
    """What a page has been sent: the pool's version and the GAN picture's key."""
    return {"pool": drawing.pool.version, "gan": GanPictures.key(drawing, lang)}


ALONE_ONLY = 6  # play, reset, augmentation, comparison, the word and examples, upload


def alone_only(shown: bool) -> list:
    """Show or hide what only a page drawing alone uses."""
    return [gr.Button(visible=shown), gr.Button(visible=shown), gr.Checkbox(visible=shown),
            gr.Checkbox(visible=shown), gr.Accordion(visible=shown), gr.UploadButton(visible=shown)]


def said_word(value: Any) -> str:
    """A suggested word (its key) in the page's language, so a Korean class draws 고양이; a typed one as typed."""
    return i18n.say(f"doodle.thing.{value}") if value in SUGGESTED else str(value or "")


def word_choices() -> list[tuple[Any, str]]:
    return [(i18n.text(f"doodle.thing.{w}"), w) for w in SUGGESTED]


def class_drawing(c: Class) -> Drawing:
    """The class's pool and GAN, made when first asked for."""
    with _made:
        if c.drawing is None:
            c.drawing = Drawing(said_word(FIRST_WORD), per_page=CLASS_PER_PAGE)
        return c.drawing


_made = threading.Lock()


def frame(drawing: Drawing, _speed: Any = None) -> tuple:
    drawing.advance(TRAIN_S)
    diverged = next((t.diverged for t in drawing.trainers if t.diverged), None)
    if diverged:
        drawing.playing = False
        messages.warning(i18n.phrase("doodle.msg.stopped", reason=diverged.said()))
    return (PICTURES.of(drawing, drawing.lang),)


async def stream(drawing: Drawing | None, request: gr.Request):
    """While the drawing is playing: train TRAIN_S, draw, at most one picture per FRAME_S. A page closed while
    playing pauses it: a class's drawing outlives the teacher's page, whose next Play must start it, not stop it."""
    try:
        async with contextlib.aclosing(live_loop.stream(drawing, frame, None, request, shown=1,
                                                        frame_s=FRAME_S)) as frames:
            async for out in frames:
                yield out
    except (GeneratorExit, asyncio.CancelledError):
        if drawing is not None:
            drawing.playing = False
        raise


def save_pool(drawing: Drawing, owner: str) -> str:
    _, _, words, _ = drawing.pool.snapshot()
    path = exports.new_path(owner, f"doodles-{_file_word(words[0])}.npz")
    path.write_bytes(drawing.pool.to_file())
    return str(path)


def load_pool(drawing: Drawing, path: str | None) -> int:
    if not path:
        raise messages.error(i18n.phrase("doodle.msg.no_file"))
    try:
        with open(path, "rb") as f:
            data = f.read(doodles.MAX_FILE_BYTES + 1)
        return drawing.pool.add_file(data)
    except Refused as exc:
        raise _said(exc) from None
    except OSError:  # gone: removed unread from the upload cache (upload_cache.py)
        raise messages.error(uploads.gone()) from None
    finally:
        UPLOADS.done(path)


def _file_word(word: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in word).strip("-")
    return safe[:24] or "pool"


def pad_buttons(prefix: str) -> tuple[gr.Button, gr.Button, gr.Button]:
    T = i18n.text
    with gr.Row():
        undo = gr.Button(T("doodle.undo"), elem_id=f"{prefix}-undo", scale=1, min_width=90)
        clear = gr.Button(T("doodle.clear"), elem_id=f"{prefix}-clear", scale=1, min_width=90)
        add = gr.Button(T("doodle.add"), variant="primary", elem_id=f"{prefix}-add", scale=2, min_width=120)
    undo.click(None, js="() => window.gpPad && window.gpPad.undo()")
    clear.click(None, js="() => window.gpPad && window.gpPad.clear()")
    add.click(None, js="() => window.gpPad && window.gpPad.send()")
    return undo, clear, add


def gan_controls(prefix: str) -> tuple[gr.Button, gr.Button, gr.Checkbox, gr.Checkbox]:
    """Play, New GAN, augmentation and comparison, in the current row (a page's own GAN and the class's)."""
    T = i18n.text
    play = gr.Button(live_loop.PLAY_LABEL, variant="primary", elem_id=f"{prefix}-play", scale=0)
    reset = gr.Button(T("doodle.reset"), elem_id=f"{prefix}-reset", scale=0)
    augment = gr.Checkbox(False, label=T("doodle.augment"), info=T("doodle.augment.info"), elem_id=f"{prefix}-augment")
    compare = gr.Checkbox(False, label=T("doodle.compare"), info=T("doodle.compare.info"), elem_id=f"{prefix}-compare")
    return play, reset, augment, compare


def gan_view(elem_id: str) -> gr.Image:
    return gr.Image(label=i18n.text("doodle.view"), show_label=False, interactive=False, format="jpeg",
                    elem_id=elem_id)


def create(page: Page, classes: Classes) -> None:
    T = i18n.text
    tab = DoodleTab(classes)
    gr.Markdown(T("doodle.intro"))
    own = gr.State(None, time_to_live=limits.STATE_TTL_S)
    seen = gr.State(None)
    word_line = gr.Markdown(elem_id="dd-word")
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):  # the samples' picture gets the width: it is read from afar
            pad = gr.HTML(PAD_HTML, css_template=CSS, js_on_load=PAD_JS, elem_id="dd-pad")
            pad_buttons("dd")
            seen_picture = gr.Image(label=T("doodle.seen"), interactive=False, format="png", height=180,
                                    elem_id="dd-seen")
            gr.Markdown(T("doodle.recipe"))
        with gr.Column(scale=3, min_width=320):
            with gr.Row():
                play, reset, augment, compare = gan_controls("dd")
            picture = gan_view("dd-frame")
    pool = gr.HTML("", css_template=CSS, js_on_load=MOSAIC_JS, elem_id="dd-pool")
    with gr.Accordion(T("doodle.alone"), open=False, elem_id="dd-alone") as alone:
        with gr.Row():
            word = gr.Dropdown(word_choices(), value=SUGGESTED[0], allow_custom_value=True,
                               label=T("doodle.word"), elem_id="dd-word-pick")
            set_word = gr.Button(T("doodle.set_word"), elem_id="dd-set-word", scale=0)
            shape = gr.Dropdown([(T(f"doodle.thing.{w}"), w) for w in doodle_shapes.WORDS],
                                value=doodle_shapes.WORDS[0], label=T("doodle.examples"), elem_id="dd-shape")
            examples = gr.Button(T("doodle.add_examples"), elem_id="dd-examples", scale=0)
    with gr.Row():
        download = gr.Button(T("doodle.download"), elem_id="dd-download", scale=0)
        upload = gr.UploadButton(T("doodle.upload"), file_types=[".npz"], elem_id="dd-upload", scale=0)
    file = gr.File(visible=False, elem_id="dd-file")
    timer = gr.Timer(POLL_S, active=False)

    quiet = dict(show_progress="hidden")
    mosaic_out = [word_line, pool]
    alone_controls = [play, reset, augment, compare, alone, upload]
    page.tab.select(tab.on_open, [own], [own, *mosaic_out, picture, timer, seen, *alone_controls], **quiet)
    pad.submit(tab.on_add, [own], [own, seen_picture, *mosaic_out], **quiet)
    pool.submit(tab.on_remove, [own], [own, *mosaic_out], **quiet)
    set_word.click(tab.on_word, [own, word], [own, *mosaic_out])
    examples.click(tab.on_examples, [own, shape], [own, *mosaic_out])
    download.click(tab.on_download, [own], file).success(lambda: gr.File(visible=True), None, file, queue=False)
    upload.upload(tab.on_upload, [own, upload], [own, *mosaic_out])
    timer.tick(tab.on_poll, [own, seen], [*mosaic_out, picture, timer, seen, *alone_controls], **quiet)
    play.click(tab.toggle, [own, augment, compare], [own, play]).then(
        stream, [own], [picture, play], concurrency_limit=None, **quiet)
    reset.click(tab.on_reset, [own, augment, compare], [own, picture, play])
    page.demo.unload(tab.on_unload)


# ---- the teacher's side, in the Class tab ------------------------------------------------------------------------
class TeacherDoodles:
    """The class's word, its pool on the wall (a click removes a doodle), its GAN trained live while the teacher
    plays it, the pool's download and upload. ``teacher(state)`` is ClassMode's check of the teacher's secret."""

    def __init__(self, teacher) -> None:
        self.teacher = teacher

    @staticmethod
    def pool_file(drawing: Drawing, owner: str) -> str:
        """The class's pool as a file to download (when the teacher ends the class)."""
        return save_pool(drawing, owner)

    def _drawing(self, state: Any) -> Drawing:
        return class_drawing(self.teacher(state))

    def _pool(self, drawing: Drawing) -> list:
        _, every, words, current = drawing.pool.snapshot()
        line = i18n.say("doodle.teacher.now", word=messages.as_markdown(words[current]), n=len(every))
        return [line, doodle_frames.mosaic_html(every, words, current, removable=True, lang=i18n.current_lang()),
                drawing.pool.version]

    def on_word(self, state: Any, word: str) -> list:
        drawing = self._drawing(state)
        try:
            drawing.pool.set_word(said_word(word))
        except Refused as exc:
            raise _said(exc) from None
        return self._pool(drawing)

    def on_refresh(self, state: Any, seen: Any) -> list:
        """The wall's tick: the pool again only when it changed."""
        if not state:
            return [gr.skip()] * 3
        drawing = self._drawing(state)
        if drawing.pool.version == seen:
            return [gr.skip()] * 3
        return self._pool(drawing)

    def on_remove(self, state: Any, evt: gr.EventData) -> list:
        drawing = self._drawing(state)
        try:
            drawing.pool.remove(getattr(evt, "id", None))
        except Refused as exc:
            raise _said(exc) from None
        return self._pool(drawing)

    def toggle(self, state: Any, augment: bool, compare: bool) -> list:
        drawing = self._drawing(state)
        return [drawing, live_loop.play_button(drawing.toggle(bool(augment), bool(compare), i18n.current_lang()))]

    def on_reset(self, state: Any, augment: bool, compare: bool) -> list:
        drawing = self._drawing(state)
        drawing.reset(bool(augment), bool(compare))
        return [PICTURES.of(drawing, i18n.current_lang()), live_loop.play_button(False)]

    def on_download(self, state: Any, request: gr.Request) -> str:
        return save_pool(self._drawing(state), _page(request))

    def on_upload(self, state: Any, path: str | None) -> list:
        drawing = self._drawing(state)
        n = load_pool(drawing, path)
        messages.info(i18n.phrase("doodle.msg.uploaded", n=n))
        return self._pool(drawing)

    def layout(self, state: gr.State, wall_timer: gr.Timer) -> None:
        T = i18n.text
        with gr.Accordion(T("doodle.teacher"), open=False, elem_id="class-doodles"):
            with gr.Row():
                word = gr.Dropdown(word_choices(), value=SUGGESTED[0], allow_custom_value=True,
                                   label=T("doodle.word"), elem_id="class-word")
                set_word = gr.Button(T("doodle.set_word"), variant="primary", elem_id="class-set-word", scale=0)
            line = gr.Markdown(elem_id="class-word-line")
            with gr.Row():
                play, reset, augment, compare = gan_controls("class-gan")
                download = gr.Button(T("doodle.download"), elem_id="class-download", scale=0)
                upload = gr.UploadButton(T("doodle.upload"), file_types=[".npz"], elem_id="class-upload", scale=0)
            file = gr.File(visible=False, elem_id="class-file")
            picture = gan_view("class-gan-frame")
            pool = gr.HTML("", css_template=CSS, js_on_load=MOSAIC_JS, elem_id="class-pool")
        held = gr.State(None)  # the class's drawing, for its stream
        seen = gr.State(None)
        quiet = dict(show_progress="hidden")
        set_word.click(self.on_word, [state, word], [line, pool, seen])
        wall_timer.tick(self.on_refresh, [state, seen], [line, pool, seen], **quiet)
        pool.submit(self.on_remove, [state], [line, pool, seen], **quiet)
        play.click(self.toggle, [state, augment, compare], [held, play]).then(
            stream, [held], [picture, play], concurrency_limit=None, **quiet)
        reset.click(self.on_reset, [state, augment, compare], [picture, play])
        download.click(self.on_download, [state], file).success(lambda: gr.File(visible=True), None, file,
                                                                queue=False)
        upload.upload(self.on_upload, [state, upload], [line, pool, seen])
