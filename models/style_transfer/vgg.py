"""VGG-19's convolutional part, the backbone Gatys et al. used, for machines that can download its weights.

Our machines cannot (no download.pytorch.org), so the default Gatys backbone is EfficientNet-Lite0; on Spaces or a
laptop this one loads torchvision's ImageNet file, whose name carries the first 8 hex digits of its sha256 (checked
by torch.hub), read with weights_only=True. Taps are named as in the paper: relu1_1 … relu5_4.
"""
from __future__ import annotations

import torch
from torch import nn

from ..registry import Pinned
from ..device import best_device
from ..store import ModelUnavailable

WEIGHTS_URL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth"
CONFIG = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512)
MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)
PAPER_STYLE_LAYERS = {"relu1_1": 1.0, "relu2_1": 1.0, "relu3_1": 1.0, "relu4_1": 1.0, "relu5_1": 1.0}
PAPER_CONTENT_LAYER = "relu4_2"
PINNED_FILE = Pinned(name="vgg19", title="VGG-19 (ImageNet)", description="torchvision's VGG-19 weights",
                        licence="BSD-3-Clause (torchvision)", package="(download.pytorch.org)", version="-",
                        member="vgg19-dcbb9e9d.pth", sha256="dcbb9e9d…", size=574_673_361,
                        loader="models.style_transfer.vgg")


class VGG19Features(nn.Module):
    """torchvision's `features` Sequential (same indices, so its state dict loads), with named ReLU taps."""

    def __init__(self):
        super().__init__()
        layers: list[nn.Module] = []
        self.names: dict[int, str] = {}
        cin, block, conv = 3, 1, 0
        for v in CONFIG:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
                block, conv = block + 1, 0
                continue
            conv += 1
            layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU(inplace=False)]
            self.names[len(layers) - 1] = f"relu{block}_{conv}"
            cin = v
        self.features = nn.Sequential(*layers)

    @property
    def layers(self) -> tuple[str, ...]:
        return tuple(self.names.values())

    def extract(self, x: torch.Tensor, names: set[str]) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        h = (x - MEAN) / STD
        for i, layer in enumerate(self.features):
            h = layer(h)
            if self.names.get(i) in names:
                out[self.names[i]] = h
                if len(out) == len(names):
                    break
        return out


class VGGBackbone:
    default_style_layers = PAPER_STYLE_LAYERS
    default_content_layer = PAPER_CONTENT_LAYER

    def __init__(self, net: VGG19Features):
        self.net = net.eval().requires_grad_(False)
        self.layers = net.layers

    def extract(self, x: torch.Tensor, names: set[str]) -> dict[str, torch.Tensor]:
        return self.net.extract(x, names)


def vgg_backbone() -> VGGBackbone:
    """Downloads ~550 MB on first use (cached by torch.hub). Raises ModelUnavailable where that is impossible."""
    try:
        state = torch.hub.load_state_dict_from_url(WEIGHTS_URL, map_location="cpu", check_hash=True,
                                                   weights_only=True, progress=False)
    except Exception as e:  # URLError, hash mismatch (RuntimeError), unpickling errors
        raise ModelUnavailable(PINNED_FILE, f"its weights could not be downloaded from {WEIGHTS_URL} "
                               f"({type(e).__name__}).", "use the EfficientNet-Lite0 backbone, which works "
                               "offline, or run where download.pytorch.org is reachable.") from e
    net = VGG19Features()
    net.load_state_dict({k: v for k, v in state.items() if k.startswith("features.")})
    return VGGBackbone(net.to(best_device()))
