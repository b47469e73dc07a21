"""The digit GANs tab's handlers as the page calls them."""
import dataclasses

import gradio as gr
import pytest
from PIL import Image

from playground import live_loop
from playground.tabs import digit_gans as tab
from conftest import Stepped

DEFAULTS = ("cgan", "nonsaturating", "adam", 1e-3, 1e-3, 1, 1, 64, 32, 0, 3, 8, 10.0, 5.0)


def settings(**changes):
    values = dict(zip(tab.SETTINGS, DEFAULTS))
    values.update(changes)
    return tuple(values[name] for name in tab.SETTINGS)


def test_reset_builds_a_paused_run_and_a_frame_with_metrics():
    run, picture, line, button = tab.new_run(None, *settings())
    assert isinstance(picture, Image.Image) and picture.width > 500
    assert run.gan.iteration == 0 and not run.playing and "cGAN accuracy" in line and "judge" in line
    assert button.value == str(live_loop.PLAY_LABEL)


def test_play_streams_frames_until_pause():
    run, button = tab.toggle(None, *settings())
    assert run.playing and button.value == str(live_loop.PAUSE_LABEL)
    frames = Stepped(tab.stream(run, 5, None))
    next(frames)
    next(frames)
    assert run.gan.iteration == 10
    run, button = tab.toggle(run, *settings())
    assert not run.playing and button.value == str(live_loop.PLAY_LABEL)
    assert list(frames) == []  # the stream ends once paused
    run2, *_ = tab.new_run(run, *settings())
    assert run2 is not run and not run.playing


def test_reset_stops_the_old_stream():
    run, _ = tab.toggle(None, *settings())
    frames = Stepped(tab.stream(run, 1, None))
    next(frames)
    tab.new_run(run, *settings())
    assert list(frames) == []


def test_step_trains_one_iteration():
    run, _, _ = tab.single_step(None, *settings())
    run, _, _ = tab.single_step(run, *settings())
    assert run.gan.iteration == 2


@pytest.mark.parametrize("changes, message", [
    ({"lr_d": float("nan")}, "finite"), ({"batch": 0}, "batch"), ({"k_d": 2.5}, "whole number"),
    ({"seed": None}, "whole number"), ({"model": "cyclegan", "domain_a": 8}, "two different"),
])
def test_bad_settings_give_a_message(changes, message):
    with pytest.raises(gr.Error, match=message):
        tab.new_run(None, *settings(**changes))


def test_divergence_pauses_with_a_message():
    run, _ = tab.toggle(None, *settings(model="dcgan"))
    run.gan.loss = dataclasses.replace(run.gan.loss, d_loss=lambda r, f: (r - f).mean() * float("nan"))
    with pytest.warns(UserWarning, match="Training stopped"):
        out = list(Stepped(tab.stream(run, 3, None)))
    assert len(out) == 1 and not run.playing and out[0][2].value == str(live_loop.PLAY_LABEL)


def test_cyclegan_rows_and_the_live_walk():
    run, picture, line, _ = tab.new_run(None, *settings(model="cyclegan"))
    assert "read as 8" in line and "Fréchet distance of G(3) to real 8s" in line and "other real digits" not in line
    run, *_ = tab.new_run(None, *settings(model="dcgan"))
    tab.frame(run, 3)
    strip = tab.walk(run, 1, 0)
    assert strip.height == tab.digit_frames.CELL + tab.digit_frames.GAP and strip.width > 9 * tab.digit_frames.CELL
    with pytest.raises(gr.Error, match="Start a run"):
        tab.walk(None, 0, 0)
