"""The 2D experiments tab's handlers (A/B compare, VAE vs GAN, conditional GAN) without a browser."""
import math

import gradio as gr
import numpy as np
from PIL import Image, ImageDraw
import pytest

from playground import live_loop

from playground.pictures import compare as compare_frames
from toy2d import reasons
from toy2d.live import Divergence
from playground.tabs import experiments2d as ex
from toy2d.modes import ModeHistory
from toy2d.compare import Lane
from conftest import Stepped


def ab(pair=ex.DEFAULT_PAIR, seed=0):
    values = ex.ab_pair(pair)
    return ex.ab_new(None, values[0], seed, *values[1:])


def test_every_ready_made_pair_builds_two_different_runs_on_one_data_set():
    for name in ex.PAIRS:
        run, picture, line, button = ab(name)
        a, b = (t.model.config for t in run.lock.lanes)
        assert a.data == b.data == ex.PAIRS[name][0] and a.seed == b.seed
        assert a != b, name
        assert picture.size[0] > 600 and "A: iteration 0" in line and "B: iteration 0" in line


def test_the_panel_numbers_reach_the_runs():
    values = ex.ab_pair("kd-1-5")
    run, *_ = ex.ab_new(None, values[0], 3, *values[1:])
    a, b = (t.model.config for t in run.lock.lanes)
    assert (a.k_d, b.k_d, a.seed, b.seed) == (1, 5, 3, 3)


def test_changing_a_sides_loss_refills_its_numbers_from_the_recipe():
    loss, opt, lr_d, lr_g, k_d, k_g, r1 = ex.ab_side("ring8", ex.RECIPE, "wgan")
    assert (loss, opt, k_d, r1) == ("wgan", "rmsprop", 5, 0.0)
    assert ex.ab_side("ring8", "collapse")[3] == 5e-3  # a preset as the base: its own G learning rate


@pytest.mark.parametrize("index, bad", [(3, math.nan), (3, -1.0), (5, 2.5), (5, 99), (1, "nope")])
def test_bad_panel_values_raise_a_message_and_build_nothing(index, bad):
    values = ex.ab_pair(ex.DEFAULT_PAIR)
    values[1 + index] = bad
    with pytest.raises(gr.Error):
        ex.ab_new(None, values[0], 0, *values[1:])
    with pytest.raises(gr.Error):
        ex.ab_new(None, "points", 0, *ex.ab_pair(ex.DEFAULT_PAIR)[1:])


def test_play_streams_frames_until_pause_and_reset_ends_the_old_stream():
    run, *_ = ab()
    run, button = ex.toggle(run)
    assert run.playing and button.value == str(live_loop.PAUSE_LABEL)
    frames = Stepped(ex.stream(run, 3, None))
    first = next(frames)
    assert run.lock.iteration == 3 and first[0].size[0] > 600
    new, *_ = ex.ab_new(run, *ex.ab_pair(ex.DEFAULT_PAIR)[:1], 0, *ex.ab_pair(ex.DEFAULT_PAIR)[1:])
    assert not run.playing and not new.playing
    assert [out[-1].value for out in frames] in ([], [str(live_loop.PLAY_LABEL)])  # the old stream ends at once


def test_picking_a_pair_fills_the_panel_and_builds_its_runs_in_one_event():
    old, *_ = ab()
    old.playing = True
    name = "kd-1-5"
    out = ex.ab_pick(old, name, 4)
    assert out[:-4] == ex.ab_pair(name)
    run, picture, line, button = out[-4:]
    assert not old.playing and not run.playing and button.value == str(live_loop.PLAY_LABEL)
    assert [t.model.config.k_d for t in run.lock.lanes] == [1, 5] and run.lock.lanes[0].model.config.seed == 4
    assert all(isinstance(v, type(gr.skip())) for v in ex.ab_pick(old, "no such pair", 4))


def test_play_on_a_run_that_a_reset_paused_answers_play_and_keeps_the_view():
    """Play pressed while a Reset replaces the run: the stream finds a paused run. Gradio blanks every output of a
    generator that yields nothing, so it must yield once: the view untouched, the button back to Play."""
    run, *_ = ab()
    out = list(Stepped(ex.stream(run, 3, None)))
    assert len(out) == 1 and out[0][-1].value == str(live_loop.PLAY_LABEL)
    assert all(isinstance(v, type(gr.skip())) for v in out[0][:-1]) and len(out[0]) == 3
    assert run.lock.iteration == 0


def test_step_measures_both_runs_at_that_iteration():
    run, *_ = ab()
    picture, line = ex.single_step(run)
    assert [t.rows[-1]["iteration"] for t in run.lock.lanes] == [1, 1]
    assert "iteration 1" in line


