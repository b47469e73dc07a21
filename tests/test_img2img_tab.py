"""The image-to-image tab's handlers as the page calls them."""
import gradio as gr
import numpy as np
import pytest

from models import store
from models.registry import PINNED
from playground import examples
from playground.tabs import img2img as tab


def stroke_pad() -> dict:
    pad = np.full((256, 256, 3), 255, np.uint8)
    pad[60:200:20, 60:200] = 0   # a few horizontal strokes
    pad[60:200, 60:64] = 0
    return {"background": pad, "layers": [], "composite": pad}


def test_drawing_gives_a_face_what_the_net_reads_and_the_three_generators(faces):
    face, seen, compare = tab.colour(stroke_pad())
    assert face.shape == (256, 256, 3) and seen.shape == (128, 128, 3)
    assert compare.shape[0] > 160 and compare.shape[1] > 3 * 160  # three labelled tiles
    assert face.std() > 10  # a picture, not a flat colour


def test_an_empty_pad_is_refused_when_asked_and_ignored_while_drawing():
    empty = {"background": np.full((256, 256, 3), 255, np.uint8), "layers": [], "composite": None}
    with pytest.raises(gr.Error, match="Draw a face"):
        tab.colour(empty)
    white = {"composite": np.full((256, 256, 3), 255, np.uint8)}
    with pytest.raises(gr.Error, match="empty"):
        tab.colour(white)
    assert tab.live_colour(white) == (gr.skip(),) * 3
    transparent = {"composite": np.zeros((256, 256, 4), np.uint8)}  # RGBA with nothing drawn is white paper
    with pytest.raises(gr.Error, match="empty"):
        tab.colour(transparent)
    grey = np.full((256, 256), 255, np.uint8)
    grey[100:110, 30:220] = 0
    assert tab.colour({"composite": grey})[0].shape == (256, 256, 3)  # a grey pad with a stroke is used


def test_example_sketches_cycle_and_load_onto_the_pad(faces):
    value, nxt, note = tab.load_example(0)
    assert value["composite"].shape == (256, 256, 3) and nxt == 1 and "Example" in note
    again, _, _ = tab.load_example(tab.EXAMPLE_SKETCHES)  # wraps around
    assert np.array_equal(again["composite"], value["composite"])
    assert tab.colour(value)[0].shape == (256, 256, 3)


def test_a_photo_goes_through_sketch_to_colour(faces):
    crop, sk, face, _ = tab.photo_pipeline(examples.photos()[1])
    assert crop.shape == sk.shape == face.shape == (160, 160, 3)
    with pytest.raises(gr.Error, match="Add a photo"):
        tab.photo_pipeline(None)


def test_vintage_shows_the_result_and_an_amplified_difference():
    out, diff, info, status = tab.run_vintage(examples.photos()[2], 256)
    assert out.shape[:2] == diff.shape[:2] and max(out.shape[:2]) <= 256
    assert "mean change" in info and diff.mean() > 0
    with pytest.raises(gr.Error, match="Size must be"):
        tab.run_vintage(examples.photos()[2], 1000)


def test_our_cyclegan_shows_both_directions_with_reconstruction(faces):
    x_rows, y_rows, info = tab.run_own_cyclegan("1000000-1000002")
    assert x_rows.shape == y_rows.shape and x_rows.shape[0] == 3 * (96 + 4)
    assert "λ_cyc = 10.0" in info
    with pytest.raises(gr.Error, match="at most 8"):
        tab.run_own_cyclegan("1-20")


def test_an_unavailable_vintage_model_is_reported_in_the_tab(monkeypatch):
    def offline():
        raise store.ModelUnavailable(PINNED["cyclegan-vintage"], "offline.", "run `python -m models fetch`.")
    monkeypatch.setattr(tab.cyclegan, "vintage_generator", offline)
    with pytest.warns(UserWarning, match="Vintage"):
        out = tab.run_vintage(examples.photos()[2], 256)
    assert out[:3] == (gr.skip(),) * 3 and "Vintage CycleGAN" in out[3] and "pix2pix" in out[3]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_three_generators_captions_fit_under_their_pictures(lang):
    """"pix2pix (cGAN + L1)" at 20 px is wider than its 160-px picture: it was cut at both ends ("ɔix2pix")."""
    from models.imaging import montage
    from playground import i18n
    from playground.pictures import fonts

    font = fonts.font(20, lang)
    tiles = [np.zeros((160, 160, 3), np.uint8)] * 3
    labels = [i18n.t(f"p2p.three.{k}", lang) for k in ("gan", "l1", "untrained")]
    picture = montage.equation(tiles, labels, ["", ""], font=font)
    band = picture[160:].min(axis=2) < 128  # the captions' ink
    for i in range(3):
        assert all(font.getlength(line) <= 160 for line in montage.caption_lines(labels[i], font, 154))
    assert not band[:, :2].any() and not band[:, -2:].any()  # nothing reaches the picture's edges
    assert band.any(axis=1).sum() > 10
