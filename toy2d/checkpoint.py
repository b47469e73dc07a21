"""Save a run (config + weights + counters) to one file and load it back into a Trainer."""
from __future__ import annotations

from pathlib import Path

import torch

from .config import TrainConfig
from .trainer import Trainer

FORMAT = "gan-playground/toy2d/1"


def save(trainer: Trainer, path: str | Path) -> None:
    torch.save({
        "format": FORMAT,
        "config": trainer.config.to_json(),
        "g": trainer.g.state_dict(),
        "d": trainer.d.state_dict(),
        "g_sample": trainer.g_sample.state_dict(),
        "iteration": trainer.iteration,
        "d_steps": trainer.d_steps,
        "g_steps": trainer.g_steps,
    }, path)


def load(path: str | Path) -> Trainer:
    """Rebuild the Trainer a file was saved from. Only tensors and plain data are unpickled (weights_only)."""
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a bad file; the caller needs one clear message
        raise ValueError(f"not a GAN Playground run file: {exc}") from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise ValueError("not a GAN Playground 2D run file (wrong or missing format tag)")
    trainer = Trainer(TrainConfig.from_json(blob["config"]))
    try:
        trainer.g.load_state_dict(blob["g"])
        trainer.d.load_state_dict(blob["d"])
        trainer.g_sample.load_state_dict(blob["g_sample"])
    except (RuntimeError, KeyError) as exc:
        raise ValueError(f"the weights do not match the saved configuration: {exc}") from None
    trainer.iteration, trainer.d_steps, trainer.g_steps = (int(blob[k]) for k in ("iteration", "d_steps", "g_steps"))
    return trainer
