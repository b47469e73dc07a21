import gradio as gr

import app
from playground import i18n


def test_app_builds_a_blocks_with_the_2d_lab_first():
    demo = app.build_app()
    assert isinstance(demo, gr.Blocks)
    keys = [b.label.key for b in demo.blocks.values() if isinstance(b, gr.Tab) and hasattr(b.label, "key")]
    tabs = [i18n.t(k, "en") for k in keys]
    assert tabs[0] == "2D GAN Lab" and i18n.t(keys[0], "ko") == "2D GAN 랩"
    assert {"Dirac-GAN", "Latent walk", "Style transfer", "Image-to-image",
            "Digit GANs"} <= set(tabs)
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"lab-view", "lab-data", "lab-lr_d", "lab-preset"} <= ids
    assert {"walk-grid", "walk-btn", "walk-video", "walk-equation", "walk-amount", "walk-status"} <= ids
    assert {"style-photo", "style-sheet", "style-builtin-btn", "style-any-btn", "style-vectors", "gatys-start-btn",
            "gatys-stop-btn", "gatys-losses"} <= ids
    assert {"p2p-pad", "p2p-face", "p2p-compare", "cg-vintage", "cg-diff", "cg-x", "cg-y", "img-play", "img-frame",
            "img-metrics", "img-model"} <= ids


def test_no_dropdown_answers_to_input_which_gradio_fires_again_on_blur():
    """A pick must run its handler once: Gradio 6 fires a dropdown's ``input`` again when it loses focus, so a pair
    picked in A/B and then Play pressed rebuilt the runs and paused the one Play started (a CI failure)."""
    demo = app.build_app()
    on_input = [(demo.blocks[block].elem_id, fn.name) for fn in demo.fns.values() for block, event in fn.targets
                if event == "input" and isinstance(demo.blocks.get(block), gr.Dropdown)]
    assert on_input == []
    picks = {demo.blocks[block].elem_id for fn in demo.fns.values() for block, event in fn.targets
             if event == "select" and isinstance(demo.blocks.get(block), gr.Dropdown)}
    assert {"ab-pair", "ab-a-base", "lab-preset", "lab-data"} <= picks


def test_building_and_opening_the_app_downloads_no_model(monkeypatch):
    """The 2D lab must work with no download at all: models load only when an image tab is used."""
    from models import store
    from models.faces import infer as dcgan
    from models.style_transfer import fast as fast_style, gatys
    from playground.tabs import img2img, latent_walk

    def no_download(*a, **k):
        raise AssertionError("a model was fetched while building the app")
    for module, name in ((store, "fetch"), (dcgan, "load_faces"), (latent_walk, "load_faces"),
                         (fast_style, "session"), (gatys, "backbone"), (img2img, "load_faces")):
        monkeypatch.setattr(module, name, no_download)
    demo = app.build_app()
    assert "Faces DCGAN" in latent_walk.model_status()
    assert demo.fns  # events were wired without touching the model


def test_launch_sets_what_spaces_would_otherwise_set_for_us(monkeypatch):
    """A Space turns server-side rendering on unless the app says otherwise, and counts the host's cores."""
    import gradio as gr

    import app

    seen = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: seen.update(kw))
    demo = gr.Blocks()
    with demo:
        gr.Markdown("a page without the lab")
    app.launch(demo)
    assert seen["ssr_mode"] is False and seen["max_file_size"]
    monkeypatch.setattr(app.threads, "usable_cpus", lambda: 2)  # a Space's quota on a 64-core host
    monkeypatch.delenv("GAN_PLAYGROUND_LAB_WORKERS", raising=False)
    assert app.lab_workers() == 2
