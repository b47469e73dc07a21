"""The 2D GAN engine, with no UI. From a notebook: ``toy2d.train(...)`` (toy2d/run.py), loaded on first use so
that importing a submodule (a lab worker does) does not load Plotly."""
from typing import Any

__all__ = ["train", "TrainedRun"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import run
        return getattr(run, name)
    raise AttributeError(f"module 'toy2d' has no attribute {name!r}")
