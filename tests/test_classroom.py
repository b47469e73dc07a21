"""Class mode: joining with valid, invalid and expired codes, the rate limits, nicknames, the teacher's secret,
leaving and re-joining, ending a class, the wall's tiles, sorting, filtering, the challenge's ranking, and sending
settings to everyone."""
import html
import json
from types import SimpleNamespace

import gradio as gr
import numpy as np

import pytest

from conftest import ManualClock
from toy2d.config import TrainConfig

from playground.services import class_wall
from playground.services import classes as class_rules
from playground.tabs import doodles as doodles_tab
from playground.services.class_wall import Entry, TilePictures
from playground.services.classes import Challenge, Classes, Refusal
from playground.lab.session import LabSession


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def classes(clock):
    return Classes(clock)


def refused(key):
    return pytest.raises(Refusal, match=key.replace(".", r"\."))


def test_a_class_has_an_unambiguous_code_and_a_separate_secret(classes):
    c = classes.start(TrainConfig())
    assert len(c.code) == class_rules.CODE_LENGTH and set(c.code) <= set(class_rules.ALPHABET)
    assert not set("01OIL") & set(class_rules.ALPHABET)
    assert len(c.secret) >= 20 and c.secret != c.code
    assert classes.teacher(c.code.lower(), c.secret) is c  # a code typed in lower case is the same code
    with refused("class.msg.not_teacher"):
        classes.teacher(c.code, c.secret[:-1] + ("x" if c.secret[-1] != "x" else "y"))
    with refused("class.msg.not_teacher"):
        classes.teacher(c.code, None)


def test_joining_with_a_valid_code_an_invalid_one_and_an_expired_one(classes, clock):
    c = classes.start(TrainConfig())
    assert classes.join(f" {c.code[:4]}-{c.code[4:].lower()} ", "Mina", "page-1", "10.0.0.1") is c
    assert classes.class_of("page-1") is c and c.students["page-1"].nickname == "Mina"
    with refused("class.msg.no_class"):
        classes.join("ZZZZZZZZ", "Jun", "page-2", "10.0.0.1")
    clock.now += class_rules.CLASS_IDLE_S + 1  # nobody looked at the wall for half an hour
    with refused("class.msg.no_class"):
        classes.join(c.code, "Jun", "page-2", "10.0.0.1")
    assert classes.class_of("page-1") is None and len(classes) == 0


