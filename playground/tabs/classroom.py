"""Class mode. The teacher starts a class (a join code and a link for the slide, a secret teacher link), students
join from the 2D lab with a nickname, and the teacher's wall shows every student's run live: sorted or filtered by
a metric, one projected full-size, its settings sent to everyone, a challenge the wall ranks by.

The classes are playground/services/classes.py's, the wall's HTML playground/services/class_wall.py's; this module
wires them to the lab's runs (the registry) and to the page. The wall refreshes every WALL_EVERY_S (a tile's picture
is drawn again only when its run moved); a student's page asks every POLL_EVERY_S whether the teacher sent settings.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import gradio as gr

from toy2d import distributions

from playground import clients, i18n, messages
from playground.services import class_wall
from playground.services.class_wall import Entry, TilePictures
from playground.services.classes import (DEFAULT_SIZE, MAX_STUDENTS, NICKNAME_MAX, Challenge, Class, Classes, Refusal,
                                         Student, normal_code)
from playground.lab.session import default_config
from playground.lab.runs import Registry
from playground.tabs import Page

PROJECTED_BUTTONS = ("unproject", "send", "clear_doodles", "remove")  # shown while a student's run is projected
WALL_EVERY_S = 1.0
PROJECT_EVERY_S = 0.25
POLL_EVERY_S = 2.0
CHALLENGE_HQ = (0.5, 1.0)
MODE_DATA = distributions.MIXTURE_NAMES  # a challenge needs modes to cover

CSS = """
.gp-wall { display: grid; grid-template-columns: repeat(auto-fill, minmax(172px, 1fr)); gap: 6px; }
.gp-tile { display: flex; flex-direction: column; align-items: center; gap: 2px; padding: 6px; border: 3px solid #ccc;
  border-radius: 8px; background: white; cursor: pointer; font: inherit; color: #111; text-align: center; }
.gp-tile:hover, .gp-tile:focus { border-color: #555; }
.gp-tile .who { font-size: 21px; max-width: 164px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.gp-tile .rank { color: #7a4f00; }
.gp-tile .nums { font-size: 17px; line-height: 1.25; } .gp-tile .data { font-size: 15px; }
.gp-tile .diff { font-size: 15px; color: #8a1c1c; }
.gp-tile .wait { width: 140px; height: 140px; display: flex; align-items: center; justify-content: center;
  color: #666; }
.gp-tile.good { border-color: #2c6e2f; } .gp-tile.warn { border-color: #d08a00; }
.gp-tile.bad { border-color: #b3261e; }
.gp-tile.goal { border-color: #7a4f00; background: #fff8e1; } .gp-tile.gone { opacity: 0.6; }
.badge { font-size: 15px; padding: 1px 6px; border-radius: 4px; color: white; margin: 1px; }
.badge.good { background: #2c6e2f; } .badge.warn { background: #b86e00; } .badge.bad { background: #b3261e; }
.badge.goal { background: #7a4f00; }
.counts { font-size: 18px; } .empty { font-size: 18px; color: #555; }
.gp-projected h2 { font-size: 28px; margin: 0; display: inline-block; margin-right: 16px; }
.gp-projected .gp-nums { font-size: 20px; display: inline-block; margin: 0; }
/* the projected run fits the screen under its buttons: at most 640 px, less on a 768-px-high projector */
.gp-projected img { display: block; width: auto; height: auto; max-width: 100%; max-height: calc(100vh - 250px); }
.gp-settings-fold summary { font-size: 18px; cursor: pointer; }
.gp-settings { font-size: 15px; } .gp-settings th { text-align: left; padding-right: 8px; }
.gp-card { font-size: 18px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; }
.gp-card .code { font-size: 40px; font-weight: bold; letter-spacing: 4px; }
.gp-card .places { color: #555; } .gp-card .secret { margin-left: auto; }
.gp-card .start { flex-basis: 100%; color: #555; font-size: 16px; }
.gp-teach-copy { font: inherit; font-size: 15px; padding: 2px 10px; border: 1px solid #8a1c1c; color: #8a1c1c;
  border-radius: 6px; background: white; cursor: pointer; } .gp-copied { font-size: 15px; color: #555; }
"""
ENDED_CARD = "<div data-ended></div>"  # what the card holds once its class has ended: the tab forgets the link
# the wall's tiles are buttons: a click projects that student's run (→ on_pick)
WALL_JS = """
element.addEventListener("click", (e) => {
  const tile = e.target.closest(".gp-tile");
  if (tile) trigger("submit", { id: tile.dataset.id });
});
"""
# The students' link in the card is relative (?class=CODE): shown as the full address the browser resolves. The
# teacher link is never drawn (the card is on the projector): a button copies it, and the tab keeps it in its
# sessionStorage, so a reload of this tab asks the server for the wall again (card.submit → on_rejoin). The
# address bar, which a projector shows too, never holds it.
CARD_JS = """
const KEY = "gp-teach";
let held = false;
const fill = () => {
  element.querySelectorAll("a.gp-link").forEach((a) => { if (a.textContent !== a.href) a.textContent = a.href; });
  const teach = element.querySelector("[data-teach]");
  if (teach) { sessionStorage.setItem(KEY, teach.dataset.teach); held = true; }
  else if (held && element.querySelector("[data-ended]")) { sessionStorage.removeItem(KEY); held = false; }
};
element.addEventListener("click", async (e) => {
  const b = e.target.closest("button.gp-teach-copy");
  if (!b) return;
  const link = new URL("?teach=" + b.closest("[data-teach]").dataset.teach, window.location.href).href;
  const said = b.parentElement.querySelector(".gp-copied");
  try { await navigator.clipboard.writeText(link); said.textContent = said.dataset.ok; }
  catch (err) { said.textContent = said.dataset.no; }
});
new MutationObserver(fill).observe(element, { childList: true, subtree: true, characterData: true });
fill();
const kept = sessionStorage.getItem(KEY);
if (kept && !new URLSearchParams(window.location.search).get("teach")) trigger("submit", { teach: kept });
// while a class runs the tab is the teacher's projected screen: the set-up above the card steps aside (TEACHING_CSS)
const teaching = () => document.body.classList.toggle("gp-teaching", !!element.querySelector("[data-teach]"));
new MutationObserver(teaching).observe(element, { childList: true, subtree: true });
teaching();
"""
# and while one run is projected, the wall waits below it out of sight, the run filling the screen
PROJECTED_JS = """
const projecting = () => {
  const on = !!element.querySelector(".gp-projected, p");
  if (on && !document.body.classList.contains("gp-projecting"))  // its buttons at the top of the screen
    requestAnimationFrame(() => (document.getElementById("class-unproject") || element)
      .scrollIntoView({ block: "start" }));
  document.body.classList.toggle("gp-projecting", on);
};
new MutationObserver(projecting).observe(element, { childList: true, subtree: true });
projecting();
"""
TEACHING_CSS = ("body.gp-teaching #class-intro, body.gp-teaching #class-size, body.gp-teaching #class-start, "
                "body.gp-teaching .form:has(> #class-size), body.gp-projecting #class-wall, "
                "body.gp-projecting #class-options, body:not(.gp-projecting) #class-projected, "
                "body:not(.gp-projecting) #class-projected-settings { display: none !important; } "
                "#class-end { align-self: center; }")


def _said(exc: Refusal) -> gr.Error:
    return messages.error(exc.phrase)


@dataclass
class JoinBox:
    """The student's side, at the top of the 2D lab: shown for pages opened with ?class=CODE."""

    group: gr.Group
    intro: gr.Markdown
    code: gr.Textbox
    nickname: gr.Textbox
    join: gr.Button
    leave: gr.Button
    state: gr.State
    poll: gr.Timer


def join_box() -> JoinBox:
    """Lay out the join box (inside the lab's tab, above the lab); ClassMode.wire_join wires it."""
    T = i18n.text
    with gr.Group(visible=False, elem_id="class-join") as group:
        intro = gr.Markdown(elem_id="class-join-intro")
        with gr.Row():
            code = gr.Textbox(label=T("class.code"), max_length=16, scale=1, elem_id="class-code")
            nickname = gr.Textbox(label=T("class.nickname"), max_length=NICKNAME_MAX, scale=2,
                                  elem_id="class-nickname")
            join = gr.Button(T("class.join"), variant="primary", scale=1, elem_id="class-join-btn")
            leave = gr.Button(T("class.leave"), visible=False, scale=1, elem_id="class-leave")
    return JoinBox(group, intro, code, nickname, join, leave, gr.State(None), gr.Timer(POLL_EVERY_S, active=False))


class LabTab(Protocol):
    """What class mode uses of the 2D lab's tab (tabs/lab2d.py `Lab`; app.py hands it over: a tab imports no tab)."""

    registry: Registry
    outputs: list
    arrive: Callable

    def page_reply(self, *args: Any, **kwargs: Any) -> list: ...


class DoodlePanel(Protocol):
    """The class's doodles on the teacher's side (tabs/doodles.py `TeacherDoodles`, handed over by app.py)."""

    def layout(self, state: gr.State, wall_timer: gr.Timer) -> None: ...

    @staticmethod
    def pool_file(drawing: Any, owner: str) -> str: ...


class ClassMode:
    """The handlers of both sides over the app's classes and the lab's runs; the class's doodle panel is made by
    ``doodle_panel`` (given the teacher's check of a class's secret), none when it is not given."""

    def __init__(self, lab: LabTab, classes: Classes,
                 doodle_panel: "Callable[[Callable[[Any], Class]], DoodlePanel] | None" = None) -> None:
        self.lab, self.classes, self.registry = lab, classes, lab.registry
        self._doodle_panel = doodle_panel
        self._pictures: dict[str, TilePictures] = {}
        self._lock = threading.Lock()  # walls of several classes refresh on different server threads
        # the places classes keep for their students are kept free of other pages' runs (registry._admit)
        self.registry.kept_places, self.registry.seated = classes.empty_places, classes.seated
        lab.arrive = classes.arrive

    # ---- the teacher's side ---------------------------------------------------------------------------------
    def _class(self, state: Any) -> Class:
        if not state:
            raise messages.error(i18n.phrase("class.msg.start_first"))
        try:
            return self.classes.teacher(state.get("code"), state.get("secret"))
        except Refusal as exc:
            raise _said(exc) from None

    def card(self, c: Class) -> str:
        """One line for the projector: the code in large letters, the students' link and the places; the teacher's
        own link only as a copy button (its secret is never drawn)."""
        say = i18n.say
        return (f"<div class='gp-card' data-teach='{c.code}.{c.secret}'><span>{say('class.card.code')}</span>"
                f"<span class='code'>{c.code}</span><span>{say('class.card.students')} <a class='gp-link' "
                f"href='?class={c.code}' target='_blank'>?class={c.code}</a></span>"
                f"<span class='places'>{say('class.card.places', n=c.size)}</span>"
                f"<span class='secret'><button type='button' class='gp-teach-copy' title='{say('class.card.teacher')}'>"
                f"{say('class.card.copy')}</button> <span class='gp-copied' data-ok='{say('class.card.copied')}' "
                f"data-no='{say('class.card.not_copied')}'></span></span>"
                f"<span class='start'>{self.start_line(c)}</span></div>")

    @staticmethod
    def start_line(c: Class) -> str:
        """Which run the students start from, and why: the default ring is the run a class learns fastest
        (benchmarks/class_learn.py); a teacher who chose another run is told the class starts from it."""
        fastest = c.start.replace(seed=0) == default_config().replace(seed=0)
        return i18n.say("class.card.start_ring" if fastest else "class.card.start_own")

    def on_rejoin(self, evt: gr.EventData) -> list:
        """A teacher's tab reloaded: its script sends the teacher link it kept, and the page holds the wall again."""
        code, _, secret = str(getattr(evt, "teach", "") or "")[:64].partition(".")
        try:
            c = self.classes.teacher(code, secret)
        except Refusal:
            return [None, ENDED_CARD, gr.Timer(active=False), ""]  # the class has ended: the tab forgets it
        return [{"code": c.code, "secret": c.secret}, self.card(c), gr.Timer(active=True), self.challenge_line(c)]

    def on_start(self, size: Any, request: gr.Request) -> list:
        """A new class keeping ``size`` places, whose starting point is the teacher's own lab settings (the default
        run if none)."""
        own = self.registry.peek(request.session_hash or "")
        self.registry.reap()  # runs nobody uses do not count against the places
        taken = self.registry.keys()
        room = self.registry.max_runs - len(taken) - self.registry.kept_places(taken.__contains__)
        try:
            c = self.classes.start(own.config if own is not None else default_config(), clients.of_request(request),
                                   size, room=room)
        except Refusal as exc:
            raise _said(exc) from None
        state = {"code": c.code, "secret": c.secret}
        return [state, self.card(c), gr.Timer(active=True), self.challenge_line(c)]

    def on_load(self, request: gr.Request) -> list:
        """A page opened with the teacher link (?teach=CODE.SECRET) holds that class's wall."""
        teach = dict(request.query_params).get("teach")
        if not teach:
            return [gr.skip()] * 4
        code, _, secret = str(teach).partition(".")
        try:
            c = self.classes.teacher(code, secret)
        except Refusal as exc:
            return [None, f"<p>⚠ {i18n.said(exc.phrase)}</p>", gr.Timer(active=False), ""]
        return [{"code": c.code, "secret": c.secret}, self.card(c), gr.Timer(active=True), self.challenge_line(c)]

    def entry(self, student: Student, goal: float | None = None) -> Entry:
        """The student's run as the wall shows it; no tile when the page has no run (closed, freed, or lost with
        its worker process: the wall goes on)."""
        run = self.registry.peek(student.page)
        try:
            tile = run.tile(goal) if run is not None else None
        except Exception:  # noqa: BLE001
            tile = None
        return Entry(student.id, student.nickname, tile)

    def entries(self, c: Class) -> list[Entry]:
        goal = c.challenge.hq if c.challenge else None
        return [self.entry(s, goal) for s in list(c.students.values())]

    def pictures(self, c: Class) -> TilePictures:
        """The class's tile pictures; those of classes that ended on their own (timed out) are let go here."""
        with self._lock:
            for code in [k for k in self._pictures if k != c.code and k not in self.classes]:
                del self._pictures[code]
            return self._pictures.setdefault(c.code, TilePictures())

    def on_wall(self, state: Any, sort: str, shown: str) -> str:
        if not state:
            return gr.skip()
        c = self._class(state)
        pictures = self.pictures(c)
        sort = sort if sort in class_wall.SORTS else "name"
        shown = shown if shown in class_wall.SHOWN else "all"
        return class_wall.wall_html(self.entries(c), pictures, c.start, sort, shown, c.challenge,
                                    i18n.current_lang())

    def on_pick(self, state: Any, evt: gr.EventData) -> list:
        c = self._class(state)
        student = c.by_id(getattr(evt, "id", None))
        if student is None:
            raise messages.error(i18n.phrase("class.msg.no_student"))
        c.projected = student.id
        entry, lang = self.entry(student), i18n.current_lang()  # one reading of the run for both
        return [class_wall.project_html(entry, self.pictures(c), lang), gr.Timer(active=True),
                class_wall.settings_html(entry, lang), *[gr.Button(visible=True)] * len(PROJECTED_BUTTONS)]

    def on_project(self, state: Any) -> str:
        if not state:
            return gr.skip()
        c = self._class(state)
        student = c.by_id(c.projected)
        if student is None:
            return ""
        return class_wall.project_html(self.entry(student), self.pictures(c), i18n.current_lang())

    def on_unproject(self, state: Any) -> list:
        c = self._class(state)
        c.projected = None
        return ["", gr.Timer(active=False), "", *[gr.Button(visible=False)] * len(PROJECTED_BUTTONS)]

    def on_remove(self, state: Any) -> list:
        """The projected student leaves the class for good (their page cannot join it again), with their doodles;
        their run goes on as an ordinary page."""
        c = self._class(state)
        try:
            student = self.classes.remove(c.code, c.secret, c.projected)
        except Refusal as exc:
            raise _said(exc) from None
        n = c.drawing.pool.remove_page(student.page) if c.drawing is not None else 0
        messages.info(i18n.phrase("class.msg.student_removed", name=student.nickname, n=n))
        return self.on_unproject(state)

    def on_clear_doodles(self, state: Any) -> None:
        """The projected student's doodles leave the class's pool (the student stays)."""
        c = self._class(state)
        student = c.by_id(c.projected)
        if student is None:
            raise messages.error(i18n.phrase("class.msg.no_student"))
        n = c.drawing.pool.remove_page(student.page) if c.drawing is not None else 0
        messages.info(i18n.phrase("class.msg.doodles_cleared", name=student.nickname, n=n))

    def on_send(self, state: Any) -> None:
        """The projected run's settings to every student: each run restarts with them, from the student's own seed
        (their pages catch up at their next poll), and they become the class's starting point."""
        c = self._class(state)
        student = c.by_id(c.projected)
        run = self.registry.peek(student.page) if student else None
        if run is None:
            raise messages.error(i18n.phrase("class.msg.no_student"))
        c.start = run.config
        sent = 0
        for s in list(c.students.values()):
            other = self.registry.peek(s.page)
            if other is not None:
                other.restart(c.config_for(s))
                sent += 1
        c.pushed += 1
        messages.info(i18n.phrase("class.msg.sent", n=sent))

    def challenge_line(self, c: Class) -> str:
        if c.challenge is None:
            return i18n.say("class.challenge.none")
        return i18n.say("class.challenge.now", data=i18n.say(f"choice.{c.challenge.data}"),
                        hq=f"{100 * c.challenge.hq:.0f}")

    def on_challenge(self, state: Any, data: str, hq: Any) -> list:
        c = self._class(state)
        if data not in MODE_DATA:
            raise messages.error(i18n.phrase("class.msg.challenge_data"))
        share = float(hq) / 100 if isinstance(hq, (int, float)) else -1
        if not CHALLENGE_HQ[0] <= share <= CHALLENGE_HQ[1]:
            raise messages.error(i18n.phrase("class.msg.challenge_hq", lo=int(100 * CHALLENGE_HQ[0]),
                                             hi=int(100 * CHALLENGE_HQ[1])))
        c.challenge = Challenge(data, share)
        return [self.challenge_line(c), gr.Radio(value="challenge")]

    def on_end_ask(self, state: Any) -> list:
        """Ending a class loses its students' places and its doodle pool: say what, offer the pool, ask."""
        c = self._class(state)
        doodles_n = len(c.drawing.pool.snapshot()[1]) if c.drawing is not None else 0
        line = i18n.say("class.end.ask", students=len(c.students), doodles=doodles_n)
        return [gr.Group(visible=True), line, gr.Button(visible=doodles_n > 0)]

    def on_end_pool(self, state: Any, request: gr.Request) -> str:
        c = self._class(state)
        if c.drawing is None or self._doodle_panel is None:
            raise messages.error(i18n.phrase("class.msg.start_first"))
        return self._doodle_panel.pool_file(c.drawing, request.session_hash or "anonymous")

    def on_end(self, state: Any) -> list:
        c = self._class(state)
        self.classes.end(c.code, c.secret)
        if c.drawing is not None:
            c.drawing.playing = False  # its GAN's stream ends; the pool goes with the class
        with self._lock:
            self._pictures.pop(c.code, None)
        messages.info(i18n.phrase("class.msg.ended"))
        return [None, ENDED_CARD, gr.Timer(active=False), "", "", gr.Timer(active=False), "",
                *[gr.Button(visible=False)] * len(PROJECTED_BUTTONS), gr.Group(visible=False)]

    # ---- the student's side ---------------------------------------------------------------------------------
    def on_student_load(self, request: gr.Request) -> list:
        code = normal_code(dict(request.query_params).get("class"))[:16]
        if not code:
            return [gr.skip(), gr.skip(), gr.skip()]
        return [gr.Group(visible=True), i18n.say("class.join.intro", code=code), code]

    def on_join(self, code: str, nickname: str, request: gr.Request) -> list:
        """Join with the typed (or linked) code; the page's run restarts from the class's settings."""
        page = request.session_hash or "anonymous"
        try:
            c = self.classes.join(code, nickname, page, clients.of_request(request),
                                  gone=lambda p: p not in self.registry)
        except Refusal as exc:
            raise _said(exc) from None
        self.lab.page_reply("", request)  # makes the page's run if it had none
        run = self.registry.peek(page)
        if run is not None:
            run.restart(c.config_for(c.students[page]))  # the class's settings, from the student's own seed
        name = c.students[page].nickname
        joined = i18n.say("class.joined", code=c.code, name=messages.as_markdown(name))
        return [{"code": c.code, "pushed": c.pushed}, joined,
                gr.Timer(active=True), gr.Button(visible=False), gr.Button(visible=True), gr.Textbox(interactive=False),
                gr.Textbox(interactive=False), *self.lab.page_reply(i18n.phrase("class.msg.joined", code=c.code),
                                                                    request)]

    def on_leave(self, request: gr.Request) -> list:
        self.classes.leave(request.session_hash or "anonymous")
        return [None, i18n.say("class.left"), gr.Timer(active=False), gr.Button(visible=True), gr.Button(visible=False),
                gr.Textbox(interactive=True), gr.Textbox(interactive=True)]

    def on_poll(self, state: Any, request: gr.Request) -> list:
        """Every POLL_EVERY_S while in a class: catch up with settings the teacher sent, notice the class ended."""
        skip = [gr.skip()] * (3 + len(self.lab.outputs))
        if not state:
            return skip
        c = self.classes.class_of(request.session_hash or "anonymous")
        if c is None:
            return [None, i18n.say("class.ended"), gr.Timer(active=False), *[gr.skip()] * len(self.lab.outputs)]
        if c.pushed == state.get("pushed"):
            return skip
        return [{"code": c.code, "pushed": c.pushed}, gr.skip(), gr.skip(),
                *self.lab.page_reply(i18n.phrase("class.msg.pushed"), request)]

    def on_unload(self, request: gr.Request) -> None:
        self.classes.leave(request.session_hash or "anonymous")

    # ---- layout ------------------------------------------------------------------------------------------------
    def wire_join(self, box: JoinBox, page: Page) -> None:
        outputs = [box.state, box.intro, box.poll, box.join, box.leave, box.nickname, box.code]
        for event in (box.join.click, box.nickname.submit):
            event(self.on_join, [box.code, box.nickname], outputs + self.lab.outputs, show_progress="hidden")
        box.leave.click(self.on_leave, None, outputs)
        box.poll.tick(self.on_poll, [box.state], [box.state, box.intro, box.poll, *self.lab.outputs],
                      show_progress="hidden")
        page.demo.load(self.on_student_load, None, [box.group, box.intro, box.code], queue=False)
        page.demo.unload(self.on_unload)

    def create(self, page: Page) -> None:
        """The class tab: the teacher's controls, the wall, the projected run, the challenge."""
        T = i18n.text
        gr.Markdown(T("class.intro"), elem_id="class-intro")
        state = gr.State(None)
        with gr.Row(equal_height=False):
            size = gr.Number(DEFAULT_SIZE, label=T("class.size"), precision=0, minimum=1,
                             maximum=MAX_STUDENTS, elem_id="class-size", scale=0, min_width=120)
            start = gr.Button(T("class.start"), variant="primary", elem_id="class-start", scale=0)
            card = gr.HTML("", elem_id="class-card", js_on_load=CARD_JS, css_template=CSS, scale=1,
                           head=f"<style>{TEACHING_CSS}</style>")
            end = gr.Button(T("class.end"), variant="stop", elem_id="class-end", scale=0)
        with gr.Group(visible=False, elem_id="class-end-ask") as ask:
            ask_line = gr.Markdown(elem_id="class-end-line")
            with gr.Row():
                end_pool = gr.Button(T("class.end.pool"), elem_id="class-end-pool", scale=0)
                end_yes = gr.Button(T("class.end.yes"), variant="stop", elem_id="class-end-yes", scale=0)
                end_no = gr.Button(T("class.end.no"), elem_id="class-end-no", scale=0)
            end_file = gr.File(visible=False, interactive=False, elem_id="class-end-file")
        with gr.Row(elem_id="class-options"):  # folded: the wall's tiles start high on a 768-px projector
            with gr.Accordion(T("class.sort_and_shown"), open=False, elem_id="class-order"):
                with gr.Row():
                    sort = gr.Radio([(T(f"class.sort.{s}"), s) for s in class_wall.SORTS], value="name",
                                    label=T("class.sort"), elem_id="class-sort")
                    shown = gr.Radio([(T(f"class.shown.{s}"), s) for s in class_wall.SHOWN], value="all",
                                     label=T("class.shown"), elem_id="class-shown")
            with gr.Accordion(T("class.challenge"), open=False, elem_id="class-challenge"):
                with gr.Row():
                    data = gr.Dropdown(i18n.choices(MODE_DATA), value="ring8", label=T("class.challenge.data"),
                                       elem_id="class-challenge-data")
                    hq = gr.Slider(100 * CHALLENGE_HQ[0], 100 * CHALLENGE_HQ[1], value=90, step=5,
                                   label=T("class.challenge.hq"), elem_id="class-challenge-hq")
                    set_goal = gr.Button(T("class.challenge.set"), elem_id="class-challenge-set", scale=0)
                goal_line = gr.Markdown(elem_id="class-challenge-line")
        with gr.Row():
            unproject = gr.Button(T("class.unproject"), visible=False, elem_id="class-unproject", scale=0)
            send = gr.Button(T("class.send"), visible=False, variant="primary", elem_id="class-send", scale=0)
            clear = gr.Button(T("class.clear_doodles"), visible=False, elem_id="class-clear-doodles", scale=0)
            remove = gr.Button(T("class.remove"), visible=False, variant="stop", elem_id="class-remove", scale=0)
        projected = gr.HTML("", elem_id="class-projected", css_template=CSS, js_on_load=PROJECTED_JS)
        settings = gr.HTML("", elem_id="class-projected-settings", css_template=CSS)
        shown_with = [settings, unproject, send, clear, remove]  # the settings, then PROJECTED_BUTTONS in order
        wall = gr.HTML("", elem_id="class-wall", css_template=CSS, js_on_load=WALL_JS)
        wall_timer, project_timer = gr.Timer(WALL_EVERY_S, active=False), gr.Timer(PROJECT_EVERY_S, active=False)
        if self._doodle_panel is not None:
            self._doodle_panel(self._class).layout(state, wall_timer)

        quiet = dict(show_progress="hidden")
        start.click(self.on_start, size, [state, card, wall_timer, goal_line]).then(
            self.on_wall, [state, sort, shown], wall, **quiet)
        for timer_or_control in (wall_timer.tick, sort.change, shown.change):
            timer_or_control(self.on_wall, [state, sort, shown], wall, **quiet)
        wall.submit(self.on_pick, [state], [projected, project_timer, *shown_with], **quiet)
        project_timer.tick(self.on_project, [state], projected, **quiet)
        unproject.click(self.on_unproject, [state], [projected, project_timer, *shown_with])
        remove.click(self.on_remove, [state], [projected, project_timer, *shown_with])
        clear.click(self.on_clear_doodles, [state], None)
        send.click(self.on_send, [state], None)
        set_goal.click(self.on_challenge, [state, data, hq], [goal_line, sort])
        end.click(self.on_end_ask, [state], [ask, ask_line, end_pool])
        end_no.click(lambda: gr.Group(visible=False), None, ask, queue=False)
        end_pool.click(self.on_end_pool, [state], end_file).success(lambda: gr.File(visible=True), None, end_file,
                                                                    queue=False)
        end_yes.click(self.on_end, [state], [state, card, wall_timer, wall, projected, project_timer, *shown_with,
                                             ask])
        page.demo.load(self.on_load, None, [state, card, wall_timer, goal_line], queue=False)
        card.submit(self.on_rejoin, None, [state, card, wall_timer, goal_line])




def create(page: Page, mode: ClassMode) -> None:
    """The class tab (app.py builds ``mode`` over the lab, as it hands the lab its registry)."""
    mode.create(page)
