"""Where the image models run: CUDA when there is one, else the CPU; ZeroGPU Spaces through ``spaces.GPU``.

On a ZeroGPU Space a GPU is attached only inside functions decorated with ``spaces.GPU``, for the duration the
decorator declares; ``on_gpu(duration)`` marks exactly the GPU-heavy functions so (where ``spaces`` is not
installed, or off ZeroGPU, where ``spaces.GPU`` returns the function as it is, nothing changes). Weights are fetched
and loaded before any such call (models/preload.py at start-up): a fetch inside one would spend the GPU's time on
the network. When the GPU runs out of memory,
``with_cpu_fallback`` moves the process to the CPU for good (models loaded for the GPU are dropped through the
``on_device_change`` hooks and reload on the CPU) and retries the call once.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import inspect
import os
import threading
from typing import Callable, ContextManager, Iterator, TypeVar

import torch

F = TypeVar("F", bound=Callable)
T = TypeVar("T")
CPU_FALLBACK_MESSAGE = ("The GPU ran out of memory, so this and later requests run on the CPU (slower, but they "
                        "work). A smaller output size needs less memory.")

_forced_cpu = False
_listeners: list[Callable[[], None]] = []


def best_device() -> torch.device:
    if _forced_cpu:
        return torch.device("cpu")
    if os.environ.get("GAN_PLAYGROUND_DEVICE"):  # e.g. "cpu" to compare, or "cuda:1"
        return torch.device(os.environ["GAN_PLAYGROUND_DEVICE"])
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def inference_dtype(device: torch.device) -> torch.dtype:
    """Half precision on CUDA (conv/BN generators are well inside fp16's range), full precision on the CPU,
    where fp16 convolutions are slower, not faster."""
    return torch.float16 if device.type == "cuda" else torch.float32


def zero_gpu() -> bool:
    return bool(os.environ.get("SPACES_ZERO_GPU")) and importlib.util.find_spec("spaces") is not None


GPU_FUNCTIONS: dict[str, object] = {}  # "module.function" → its duration (seconds, or a function of the call's args)
_inside = threading.local()


def inside_gpu_call() -> bool:
    """Is this thread running a function decorated by on_gpu? (models/store.py warns of a fetch there.)"""
    return getattr(_inside, "depth", 0) > 0


@contextlib.contextmanager
def _gpu_section() -> Iterator[None]:
    _inside.depth = getattr(_inside, "depth", 0) + 1
    try:
        yield
    finally:
        _inside.depth -= 1


def within(fn: F, section: Callable[[], ContextManager]) -> F:
    """``fn`` run inside ``section()``; a generator function's every step (and its closing) inside its own
    ``section()``: Gradio runs each step of a stream on whichever worker thread is free, and closes an abandoned
    one on yet another, so a section held across steps would leave a thread-local state on the wrong thread."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            steps = fn(*args, **kwargs)
            try:
                while True:
                    with section():
                        try:
                            item = next(steps)
                        except StopIteration as done:
                            return done.value
                    yield item
            finally:
                with section():
                    steps.close()
        return gen  # type: ignore[return-value]

    @functools.wraps(fn)
    def call(*args, **kwargs):
        with section():
            return fn(*args, **kwargs)
    return call  # type: ignore[return-value]


def on_gpu(duration: int | Callable[..., int]) -> Callable[[F], F]:
    """Mark GPU-heavy work: ``spaces.GPU(duration=…)`` where the spaces package is installed (a ZeroGPU Space
    attaches a GPU for at most ``duration`` seconds; ``duration`` may be a function of the call's arguments)."""
    def decorate(fn: F) -> F:
        GPU_FUNCTIONS[f"{fn.__module__}.{fn.__qualname__}"] = duration
        marked = within(fn, _gpu_section)
        try:
            import spaces  # on Hugging Face Spaces (requirements made by tools/release_check.py)
        except ImportError:
            return marked  # type: ignore[return-value]
        return functools.wraps(fn)(spaces.GPU(duration=duration)(marked))
    return decorate


def on_device_change(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a hook that drops a model loaded for the old device (it reloads on the new one when next used)."""
    _listeners.append(fn)
    return fn


def loaded_once(load: Callable[[], T]) -> Callable[[], T]:
    """``load()`` run once per process and device: later calls get the same model, and a move to the CPU (see
    fall_back_to_cpu) drops it so the next call loads it there. Thread-safe: pages call in on many threads."""
    lock, held = threading.Lock(), []

    @functools.wraps(load)
    def get() -> T:
        with lock:
            if not held:
                held.append(load())
            return held[0]

    def forget() -> None:
        with lock:
            held.clear()

    on_device_change(forget)
    get.forget = forget  # type: ignore[attr-defined]
    return get


def fall_back_to_cpu() -> None:
    global _forced_cpu
    _forced_cpu = True
    for hook in _listeners:
        hook()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def with_cpu_fallback(fn: F, notify: Callable[[str], None]) -> F:
    """Call ``fn``; on a CUDA out-of-memory error switch to the CPU, tell the user through ``notify`` and call it
    again. Generator functions are retried from their start."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except torch.cuda.OutOfMemoryError:
                if _forced_cpu:
                    raise
                fall_back_to_cpu()
                notify(CPU_FALLBACK_MESSAGE)
                yield from fn(*args, **kwargs)
        return gen_wrapper  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except torch.cuda.OutOfMemoryError:
            if _forced_cpu:
                raise
            fall_back_to_cpu()
            notify(CPU_FALLBACK_MESSAGE)
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