def test_a_watched_class_still_ends_after_its_longest_time(classes, clock):
    c = classes.start(TrainConfig())
    for _ in range(int(class_rules.CLASS_MAX_S // class_rules.CLASS_IDLE_S) + 1):
        clock.now += class_rules.CLASS_IDLE_S - 1
        if classes.reap():
            break
        classes.teacher(c.code, c.secret)  # the wall refreshes
    assert len(classes) == 0


@pytest.mark.parametrize("wrong", [10, 50, 200])
def test_a_class_behind_one_address_joins_with_right_codes_after_many_wrong_ones(classes, clock, wrong):
    """A per-address lock turned every right code away for a minute after ten typos (or one troll) on the school's
    router. Wrong codes now cost only the pages that typed them."""
    c = classes.start(TrainConfig())
    for i in range(wrong):  # typos and a troll, from pages of the same school address
        with refused("class.msg.no_class"):
            classes.join("AAAAAAAA", "guess", f"typo-{i % 7}" if i < 10 else f"troll-{i}", "school")
    for i in range(30):  # then the class, on the same address, in the same minute
        assert classes.join(c.code, f"student {i}", f"page-{i}", "school") is c
    assert len(c.students) == 30


def test_guessing_costs_the_guessing_page_more_and_more(classes, clock):
    c = classes.start(TrainConfig())
    for _ in range(class_rules.FREE_WRONG):
        with refused("class.msg.no_class"):
            classes.join("AAAAAAAA", "guess", "prober", "x")
    waits = []
    for _ in range(4):
        with refused("class.msg.no_class"):
            classes.join("AAAAAAAA", "guess", "prober", "x")
        with refused("class.msg.slow_down"):  # refused before the code is even looked at…
            classes.join(c.code, "guess", "prober", "x")
        start = clock.now
        while True:
            clock.now += 0.5
            try:
                classes._count_try("prober")
                break
            except Refusal:
                pass
        waits.append(clock.now - start)
        clock.now += class_rules.JOIN_WINDOW_S  # (the per-minute count is not what is measured here)
    assert waits == sorted(waits) and waits[-1] >= 4 * waits[0]  # …for longer after each wrong code
    clock.now += class_rules.BACKOFF_MAX_S
    assert classes.join(c.code, "late but right", "prober", "x") is c  # a right code still joins after the wait


def test_a_class_keeps_its_size_refuses_removed_pages_and_ends_sooner_if_nobody_joins(classes, clock):
    c = classes.start(TrainConfig(), "teacher-address", size=2)
    classes.join(c.code, "A", "a", "")
    classes.join(c.code, "B", "b", "")
    with refused("class.msg.class_full"):
        classes.join(c.code, "C", "c", "")
    removed = classes.remove(c.code, c.secret, c.students["b"].id)
    assert removed.nickname == "B" and "b" not in c.students
    with refused("class.msg.removed"):
        classes.join(c.code, "B again", "b", "")
    assert classes.join(c.code, "C", "c", "") is c
    with refused("class.msg.not_teacher"):
        classes.remove(c.code, "not the secret", c.students["a"].id)
    quiet = classes.start(TrainConfig(), "teacher-address")
    clock.now += class_rules.UNJOINED_S + 1
    classes.teacher(c.code, c.secret)
    classes.teacher(quiet.code, quiet.secret) if quiet.code in classes else None
    assert c.code in classes and quiet.code not in classes


def test_one_address_starts_a_few_classes_and_the_server_keeps_places_it_has(clock):
    """A script started every class the server allowed in 8.7 s, and a real teacher was refused."""
    classes = Classes(clock, seats_most=100)
    for _ in range(class_rules.CLASSES_PER_ADDRESS):
        classes.start(TrainConfig(), "one school", size=10)
    with refused("class.msg.classes_per_address"):
        classes.start(TrainConfig(), "one school", size=10)
    classes.start(TrainConfig(), "a script", size=40)
    with refused("class.msg.places_per_address"):
        classes.start(TrainConfig(), "a script", size=class_rules.PLACES_PER_ADDRESS - 40 + 1)
    classes.start(TrainConfig(), "another school", size=40)  # a real teacher still finds places…
    with refused("class.msg.no_places"):
        classes.start(TrainConfig(), "a third school", size=11)  # …as long as the server has them (100 here)
    for bad in (0, 61, 2.5, "many", None):
        with refused("class.msg.size"):
            classes.start(TrainConfig(), "a fourth", size=bad)


def test_one_page_cannot_hammer_the_join(classes):
    c = classes.start(TrainConfig())
    for i in range(class_rules.PAGE_TRIES):
        classes.join(c.code, f"name {i}", "page", f"addr-{i}")
    with refused("class.msg.slow_down"):
        classes.join(c.code, "again", "page", "addr-x")


@pytest.mark.parametrize("nickname, key", [("", "class.msg.nickname_empty"),
                                           ("   \u200b\n", "class.msg.nickname_empty"),
                                           ("x" * 21, "class.msg.nickname_long")])
def test_bad_nicknames_are_refused(classes, nickname, key):
    c = classes.start(TrainConfig())
    with refused(key):
        classes.join(c.code, nickname, "page", "a")


@pytest.mark.parametrize("invisible", ["\u3164\u3164", "\u115f", "\u2800\u2800 ", "\u200b\u200d", "\uffa0"])
def test_a_nickname_with_no_ink_is_refused(classes, invisible):
    c = classes.start(TrainConfig())
    with refused("class.msg.nickname_empty"):
        classes.join(c.code, invisible, "page", "a")


@pytest.mark.parametrize("lookalike", ["Mіna", "MINA", "Ｍｉｎａ", "Μina"])  # Cyrillic і, case, full width, Greek Μ
def test_a_nickname_that_looks_like_one_in_the_class_is_taken(classes, lookalike):
    c = classes.start(TrainConfig())
    classes.join(c.code, "Mina", "page-1", "a")
    with refused("class.msg.nickname_taken"):
        classes.join(c.code, lookalike, "page-2", "a")
    assert classes.join(c.code, "Minah", "page-2", "a") is c


def test_an_apostrophe_in_a_nickname_is_shown_as_typed():
    from playground.messages import as_markdown

    assert as_markdown("O'Neil") == "O'Neil" and "&#x27;" not in as_markdown("Jo's \"pad\"")


def test_nicknames_are_unique_in_a_class_and_a_reloaded_page_takes_its_own_back(classes):
    c = classes.start(TrainConfig())
    classes.join(c.code, "Mina", "old-page", "a")
    with refused("class.msg.nickname_taken"):
        classes.join(c.code, "mina", "new-page", "a")
    classes.join(c.code, "Mina", "new-page", "a", gone=lambda page: page == "old-page")  # the old page closed
    assert list(c.students) == ["new-page"]


def test_leaving_and_rejoining_keeps_one_entry_and_its_id(classes):
    c = classes.start(TrainConfig())
    classes.join(c.code, "Mina", "p", "a")
    first = c.students["p"].id
    classes.join(c.code, "Mina K", "p", "a")  # the same page again: renamed, same place on the wall
    assert len(c.students) == 1 and c.students["p"].id == first and c.students["p"].nickname == "Mina K"
    classes.leave("p")
    assert classes.class_of("p") is None
    classes.join(c.code, "Mina", "p", "a")
    assert classes.class_of("p") is c


def test_ending_a_class_frees_it_and_needs_the_secret(classes):
    c = classes.start(TrainConfig())
    classes.join(c.code, "Mina", "p", "a")
    with refused("class.msg.not_teacher"):
        classes.end(c.code, "guess")
    assert classes.end(c.code, c.secret) == ["p"]
    assert len(classes) == 0 and classes.class_of("p") is None
    with refused("class.msg.no_class"):
        classes.join(c.code, "Jun", "q", "a")


def test_a_page_is_in_one_class_at_a_time(classes):
    a, b = classes.start(TrainConfig()), classes.start(TrainConfig())
    classes.join(a.code, "Mina", "p", "x")
    classes.join(b.code, "Mina", "p", "x")
    assert classes.class_of("p") is b and "p" not in a.students


# ---- the wall -------------------------------------------------------------------------------------------------
def trained(config: TrainConfig, iterations: int) -> LabSession:
    from playground.lab.protocol import FrameRequest

    s = LabSession(config)
    while s.trainer.iteration < iterations:
        s.frame(FrameRequest(token=s.token, action="step", n=min(200, iterations - s.trainer.iteration)))
    s.frame(FrameRequest(token=s.token, action="frame", n=1))
    return s


@pytest.fixture(scope="module")
def sessions():
    good = TrainConfig(data="ring8", seed=0)
    return {"fresh": LabSession(good), "trained": trained(good, 1500)}


@pytest.fixture(scope="module")
def tiles(sessions):
    return {name: s.tile() for name, s in sessions.items()}


def test_a_tile_reads_the_run_without_training_it(tiles):
    t = tiles["trained"]
    assert t.iteration == 1500 and t.view is not None and t.modes_total == 8
    assert len(class_wall.picture(t)) > 1000  # a JPEG of the view


def test_markup_in_a_nickname_is_shown_as_text(tiles):
    evil = "<img src=x onerror=alert(1)>"
    out = class_wall.wall_html([Entry("id1", evil, tiles["fresh"])], TilePictures(), TrainConfig(), "name", "all", None,
                               "en")
    assert evil not in out and html.escape(evil) in out


def test_a_tile_names_the_settings_that_differ_from_the_class_start(tiles):
    changed = class_wall.changes(TrainConfig(lr_d=0.01, data="grid25"), TrainConfig(), "ko")
    assert any("D 학습률" in c and "0.01" in c for c in changed) and any("grid25" in c for c in changed)
    assert class_wall.changes(TrainConfig(), TrainConfig(), "en") == []


def entry(name, tile, **changes):
    import dataclasses

    return Entry(name, name, dataclasses.replace(tile, **changes) if tile is not None else None)


def test_sorting_by_modes_covered_and_filtering(tiles):
    t = tiles["trained"]
    es = [entry("a", t, modes=3, hq=0.9), entry("b", t, modes=8, hq=0.95), entry("c", t, modes=5, hq=0.2,
                                                                                   collapsed=True),
          entry("d", None)]
    assert [e.id for e in class_wall.order(es, "modes")] == ["b", "c", "a", "d"]
    assert [e.id for e in class_wall.keep(es, "covered")] == ["b"]
    assert [e.id for e in class_wall.keep(es, "collapsed")] == ["c"]


def test_the_challenge_ranks_a_run_that_met_it_above_ones_that_did_not(tiles):
    t = tiles["trained"]
    goal = Challenge("ring8", 0.9)
    es = [entry("slow", t, met_at=None, modes=7), entry("fast", t, met_at=900), entry("later", t, met_at=1400),
          entry("other data", t, met_at=100, config=TrainConfig(data="grid25"))]
    ranked = [e.id for e in class_wall.order(es, "challenge", goal)]
    assert ranked[:2] == ["fast", "later"] and ranked.index("slow") > 1
    out = class_wall.wall_html(es, TilePictures(), TrainConfig(), "challenge", "all", goal, "en")
    assert out.index("fast") < out.index("later") and "#1" in out and "#2" in out


def test_met_at_is_the_first_measured_iteration_with_every_mode_at_the_goal(sessions):
    s = sessions["trained"]
    rows = s.metrics.rows  # [iteration, kl, js, modes covered, hq %, …]
    best = max(r[4] or 0 for r in rows if r[3] == 8)
    goal = best / 100 - 0.01  # a goal this run met: at its first row with 8 modes and that quality
    assert s.tile(goal).met_at == next(r[0] for r in rows if r[3] == 8 and (r[4] or 0) >= 100 * goal)
    assert s.tile(best / 100 + 0.01).met_at is None and s.tile(None).met_at is None


def test_tile_pictures_are_drawn_again_only_when_the_run_moved(tiles):
    pics = TilePictures()
    e = Entry("x", "x", tiles["trained"])
    first = pics.uri(e)
    assert first is pics.uri(e) and first.startswith("data:image/jpeg;base64,")
    assert pics.uri(entry("x", tiles["trained"], iteration=1501)) is not first


# ---- the tab's handlers, as Gradio calls them (no browser) -----------------------------------------------------
def request(page: str, address: str = "10.0.0.9", **query):
    from types import SimpleNamespace

    return SimpleNamespace(session_hash=page, query_params=query, headers={}, client=SimpleNamespace(host=address))


@pytest.fixture
def mode(lab, monkeypatch):
    from playground.tabs import classroom as tab

    monkeypatch.setattr(tab.messages, "info", lambda *a, **k: None)
    return tab.ClassMode(lab, Classes(), doodles_tab.TeacherDoodles)  # as app.py builds it


def started(mode, teacher="teacher-page"):
    state, card, _, _ = mode.on_start(class_rules.DEFAULT_SIZE, request(teacher, address=teacher))
    return state, card


def joined(mode, state, page, name):
    code = mode.on_student_load(request(page, **{"class": state["code"]}))[2]
    return mode.on_join(code, name, request(page))[0]


def test_the_teachers_card_gives_the_code_and_both_links_and_the_class_starts_from_the_teachers_settings(mode):
    mode.lab.page_reply("", request("teacher-page"))
    mode.registry.peek("teacher-page").restart(TrainConfig(data="grid25"))
    state, card = started(mode)
    c = mode.classes.teacher(state["code"], state["secret"])
    assert state["code"] in card and f"?class={state['code']}" in card and state["secret"] in card
    assert c.start.data == "grid25" and "started from your run's settings" in card  # the card says which run


def test_a_class_from_the_default_run_says_on_its_card_it_is_the_run_a_class_learns_fastest(mode):
    mode.lab.page_reply("", request("teacher-page"))  # the teacher's own page: the default ring
    _, card = started(mode)
    assert "started from the ring of 8" in card and "learns fastest" in card


def test_a_student_joins_and_their_run_starts_from_the_class_settings(mode):
    mode.lab.page_reply("", request("teacher-page"))
    mode.registry.peek("teacher-page").restart(TrainConfig(data="grid25"))
    state, _ = started(mode)
    student = joined(mode, state, "s1", "Mina")
    assert student["code"] == state["code"]
    assert mode.registry.peek("s1").config.data == "grid25"
    html_out = mode.on_wall(state, "name", "all")
    assert "Mina" in html_out and html_out.count("gp-tile") == 1


def test_a_wrong_code_gets_a_message_and_joins_nothing(mode):
    import gradio as gr

    started(mode)
    with pytest.raises(gr.Error, match="no running class"):
        mode.on_join("AAAAAAAA", "Mina", request("s1"))
    assert mode.classes.class_of("s1") is None


def test_only_the_teacher_link_opens_the_wall(mode):
    import gradio as gr

    state, _ = started(mode)
    joined(mode, state, "s1", "Mina")
    for fake in ({"code": state["code"]}, {"code": state["code"], "secret": "guess"},
                 {"code": state["code"], "secret": state["code"]}):
        with pytest.raises(gr.Error, match="not a teacher link"):
            mode.on_wall(fake, "name", "all")
    assert mode.on_load(request("other", teach=f"{state['code']}.wrong"))[0] is None
    opened = mode.on_load(request("projector-pc", teach=f"{state['code']}.{state['secret']}"))
    assert opened[0] == state  # the teacher link on another computer holds the same wall


def test_students_start_from_the_class_settings_each_with_their_own_seed(mode):
    """Thirty identical runs would make a wall of one picture and every challenge a draw: a student's run is the
    class's settings from the student's own seed, and the wall does not call that seed a change."""
    state, _ = started(mode)
    for page, name in (("s1", "Mina"), ("s2", "Jun")):
        joined(mode, state, page, name)
    c = mode.classes.teacher(state["code"], state["secret"])
    a, b = (mode.registry.peek(p).config for p in ("s1", "s2"))
    assert a.seed != b.seed and a.replace(seed=c.start.seed) == c.start == b.replace(seed=c.start.seed)
    assert class_wall.changes(a, c.start, "en") == []


def test_projecting_a_tile_and_sending_its_settings_to_everyone(mode):
    state, _ = started(mode)
    for page, name in (("s1", "Mina"), ("s2", "Jun"), ("s3", "Ara")):
        joined(mode, state, page, name)
    mode.registry.peek("s2").restart(TrainConfig(lr_g=0.01, data="ring8"))
    c = mode.classes.teacher(state["code"], state["secret"])
    jun = next(s for s in c.students.values() if s.nickname == "Jun")
    projected, _, settings, *buttons = mode.on_pick(state, type("Evt", (), {"id": jun.id})())
    assert "Jun" in projected and "0.01" in settings and "<details" in settings  # settings on demand…
    assert "<table" not in mode.on_project(state) and "Jun" in mode.on_project(state)  # …not in every refresh
    runs_before = {p: mode.registry.peek(p).run_id for p in ("s1", "s3")}
    mode.on_send(state)
    for page in ("s1", "s3"):
        run = mode.registry.peek(page)
        assert run.config.lr_g == 0.01 and run.run_id > runs_before[page]  # restarted with Jun's settings
    assert c.start.lr_g == 0.01 and c.pushed == 1
    configs = [mode.registry.peek(p).config for p in ("s1", "s2", "s3")]
    assert all(cfg.replace(seed=0) == c.start.replace(seed=0) for cfg in configs)  # the class's settings…
    assert len({cfg.seed for cfg in configs}) == 3  # …each from the student's own first weights
    polled = mode.on_poll({"code": c.code, "pushed": 0}, request("s1"))
    assert polled[0]["pushed"] == 1 and "teacher sent new settings" in json_message(polled[3])
    assert all(v == gr_skip() for v in mode.on_poll({"code": c.code, "pushed": 1}, request("s1")))


def test_markup_in_a_nickname_stays_text_on_the_wall_and_the_projection(mode):
    state, _ = started(mode)
    evil = "<b onclick=x>M</b>"
    joined(mode, state, "s1", evil)
    c = mode.classes.teacher(state["code"], state["secret"])
    wall = mode.on_wall(state, "name", "all")
    projected = mode.on_pick(state, type("Evt", (), {"id": c.students["s1"].id})())[0]
    assert evil not in wall and evil not in projected and html.escape(evil) in wall


def test_leaving_rejoining_and_ending_the_class(mode):
    state, _ = started(mode)
    joined(mode, state, "s1", "Mina")
    mode.on_leave(request("s1"))
    assert "Mina" not in mode.on_wall(state, "name", "all")
    joined(mode, state, "s1", "Mina")
    assert "Mina" in mode.on_wall(state, "name", "all")
    mode.on_end(state)
    assert len(mode.classes) == 0 and mode.registry.peek("s1") is not None  # the run goes on
    ended = mode.on_poll({"code": state["code"], "pushed": 0}, request("s1"))
    assert ended[0] is None and "ended" in ended[1]


def gr_skip():
    import gradio as gr

    return gr.skip()


def json_message(view_value: str) -> str:
    import json

    return json.loads(view_value)["message"]


def test_a_class_that_ended_on_its_own_lets_its_tile_pictures_go(mode):
    a, _ = started(mode, "teacher-a")
    b, _ = started(mode, "teacher-b")
    mode.on_wall(a, "name", "all")
    assert a["code"] in mode._pictures
    mode.classes.end(a["code"], a["secret"])  # as a timeout does: not through the tab
    mode.on_wall(b, "name", "all")
    assert a["code"] not in mode._pictures and b["code"] in mode._pictures


def test_a_nickname_with_markdown_marks_is_said_as_typed_when_joining(mode):
    state, _ = started(mode)
    code = mode.on_student_load(request("s1", **{"class": state["code"]}))[2]
    intro = mode.on_join(code, "*Mina*_<b>", request("s1"))[1]
    assert "\\*Mina\\*\\_" in intro and "<b>" not in intro


def test_a_bots_pages_cannot_take_a_started_classs_places(lab, monkeypatch):
    """All 100 live runs were taken in 33 s by one script: a class's students then got "server is full"."""
    from playground.tabs import classroom as tab

    monkeypatch.setattr(tab.messages, "info", lambda *a, **k: None)
    monkeypatch.setattr(lab.registry, "max_runs", 24)
    mode = tab.ClassMode(lab, Classes())
    state, _, _, _ = mode.on_start(8, request("teacher", address="school"))
    bots = [f"bot-{i % 4}-{i}" for i in range(40)]  # the script: pages without the class's code, four addresses
    got = sum(json.loads(lab.on_load(request(page, address=page[:5]))[0])["token"] is not None for page in bots)
    assert got == 24 - 8  # all but the class's places
    for i in range(8):  # the students, with the class's link
        view = json.loads(lab.on_load(request(f"student-{i}", address="school", **{"class": state["code"]}))[0])
        assert view["token"], view
        joined(mode, state, f"student-{i}", f"student {i}")
    c = mode.classes.teacher(state["code"], state["secret"])
    assert len(c.students) == 8 and all(lab.registry.peek(f"student-{i}") for i in range(8))
    with pytest.raises(gr.Error, match="cannot keep 8 places"):  # a full server cannot promise places it has not
        mode.on_start(8, request("second teacher", address="another school"))


def test_one_address_opens_at_most_its_share_of_runs(lab, monkeypatch):
    from playground import limits

    monkeypatch.setattr(limits, "RUNS_PER_ADDRESS", 5)
    views = [json.loads(lab.on_load(request(f"p{i}", address="one"))[0]) for i in range(8)]
    assert sum(v["token"] is not None for v in views) == 5 and "network" in views[-1]["message"]
    assert json.loads(lab.on_load(request("q", address="another"))[0])["token"]


def test_the_teacher_removes_a_student_and_their_doodles(mode):
    from playground.tabs import doodles

    state, _ = started(mode)
    joined(mode, state, "s1", "Mina")
    joined(mode, state, "s2", "Joon")
    c = mode.classes.teacher(state["code"], state["secret"])
    pool = doodles.class_drawing(c).pool
    for page in ("s1", "s1", "s2"):
        pool.add(np.ones((28, 28)), page)
    mode.on_pick(state, SimpleNamespace(id=c.students["s1"].id))
    out = mode.on_remove(state)
    assert "s1" not in c.students and pool.count() == 1 and pool.count("s1") == 0
    assert out[0] == out[2] == "" and all(b.visible is False for b in out[3:])
    with pytest.raises(gr.Error):  # removed: the page cannot come back with the code
        mode.on_join(state["code"], "Mina again", request("s1"))
    mode.on_pick(state, SimpleNamespace(id=c.students["s2"].id))
    mode.on_clear_doodles(state)
    assert pool.count() == 0 and "s2" in c.students


def test_ending_a_class_offers_its_doodle_pool_as_a_file(mode):
    state, _ = started(mode)
    joined(mode, state, "s1", "Mina")
    c = mode.classes.teacher(state["code"], state["secret"])
    with pytest.raises(gr.Error):  # nothing drawn yet: no pool to offer
        mode.on_end_pool(state, request("teacher-page"))
    doodles_tab.class_drawing(c).pool.add(np.ones((28, 28)), "s1")
    path = mode.on_end_pool(state, request("teacher-page"))
    assert path.endswith(".npz") and open(path, "rb").read(2) == b"PK"
