"""The style-transfer tab's handlers as the page calls them."""
import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from models import store
from models.imaging import inputs as image_input
from models.registry import PINNED
from playground import examples
from playground.tabs import style_transfer as tab


class Select:
    def __init__(self, index):
        self.index = index


@pytest.fixture(scope="module")
def photo():
    return examples.photos()[0]  # chelsea, 451×300


@pytest.fixture(scope="module")
def painting():
    return examples.paintings()[0]


def builtin(photo, **kw):
    args = dict(size=256, s1=19, w1=1.0, s2=tab.NONE, w2=0.5, s3=tab.NONE, w3=0.5, strength=1.0, keep=False)
    args.update(kw)
    return tab.run_builtin(photo, args["size"], args["s1"], args["w1"], args["s2"], args["w2"], args["s3"],
                           args["w3"], args["strength"], args["keep"])


def test_example_pictures_exist_and_the_paintings_are_textured():
    for path in examples.photos() + examples.paintings():
        picture, _ = image_input.read(path, 1024)
        assert min(picture.shape[:2]) >= 256
    strokes, _ = image_input.read(examples.paintings()[0], 1024)
    assert np.abs(np.diff(strokes.astype(int), axis=1)).mean() > 15  # brush texture, not a flat picture


def test_the_contact_sheet_shows_all_26_styles_on_the_photo(photo):
    tiles, status = tab.contact_sheet(photo)
    assert [c for _, c in tiles] == [f"style {i}" for i in range(26)]
    assert max(tiles[0][0].shape[:2]) == tab.SHEET_SIDE and "26 built-in styles" in status
    assert len({t.tobytes() for t, _ in tiles}) == 26
    assert tab.pick_style(Select(7)) == 7


def test_builtin_result_strength_and_colours(photo):
    out, last, info, _ = builtin(photo)
    assert out.shape == (170, 256, 3) and "style 19 × 1.00" in info
    picture = image_input.read(photo, 256)[0]
    assert np.array_equal(tab.refinish(last, 0.0, False), picture)  # strength 0 is the photo
    kept = tab.refinish(last, 1.0, True)
    assert not np.array_equal(kept, out)
    blended, _, info2, _ = builtin(photo, s2=3, w2=1.0)
    assert "style 3 × 0.50" in info2 and "style 19 × 0.50" in info2
    assert not np.array_equal(blended, out)


@pytest.mark.parametrize("kw, message", [
    ({"s1": tab.NONE}, "at least one style"),
    ({"w1": -1.0}, "(?i)style weight must be a number from 0"),
    ({"strength": 2.0}, "Strength"),
    ({"size": 300}, "Size must be one of"),
])
def test_bad_builtin_settings_are_refused(photo, kw, message):
    with pytest.raises(gr.Error, match=message):
        builtin(photo, **kw)


def test_bad_pictures_are_refused_with_a_reason(tmp_path):
    not_image = tmp_path / "essay.jpg"
    not_image.write_text("not a picture")
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (8, 8)).save(tiny)
    for path, message in ((None, "Add a photo first"), (str(not_image), "not a picture"), (str(tiny), "only 8×8")):
        with pytest.raises(gr.Error, match=message):
            builtin(path)


def test_any_picture_as_style_with_interpolation_and_the_vector_chart(photo, painting):
    out, fig, info, _ = tab.run_arbitrary(photo, painting, None, 0.5, 1.0, False, 256)
    assert out.shape == (170, 256, 3) and isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["painting 1", "photo's own", "used"]
    assert all(len(t.y) == 100 for t in fig.data)
    two, fig2, _, _ = tab.run_arbitrary(photo, painting, examples.paintings()[1], 1.0, 1.0, False, 256)
    assert [t.name for t in fig2.data][:2] == ["painting 1", "painting 2"]
    assert np.allclose(fig2.data[-1].y, fig2.data[1].y)  # all the way to style 2
    assert np.abs(two.astype(int) - out).mean() > 5
    own, fig3, _, _ = tab.run_arbitrary(photo, painting, None, 0.5, 0.0, False, 256)
    assert np.allclose(fig3.data[-1].y, fig3.data[1].y)  # strength 0: the photo's own style


def test_gatys_streams_pictures_and_losses_until_done(photo, painting):
    weights = list(tab.gatys.DEFAULT_STYLE_LAYERS.values())
    frames = list(tab.run_gatys(photo, painting, "efficientnet-lite0", 128, 20, 1.0, 3.0, 10.0, "content", "lbfgs",
                                *weights))
    assert len(frames) == 1 + 2 and frames[0][2] == "starting…"
    picture, chart, line = frames[-1]
    assert picture.shape == (85, 128, 3) and line.startswith("done · iteration 20/20")
    assert [t.name for t in chart.data] == ["α·content", "β·style", "total"] and len(chart.data[0].x) == 20
    with pytest.raises(gr.Error, match="Gatys settings"):
        list(tab.run_gatys(photo, painting, "efficientnet-lite0", 128, 20, 1.0, 3.0, 10.0, "content", "lbfgs",
                           *[0.0] * len(weights)))


def test_a_missing_model_is_reported_in_the_tab(photo, monkeypatch):
    def unavailable(name):
        raise store.ModelUnavailable(PINNED["multistyle26"], "offline.", "run `python -m models fetch`.")
    monkeypatch.setattr(tab.fast_style, "session", unavailable)
    with pytest.warns(UserWarning, match="26 built-in styles"):
        out = builtin(photo)
    assert out[:3] == (gr.skip(),) * 3 and "26 built-in styles is not on this server" in out[3]
