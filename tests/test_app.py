import gradio as gr
import plotly.graph_objects as go
import pytest

import app
from playground import lab2d
from playground.figures import layered_figure
from toy2d import probe
from toy2d.config import TrainConfig
from toy2d.presets import PRESETS, resolve
from toy2d.trainer import Trainer


def test_app_builds_a_blocks_with_the_2d_lab():
    demo = app.build_app()
    assert isinstance(demo, gr.Blocks)
    labels = [getattr(b, "label", None) for b in demo.blocks.values()]
    assert "2D GAN Lab" in labels and "layered view" in labels


def test_layered_figure_has_each_layer_and_a_still_square_view():
    t = Trainer(TrainConfig(g_width=16, d_width=16))
    t.run(5)
    fig = layered_figure(probe.frame(t, n_grid=30))
    names = {tr.name for tr in fig.data}
    assert {"real samples", "fake samples", "G manifold (warped noise grid)",
            "where G's loss pushes each fake"} <= names
    assert isinstance(fig.data[0], go.Heatmap) and fig.data[0].zmin == 0 and fig.data[0].zmax == 1
    assert fig.layout.uirevision == "view" and fig.layout.yaxis.scaleanchor == "x"
    only = layered_figure(probe.frame(t, n_grid=30), layers=("real",))
    assert [tr.name for tr in only.data] == ["real samples"]


def test_train_callback_streams_frames_then_metrics():
    outputs = list(lab2d.train_and_show("disjoint", "hinge", "none", 100, 1))
    assert len(outputs) >= 2
    fig, text = outputs[-1]
    assert isinstance(fig, go.Figure) and "modes covered" in text and "JS" in text


def test_bad_input_becomes_a_gradio_error():
    with pytest.raises(gr.Error, match="seed"):
        list(lab2d.train_and_show("ring8", "hinge", "none", 100, -5))


def test_choosing_a_preset_fills_the_controls_and_trains_exactly_the_preset():
    text, data, loss, steps = lab2d.choose_preset("vanishing")
    p = PRESETS["vanishing"]
    assert p.explanation in text and data["value"] == "ring8" and loss["value"] == "minimax"
    config, n = lab2d.run_settings(data["value"], loss["value"], "vanishing", steps["value"], 0)
    assert (config, n) == resolve(preset="vanishing")
    changed, _ = lab2d.run_settings("ring8", "nonsaturating", "vanishing", steps["value"], 0)
    assert changed.loss == "nonsaturating" and changed.k_d == config.k_d  # a changed box overrides only itself
    assert lab2d.choose_preset("none")[0] == ""
