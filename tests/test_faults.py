"""Faults: the GPU running out of memory, and one page's run breaking while others train."""
import asyncio

import pytest
import torch

from models import device
from playground import messages
from conftest import frame_request
from playground.tabs import latent_walk
from playground.catalogue import t
from playground.lab.protocol import unpack


@pytest.fixture
def fresh_device(monkeypatch):
    """A process that has not fallen back to the CPU yet, with a record of what the user was told."""
    monkeypatch.setattr(device, "_forced_cpu", False)
    told = []
    monkeypatch.setattr(messages, "warning", lambda m, **k: told.append(m))
    return told


def oom_once():
    calls = []

    def fn(x):
        calls.append(device.best_device().type)
        if len(calls) == 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return x * 2
    return fn, calls


def test_out_of_memory_moves_to_the_cpu_tells_the_user_and_retries(fresh_device, monkeypatch):
    monkeypatch.setattr(device, "_listeners", [])
    dropped = []
    device.on_device_change(lambda: dropped.append("model"))
    fn, calls = oom_once()
    assert device.with_cpu_fallback(fn, messages.warning)(21) == 42
    assert calls[-1] == "cpu" and device.best_device().type == "cpu" and dropped == ["model"]
    assert "ran out of memory" in fresh_device[0]


def test_a_second_out_of_memory_on_the_cpu_is_not_hidden(fresh_device):
    def always(_):
        raise torch.cuda.OutOfMemoryError("again")
    with pytest.raises(torch.cuda.OutOfMemoryError):
        device.with_cpu_fallback(always, messages.warning)(1)


def test_generators_restart_on_the_cpu(fresh_device):
    state = {"n": 0}

    def frames():
        state["n"] += 1
        yield "first frame"
        if state["n"] == 1:
            raise torch.cuda.OutOfMemoryError("mid-run")
        yield "second frame"
    assert list(device.with_cpu_fallback(frames, messages.warning)()) == ["first frame", "first frame",
                                                                        "second frame"]
    assert len(fresh_device) == 1


def test_a_tab_answers_an_out_of_memory_with_cpu_results(fresh_device, monkeypatch, faces):
    class Exhausted:
        nz = faces.nz

        def images(self, z):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
    models = iter([Exhausted(), faces])
    monkeypatch.setattr(latent_walk, "_model", lambda: next(models))
    gallery, seeds, status = latent_walk.show_grid("1, 2, 3", 1.0)
    assert seeds == [1, 2, 3] and len(gallery) == 3
    assert "ran out of memory" in fresh_device[0]


def test_one_pages_broken_run_does_not_stop_another(monkeypatch, lab):
    broken, healthy = lab.registry.get("fault-a"), lab.registry.get("fault-b")
    try:
        def explode():
            raise RuntimeError("simulated fault in the training step")
        monkeypatch.setattr(broken.trainer, "step", explode)
        reply = unpack(asyncio.run(lab.frame(frame_request(broken.token, "play", 5))))
        said = t(reply["error"]["key"], "en", **reply["error"]["fields"])  # as the page's script says it
        assert "internal error" in said and "Reset" in said and "simulated fault" in said
        ok = unpack(asyncio.run(lab.frame(frame_request(healthy.token, "play", 5))))
        assert ok["iteration"] == 5
        again = unpack(asyncio.run(lab.frame(frame_request(broken.token, "reset"))))  # a new, working run
        assert again["iteration"] == 0
        assert unpack(asyncio.run(lab.frame(frame_request(broken.token, "play", 3))))["iteration"] == 3
    finally:
        lab.registry.drop("fault-a")
        lab.registry.drop("fault-b")


def test_a_model_loaded_once_is_loaded_again_after_a_move_to_the_cpu(fresh_device, monkeypatch):
    monkeypatch.setattr(device, "_listeners", [])
    loads = []

    @device.loaded_once
    def model():
        loads.append(device.best_device().type)
        return object()
    first = model()
    assert model() is first and len(loads) == 1  # one load however many pages ask
    device.fall_back_to_cpu()
    assert model() is not first and loads[-1] == "cpu" and len(loads) == 2
