"""The weights this repo trains (models/weights/*.pt, made by ``python -m models.train …``): the one table of their
files, and the one place that writes them (fp16, half the bytes) and reads them back (float32, for inference or to
train on). The pinned third-party files are models/registry.py's; these are ours."""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

WEIGHTS = Path(__file__).resolve().parent / "weights"
FILES = {  # name → file in WEIGHTS; the name is what `python -m models.train NAME` trains
    "pix2pix": "pix2pix_sketch2face.pt",
    "pix2pix_l1": "pix2pix_l1only.pt",
    "cyclegan": "cyclegan_faces_painting.pt",
    "stargan": "stargan_faces4.pt",
    "srresnet": "sr_srresnet.pt",
    "srgan": "sr_srgan.pt",
    "stylegan": "stylegan_faces32.pt",
    "digit-judge": "digit_judge.pt",
}
Net = TypeVar("Net", bound=nn.Module)


def path(name: str) -> Path:
    return WEIGHTS / FILES[name]


def half_state(net: nn.Module) -> dict[str, torch.Tensor]:
    """fp16 copies of the floating tensors: halves the file; reading casts back to float32."""
    return {k: (v.detach().half() if v.is_floating_point() else v.detach().clone()).cpu()
            for k, v in net.state_dict().items()}


def save(where: str | Path, kind: str, nets: dict[str, nn.Module], meta: dict) -> None:
    """``nets`` (each with its ``config``), their kind and the run's record, written whole or not at all."""
    where = Path(where)
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_suffix(".part")
    torch.save({"kind": kind, "configs": {n: m.config for n, m in nets.items()},
                "states": {n: half_state(m) for n, m in nets.items()}, "meta": meta}, tmp)
    tmp.replace(where)


def read(where: Path) -> dict:
    """A file written by save (weights_only: tensors and plain values only)."""
    where = Path(where)
    if not where.is_file():
        raise FileNotFoundError(f"{where} is missing; it is made by the command in the README (python -m models.train)")
    return torch.load(where, map_location="cpu", weights_only=True)


def load_state(net: Net, state: dict[str, torch.Tensor]) -> Net:
    """``net`` with ``state``'s tensors, the fp16 ones back in float32."""
    net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return net


def build(cls: type[Net], ck: dict, key: str) -> Net:
    """The net ``key`` of a read checkpoint, rebuilt from its config, frozen for inference."""
    return load_state(cls(**ck["configs"][key]), ck["states"][key]).eval().requires_grad_(False)
