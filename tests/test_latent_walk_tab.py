"""The latent-walk tab's handlers as the page calls them: pictures from seeds, bad input, a missing model."""
from pathlib import Path

import gradio as gr
import numpy as np
import pytest

from models import store
from models.faces import latent
from models.registry import PINNED
from playground.tabs import latent_walk as tab


class Select:
    def __init__(self, index):
        self.index = index


def test_the_grid_shows_one_captioned_face_per_seed(faces):
    pictures, shown, status = tab.show_grid("4, 9-11", 1.0)
    assert shown == [4, 9, 10, 11] and [c for _, c in pictures] == ["seed 4", "seed 9", "seed 10", "seed 11"]
    assert pictures[0][0].shape == (tab.GRID_SIZE, tab.GRID_SIZE, 3)
    assert "Faces DCGAN" in status and "sha256" in status
    again, _, _ = tab.show_grid("10", 1.0)
    assert np.array_equal(again[0][0], pictures[2][0])  # reproducible from the number shown
    plain, _, _ = tab.show_grid("10", 0.3)
    assert not np.array_equal(plain[0][0], again[0][0])  # truncation changes the face


def test_reroll_gives_sixteen_seeds_the_grid_accepts():
    assert len(latent.parse_seeds(tab.reroll())) == 16


def test_clicking_a_face_appends_its_seed_to_the_keyframes():
    assert tab.pick("3, 7", [4, 9, 10], Select(1)) == "3, 7, 9"
    assert tab.pick("", [4, 9, 10], Select(0)) == "4"
    assert tab.pick("3", [], Select(0)) == "3"


def test_the_first_visit_draws_the_grid_and_later_visits_keep_it(faces):
    pictures, shown, _ = tab.first_grid("0-2", 1.0, [])
    assert shown == [0, 1, 2] and len(pictures) == 3
    assert all(isinstance(x, type(gr.skip())) for x in tab.first_grid("0-2", 1.0, [5]))


def test_walk_gives_a_strip_a_video_a_gif_and_the_command_that_remakes_it(faces):
    strip, video, gif, info, _ = tab.make_walk("3, 7", "slerp", 16, 12, 1.0)
    assert Path(video).suffix == ".mp4" and Path(video).stat().st_size > 1000
    assert Path(gif).read_bytes()[:6] == b"GIF89a"
    assert strip.shape[0] == 128 and strip.shape[1] == 10 * 128 + 9 * 2
    assert "python -m models walk --seeds 3,7 --frames 16 --mode slerp --truncation 1 --fps 12" in info


@pytest.mark.parametrize("keys, mode, frames, fps, trunc, message", [
    ("3", "slerp", 16, 12, 1.0, "at least two"),
    ("3, banana", "slerp", 16, 12, 1.0, "not a seed"),
    ("3, 7", "cubic", 16, 12, 1.0, "Interpolation"),
    ("3, 7", "slerp", 100000, 12, 1.0, "Frames must be a whole number from 2 to 600"),
    ("3, 7", "slerp", 16, 12, float("nan"), "Truncation"),
    ("3, 7", "slerp", 16, 12, 1e9, "Truncation"),
])
def test_bad_walk_input_is_refused_with_a_message(faces, keys, mode, frames, fps, trunc, message):
    with pytest.raises(gr.Error, match=message):
        tab.make_walk(keys, mode, frames, fps, trunc)


def test_arithmetic_shows_the_three_terms_and_the_result(faces):
    picture, _ = tab.compute_arithmetic("0, 1", "2", "4", 1.0)
    tile = tab.TILE_SIZE
    assert picture.shape[0] > tile and picture.shape[1] > 4 * tile
    result = faces.images(latent.arithmetic(latent.mean_latent(latent.from_seeds([0, 1])),
                                            latent.from_seeds([2])[0], latent.from_seeds([4])[0])[None])
    from models.imaging import montage
    expected = montage.upscale(result, tile)[0]
    shown = picture[:tile, -tile:]
    assert np.abs(shown.astype(int) - expected).mean() < 1  # the last tile is A − B + C of the seeds shown


def test_a_zero_step_shows_the_start_face_and_a_step_changes_it(faces):
    big, context, _ = tab.explore("random", 7, "0", "1", "4", 0.0, 1.0)
    from models.imaging import montage
    start = montage.upscale(faces.images(latent.from_seeds([4])), 256)[0]
    assert np.abs(big.astype(int) - start).mean() < 1
    moved, _, _ = tab.explore("A − B", 7, "0", "1", "4", 1.5, 1.0)
    assert np.abs(moved.astype(int) - start).mean() > 5
    assert context.shape[0] == 96 and context.shape[1] == 7 * 96 + 6 * 2
    with pytest.raises(gr.Error, match="no direction"):
        tab.explore("A − B", 7, "3", "3", "4", 1.0, 1.0)
    with pytest.raises(gr.Error, match="(?i)direction seed"):
        tab.explore("random", -1, "0", "1", "4", 1.0, 1.0)


def test_a_missing_model_is_reported_in_the_tab_and_changes_nothing_else(monkeypatch):
    def unavailable():
        raise store.ModelUnavailable(PINNED["dcgan-faces"], "offline.", "run `python -m models fetch`.")
    monkeypatch.setattr(tab, "load_faces", unavailable)
    with pytest.warns(UserWarning, match="Faces DCGAN"):
        out = tab.show_grid("0-3", 1.0)
    assert out[:2] == (gr.skip(), gr.skip()) and "Faces DCGAN is not on this server" in out[2]
    with pytest.warns(UserWarning):
        out = tab.make_walk("3, 7", "slerp", 16, 12, 1.0)
    assert len(out) == 5 and "Faces DCGAN" in out[-1] and "python" not in out[-1]  # the command is for the log
