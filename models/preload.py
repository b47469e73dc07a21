"""Weights ready before the first visitor (issue: a restarted Space made its first visitor wait for downloads).

``fetch_all`` puts every pinned file in the cache (on a Space, in a thread at start-up). ``load_all`` also builds
every model the tabs use on its device: on a ZeroGPU Space this runs at start-up, outside any GPU call, as its
documentation asks (the GPU-heavy functions then find their models loaded and fetch nothing).
"""
from __future__ import annotations

import logging
from typing import Callable

from . import store
from .cyclegan import infer as cyclegan
from .pix2pix import infer as pix2pix
from .style_transfer import fast as fast_style, gatys
from .faces import infer as dcgan
from .registry import PINNED, SERVED

log = logging.getLogger(__name__)
LOADERS: dict[str, Callable[[], object]] = {
    "faces DCGAN": dcgan.load_faces,
    "vintage CycleGAN": cyclegan.vintage_generator,
    "Gatys backbone": gatys.backbone,
    "pix2pix": pix2pix.generator,
    "faces CycleGAN": cyclegan.own,
    **{f"ONNX {name}": (lambda name=name: fast_style.session(name))
       for name in ("multistyle26", "arbitrary-predict", "arbitrary-transform")},
}


def _each(work: dict[str, Callable[[], object]]) -> list[str]:
    """Run each; a failure is logged and listed, and the rest still run (that tab says why when it is used)."""
    problems = []
    for name, job in work.items():
        try:
            job()
        except (store.ModelUnavailable, FileNotFoundError, OSError) as e:
            problems.append(f"{name}: {e}")
            log.warning("preload: %s: %s", name, e)
    return problems


def fetch_all() -> list[str]:
    return _each({name: (lambda ck=PINNED[name]: store.fetch(ck)) for name in SERVED})


def load_all() -> list[str]:
    return _each(LOADERS)
