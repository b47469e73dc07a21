import gradio as gr

import app


def test_app_builds_a_blocks_with_the_2d_lab_first():
    demo = app.build_app()
    assert isinstance(demo, gr.Blocks)
    tabs = [b.label for b in demo.blocks.values() if isinstance(b, gr.Tab)]
    assert tabs[0] == "2D GAN Lab"
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"lab-view", "lab-data", "lab-lr_d", "lab-preset"} <= ids