def test_first_visit_builds_once():
    build = ex.first_visit(ex.vae_new)
    run, picture, line, _ = build(None, "ring8", 0, "nonsaturating", 1.0, True)
    assert [t.name for t in run.lock.lanes] == ["GAN", "VAE"]
    assert all(v is not None for v in (picture, line))
    again = build(run, "ring8", 0, "nonsaturating", 1.0, True)
    assert all(isinstance(v, type(gr.skip())) for v in again)


def test_vae_settings_are_checked():
    with pytest.raises(gr.Error, match="β"):
        ex.vae_new(None, "ring8", 0, "nonsaturating", -1.0, True)
    run, *_ = ex.vae_new(None, "ring8", 0, "hinge", 0.5, False)
    vae = run.lock.lanes[1].model
    assert vae.config.beta == 0.5 and not vae.log_sigma.requires_grad


def test_conditional_tab_switches_class_without_restarting():
    run, picture, line, _ = ex.cgan_new(None, "grid25", 0, "nonsaturating", 24)
    assert "Class 24" in line and run.trainer.classes == 25
    run.advance(20)
    picture, line = ex.cgan_label(run, 3)
    assert "Class 3" in line and run.trainer.iteration == 20
    with pytest.raises(gr.Error, match="0 to 24"):
        ex.cgan_label(run, 25)
    with pytest.raises(gr.Error):
        ex.cgan_new(None, "moons", 0, "nonsaturating", 0)  # no modes, no classes
    assert [v for _, v in ex.cgan_classes("disjoint").choices] == [0, 1, 2]


def test_a_diverging_conditional_run_pauses_with_a_warning(monkeypatch):
    run, *_ = ex.cgan_new(None, "ring8", 0, "nonsaturating", 0)
    run.playing = True
    warnings = []
    monkeypatch.setattr(gr, "Warning", lambda m, **kw: warnings.append(m))
    run.trainer.diverged = Divergence(3, "D", reasons.stopped("became", value="nan"))
    run.render()
    assert not run.playing and "diverged at iteration 3" in warnings[0] and "became nan" in warnings[0]


def test_mode_timeline_paints_covered_modes_only():
    h = ModeHistory(total=4)
    h.record(100, {0})
    h.record(200, {3})
    img = np.asarray(compare_frames.timeline(Lane("A", None, mode_history=h), (255, 0, 0)))
    red = (img[..., 0] > 200) & (img[..., 1] < 60)
    rows = np.flatnonzero(red.any(axis=1))
    row_h, top = compare_frames.timeline_row_h(4), compare_frames.TIMELINE_TOP
    assert set(((rows - top) // row_h).tolist()) == {0, 3}
    cols_mode0 = np.flatnonzero(red[top + row_h // 2])
    cols_mode3 = np.flatnonzero(red[top + 3 * row_h + row_h // 2])
    assert cols_mode0.max() < cols_mode3.min()  # older measurement to the left


def test_a_live_picture_redraws_its_slow_layers_a_few_times_a_second_and_charts_on_new_measurements(monkeypatch):
    """What moves every frame (the fakes) is painted every frame; D's heatmap, G's manifold and the real samples
    only every HEAVY_EVERY_S; a chart only when a measurement was added."""
    now = [100.0]
    monkeypatch.setattr(compare_frames.time, "perf_counter", lambda: now[0])
    run, *_ = ab()
    book = run.book
    backgrounds = {name: c.background for name, c in book.panels.items()}
    charts = dict(book.charts)
    first, _ = run.render()
    run.advance(5)
    moved, _ = run.render()
    assert all(book.panels[n].background is b for n, b in backgrounds.items())  # within HEAVY_EVERY_S: kept
    assert all(book.charts[k][1] is v[1] for k, v in charts.items())  # no new measurement: the same charts
    assert np.abs(np.asarray(moved, float) - np.asarray(first, float)).max() > 0  # but the fakes moved
    now[0] += compare_frames.HEAVY_EVERY_S
    run.render()
    assert all(book.panels[n].background is not b for n, b in backgrounds.items())
    run.advance(100)  # a measurement at iteration 100
    run.render()
    assert book.charts["js"][1] is not charts["js"][1] and book.charts["js"][0] != charts["js"][0]


def test_the_pictures_text_fits_and_titles_wrap():
    assert compare_frames.wrap("a b c", 1000) == ["a b c"]
    lines = compare_frames.wrap("B: collapse-fixed, nonsaturating, adam 0.003/0.003, kD 1 and more words here",
                                compare_frames.PANEL - 12)
    assert len(lines) >= 2
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    assert all(draw.textlength(line, font=compare_frames.font()) <= compare_frames.PANEL - 12 for line in lines)
    # the picture's own text: nothing Pillow's default font has no glyph for (it would show as a box)
    run, picture, *_ = ex.vae_new(None, "moons", 0, "nonsaturating", 0.5, False)
    assert all(t.isascii() for t in run.titles)
