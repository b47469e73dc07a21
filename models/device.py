"""Where the image models run: CUDA when there is one, else the CPU; ZeroGPU Spaces through ``spaces.GPU``.

On a ZeroGPU Space a GPU is attached only inside functions decorated with ``spaces.GPU``; everywhere else the
``spaces`` package is absent and ``on_gpu`` returns the function unchanged.
"""
from __future__ import annotations

import functools
import importlib.util
import os
from typing import Callable, TypeVar

import torch

F = TypeVar("F", bound=Callable)


def best_device() -> torch.device:
    if os.environ.get("GAN_PLAYGROUND_DEVICE"):  # e.g. "cpu" to compare, or "cuda:1"
        return torch.device(os.environ["GAN_PLAYGROUND_DEVICE"])
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def inference_dtype(device: torch.device) -> torch.dtype:
    """Half precision on CUDA (conv/BN generators are well inside fp16's range), full precision on the CPU,
    where fp16 convolutions are slower, not faster."""
    return torch.float16 if device.type == "cuda" else torch.float32


def zero_gpu() -> bool:
    return bool(os.environ.get("SPACES_ZERO_GPU")) and importlib.util.find_spec("spaces") is not None


def on_gpu(fn: F) -> F:
    """Decorate GPU work so a ZeroGPU Space attaches a GPU for the call; a no-op everywhere else."""
    if not zero_gpu():
        return fn
    import spaces  # only on Hugging Face Spaces

    return functools.wraps(fn)(spaces.GPU(fn))
