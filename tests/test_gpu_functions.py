"""Which functions a ZeroGPU Space runs on a GPU, for how long, and what they may not do there — with the real
`spaces` package installed (off ZeroGPU its GPU decorator hands the function back as it is)."""
import gradio as gr
import pytest
import spaces

import app
from models import device, preload, store
from models.style_transfer import gatys
from playground import model_errors
from playground.tabs import img2img, latent_walk, style_transfer


def test_exactly_the_gpu_heavy_functions_ask_for_a_gpu_and_say_for_how_long():
    ours = {name: d for name, d in device.GPU_FUNCTIONS.items() if name.startswith("playground.")}
    assert ours == {
        "playground.tabs.latent_walk.show_grid": latent_walk.GRID_GPU_S,
        "playground.tabs.latent_walk.make_walk": latent_walk.WALK_GPU_S,
        "playground.tabs.latent_walk.compute_arithmetic": latent_walk.GRID_GPU_S,
        "playground.tabs.latent_walk.explore": latent_walk.GRID_GPU_S,
        "playground.tabs.img2img.run_vintage": img2img.VINTAGE_GPU_S,
        "playground.tabs.img2img.run_own_cyclegan": img2img.OWN_CYCLEGAN_GPU_S,
        "playground.tabs.style_transfer.run_gatys": style_transfer.gatys_gpu_seconds,
    }
    # ONNX (onnxruntime on the CPU) and pix2pix on each stroke never hold a GPU
    for fn in ("contact_sheet", "run_builtin", "run_arbitrary"):
        assert f"playground.tabs.style_transfer.{fn}" not in device.GPU_FUNCTIONS
    assert "playground.tabs.img2img.colour" not in device.GPU_FUNCTIONS


def test_the_gatys_duration_follows_the_work_asked_for():
    assert style_transfer.gatys_gpu_seconds(None, None, "efficientnet-lite0", 256, 200) == 14
    assert style_transfer.gatys_gpu_seconds(None, None, "efficientnet-lite0", 384, 5000) == \
        style_transfer.GATYS_GPU_MOST_S
    assert style_transfer.gatys_gpu_seconds(None, None, "efficientnet-lite0", "big", None) == 60


def test_on_gpu_hands_the_real_spaces_decorator_its_duration(monkeypatch):
    seen = []
    real = spaces.GPU
    monkeypatch.setattr(spaces, "GPU", lambda *a, **kw: seen.append(kw) or real(*a, **kw))

    @device.on_gpu(12)
    def double(x):
        assert device.inside_gpu_call()
        return 2 * x

    assert double(4) == 8 and seen == [{"duration": 12}] and not device.inside_gpu_call()


def test_a_stream_stepped_and_closed_on_other_threads_leaves_no_thread_marked():
    """Gradio steps a generator on whichever worker thread is free and closes an abandoned one (a page closed
    mid-stream) on another: each step is inside the GPU section on its own thread, and no thread stays marked."""
    import threading

    seen = []

    @device.on_gpu(5)
    def frames():
        for i in range(5):
            seen.append(device.inside_gpu_call())
            yield i

    stream = frames()

    def on_a_thread(work):
        t = threading.Thread(target=work)
        t.start()
        t.join()

    errors = []
    for _ in range(2):
        on_a_thread(lambda: next(stream))
    threading.excepthook, hook = (lambda args: errors.append(args.exc_value)), threading.excepthook
    try:
        on_a_thread(stream.close)
    finally:
        threading.excepthook = hook
    assert seen == [True, True] and errors == [] and not device.inside_gpu_call()
    assert list(device.on_gpu(5)(lambda: (yield from range(3)))()) == [0, 1, 2]


def test_on_zerogpu_our_messages_survive_as_gr_error():
    ck = store.get("dcgan-faces")

    def broken():
        raise store.ModelUnavailable(ck, f"the file at {store.cached_path(ck)} is damaged.", "fetch it again.")

    with pytest.raises(gr.Error) as e:
        model_errors.said_as_gr_error(broken)()
    assert "Faces DCGAN" in e.value.message and str(store.cache_dir()) not in e.value.message

    def frames():
        yield 1
        raise FileNotFoundError("models/weights/x.pt is missing")

    gen = model_errors.said_as_gr_error(frames)()
    assert next(gen) == 1
    with pytest.raises(gr.Error, match="weights are missing"):
        next(gen)


def test_a_fetch_inside_a_gpu_call_is_caught(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path))
    monkeypatch.setenv(store.ENV_MIRROR, "http://127.0.0.1:9/")  # nothing listens: the fetch fails fast
    monkeypatch.setattr(store, "FETCHED_INSIDE_GPU_CALLS", [])

    @device.on_gpu(5)
    def careless():
        store.fetch("cyclegan-vintage")

    with pytest.raises(store.ModelUnavailable):
        careless()
    assert store.FETCHED_INSIDE_GPU_CALLS == ["cyclegan-vintage"]


def test_after_preloading_the_gpu_functions_fetch_nothing(monkeypatch):
    """What a ZeroGPU Space does at start-up (load_all, outside any GPU call) leaves nothing to fetch inside one."""
    from playground import examples

    assert preload.load_all() == []
    monkeypatch.setattr(store, "FETCHED_INSIDE_GPU_CALLS", [])
    photo = examples.photos()[0]
    photo = photo[0] if isinstance(photo, list) else photo
    img2img.run_vintage(photo, 256)
    latent_walk.show_grid("1,2,3,4", 0.7)
    frames = list(style_transfer.run_gatys(photo, photo, "efficientnet-lite0", 128, 4, 1.0, 3.0, 10.0, "content",
                                           "adam", *[1.0] * len(gatys.DEFAULT_STYLE_LAYERS)))
    assert len(frames) >= 2 and store.FETCHED_INSIDE_GPU_CALLS == []


@pytest.mark.parametrize("zero", [False, True])
def test_a_space_preloads_its_weights_at_start_up(monkeypatch, zero):
    calls = []
    monkeypatch.setattr(preload, "fetch_all", lambda: calls.append("fetch") or [])
    monkeypatch.setattr(preload, "load_all", lambda: calls.append("load") or [])
    monkeypatch.setattr(device, "zero_gpu", lambda: zero)
    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.delenv("GAN_PLAYGROUND_PRELOAD", raising=False)
    app.preload_weights()
    assert calls == []  # not on a Space: nothing at start-up (tests and laptops fetch on first use)
    monkeypatch.setenv("SPACE_ID", "me/gan-playground")
    app.preload_weights()
    if zero:
        assert calls == ["load"]  # before serving, outside any GPU call
    else:
        for thread in [t for t in __import__("threading").enumerate() if t.name == "preload-weights"]:
            thread.join(timeout=10)
        assert calls == ["fetch"]
