"""The faces DCGAN at inference: the pinned generator loaded from the store and run in eval mode.

Eval mode matters: in train mode BatchNorm normalises over the batch, so a face would depend on which other
seeds were drawn with it. With the stored running statistics every seed gives the same face in any batch.
"""
from __future__ import annotations

import numpy as np
import torch

from .. import device as devices
from ..registry import get
from ..store import ModelUnavailable, cached_path, load_torch
from .nets import DCGANGenerator

BATCH = 64  # frames per forward pass: bounds memory on long walks


class FacesDCGAN:
    """The loaded generator plus where it runs; turns latent vectors into uint8 pictures."""

    def __init__(self, generator: DCGANGenerator, device: torch.device):
        self.device, self.dtype = device, devices.inference_dtype(device)
        self.generator = generator.to(device=device, dtype=self.dtype).eval()
        self.nz = generator.nz

    @torch.no_grad()
    def images(self, z: torch.Tensor) -> np.ndarray:
        """(N, nz) latents → (N, 64, 64, 3) uint8. Latents are drawn on the CPU, so a seed means the same face on
        any device (up to float rounding)."""
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, self.nz)
        out = []
        for chunk in z.split(BATCH):
            x = self.generator(chunk.to(self.device, self.dtype)).float()
            out.append(((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).cpu())
        return torch.cat(out).numpy() if out else np.zeros((0, 64, 64, 3), np.uint8)


def build_faces(state: dict, device: torch.device | None = None) -> FacesDCGAN:
    ck = get("dcgan-faces")
    weights = state.get("netG_state_dict", state)
    g = DCGANGenerator()
    try:
        g.load_state_dict(weights)
    except (RuntimeError, AttributeError, TypeError) as e:
        detail = " ".join(str(e).split())[:160]
        raise ModelUnavailable(ck, f"the file does not hold the expected DCGAN generator ({detail}…).",
                               f"delete {cached_path(ck)} and run `python -m models fetch {ck.name}`.") from e
    return FacesDCGAN(g, device or devices.best_device())


@devices.loaded_once
def load_faces() -> FacesDCGAN:
    """The process-wide faces generator (loaded once; ~14 MB). Raises ModelUnavailable with a fix."""
    return build_faces(load_torch("dcgan-faces"))

