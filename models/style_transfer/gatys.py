"""Gatys et al. style transfer: optimise the pixels of an image so that its deep features match the content
photo at one layer and the Gram matrices (feature correlations, i.e. texture) of the style picture at several.

L = α·L_content + β·L_style + λ_TV·L_TV. Each loss is divided by the size of its target so that α and β mean
the same at any resolution and for any layer: content ‖F − F_c‖² / ‖F_c‖², style the weighted mean over layers of
‖G − G_s‖² / ‖G_s‖² with G = F Fᵀ / (C·H·W). One *iteration* here is one loss-and-gradient evaluation (L-BFGS
spends several per step in its line search), the unit that costs time.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from toy2d import reasons
from toy2d.live import Divergence

from ..device import best_device, on_device_change
from ..imaging.efficientnet_lite import EfficientNetLite0
from ..refusals import refused
from ..store import load_torch

# Found by experiment on this CPU (see the README): raw RGB keeps dark styles dark; the stem and the expanded
# (post-ReLU6) features of early and middle blocks carry brush texture; block 5 keeps the photo's layout.
DEFAULT_STYLE_LAYERS = {"rgb": 1.0, "stem": 1.0, "block.1.expand": 1.0, "block.3.expand": 1.0,
                        "block.5.expand": 1.0, "block.8.expand": 1.0}
DEFAULT_CONTENT_LAYER = "block.5.expand"
OPTIMIZERS = ("lbfgs", "adam")
EDGE_PAD = 8
STARTS = ("content", "noise")


class Backbone(Protocol):
    """What Gatys needs from a network: named feature maps of an RGB batch in [0, 1], and the layers that work
    as defaults for it."""
    net: torch.nn.Module
    layers: tuple[str, ...]
    default_style_layers: dict[str, float]
    default_content_layer: str

    def extract(self, x: torch.Tensor, names: set[str]) -> dict[str, torch.Tensor]: ...


class EfficientNetBackbone:
    """EfficientNet-Lite0 taps, plus "rgb" (the picture itself: a 3×3 Gram of colours)."""
    default_style_layers = DEFAULT_STYLE_LAYERS
    default_content_layer = DEFAULT_CONTENT_LAYER

    def __init__(self, net: EfficientNetLite0):
        self.net = net.eval().requires_grad_(False)
        blocks = range(len(net._blocks))
        self.layers = ("rgb", "stem", *[f"block.{i}.expand" for i in blocks if net._blocks[i].expands],
                       *[f"block.{i}" for i in blocks])

    def extract(self, x: torch.Tensor, names: set[str]) -> dict[str, torch.Tensor]:
        deepest = max((int(n.split(".")[1]) for n in names if n.startswith("block.")), default=-1)
        taps = self.net.features(x, last_block=deepest)
        taps["rgb"] = x
        return {n: taps[n] for n in names}


def efficientnet_backbone() -> EfficientNetBackbone:
    net = EfficientNetLite0()
    net.load_state_dict(load_torch("efficientnet-lite0"))
    return EfficientNetBackbone(net.to(best_device()))  # CUDA where there is one: the one heavy GPU job here


def device_of(backbone: Backbone) -> torch.device:
    """Where the backbone's weights are: the optimised picture and the targets live there too."""
    return next(backbone.net.parameters()).device


@dataclass(frozen=True)
class GatysConfig:
    size: int = 256                # long side of the optimised image, pixels
    iterations: int = 200          # loss-and-gradient evaluations
    content_weight: float = 1.0    # α
    style_weight: float = 1e3      # β
    tv_weight: float = 10.0        # λ_TV on the mean squared neighbour difference: removes pixel dither
    style_layers: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_STYLE_LAYERS))
    content_layer: str = DEFAULT_CONTENT_LAYER
    start: str = "content"
    optimizer: str = "lbfgs"
    lr: float = 0.03               # Adam only; L-BFGS uses its line search
    seed: int = 0                  # for the noise start

    def validate(self, layers: tuple[str, ...]) -> "GatysConfig":
        def number(name: str, lo: float, hi: float) -> None:
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
                raise ValueError(f"{name.replace('_', ' ')} must be between {lo:g} and {hi:g}, not {v}")
        number("size", 64, 1024)
        number("iterations", 1, 5000)
        for name in ("content_weight", "style_weight", "tv_weight"):
            number(name, 0, 1e9)
        number("lr", 1e-5, 1.0)
        if self.start not in STARTS:
            raise ValueError(f"start must be one of {', '.join(STARTS)}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
        unknown = [n for n in [*self.style_layers, self.content_layer] if n not in layers]
        if unknown:
            raise ValueError(f"unknown layer(s) {', '.join(unknown)}; known: {', '.join(layers)}")
        weights = list(self.style_layers.values())
        if any(not math.isfinite(w) or w < 0 for w in weights) or (self.style_weight > 0 and sum(weights) <= 0):
            raise refused("no_layer_weight")
        return replace(self, size=int(self.size), iterations=int(self.iterations))


def gram(f: torch.Tensor) -> torch.Tensor:
    n, c, h, w = f.shape
    flat = f.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def to_tensor(picture: np.ndarray, long_side: int) -> torch.Tensor:
    h, w = picture.shape[:2]
    scale = long_side / max(h, w)
    size = (max(16, round(w * scale)), max(16, round(h * scale)))
    resized = np.asarray(Image.fromarray(picture).resize(size, Image.LANCZOS), dtype=np.float32) / 255
    return torch.from_numpy(resized).permute(2, 0, 1)[None].contiguous()


def to_picture(x: torch.Tensor) -> np.ndarray:
    return (x.detach()[0].clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255 + 0.5).astype(np.uint8)


def _padded(x: torch.Tensor) -> torch.Tensor:
    """Reflect-pad before the network so border pixels are seen like inner ones: with the network's own zero
    padding the outermost rows are barely constrained and fill with coloured dither."""
    return F.pad(x, (EDGE_PAD,) * 4, mode="reflect")


def total_variation(x: torch.Tensor) -> torch.Tensor:
    return (x[..., 1:, :] - x[..., :-1, :]).pow(2).mean() + (x[..., :, 1:] - x[..., :, :-1]).pow(2).mean()


class GatysRun:
    """One optimisation, advanced a few iterations at a time so a UI can show every stage."""

    def __init__(self, backbone: Backbone, content: np.ndarray, style: np.ndarray, config: GatysConfig):
        self.config = config = config.validate(backbone.layers)
        self.backbone = backbone
        self.style_names = {n for n, w in config.style_layers.items() if w > 0}
        self.device = device = device_of(backbone)
        c = to_tensor(content, config.size).to(device)
        s = to_tensor(style, config.size).to(device)
        with torch.no_grad():
            self.content_target = backbone.extract(_padded(c), {config.content_layer})[config.content_layer]
            self.style_targets = {n: gram(f) for n, f in backbone.extract(_padded(s), self.style_names).items()}
        if config.start == "content":
            x = c.clone()
        else:
            x = torch.rand(c.shape, generator=torch.Generator().manual_seed(config.seed)).to(device)
        self.x = x.requires_grad_(True)
        if config.optimizer == "lbfgs":
            self.opt: torch.optim.Optimizer = torch.optim.LBFGS(
                [self.x], lr=1, history_size=20, line_search_fn="strong_wolfe")
        else:
            self.opt = torch.optim.Adam([self.x], lr=config.lr)
        self.history: list[dict[str, float]] = []
        self.diverged: Divergence | None = None

    @property
    def done(self) -> bool:
        return self.diverged or len(self.history) >= self.config.iterations

    def losses(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        cfg = self.config
        feats = self.backbone.extract(_padded(x), self.style_names | {cfg.content_layer})
        content = (feats[cfg.content_layer] - self.content_target).pow(2).sum() / self.content_target.pow(2).sum()
        total_w = sum(cfg.style_layers[n] for n in self.style_names) or 1.0
        style = sum((cfg.style_layers[n] * (gram(feats[n]) - g).pow(2).sum() / g.pow(2).sum().clamp_min(1e-12)
                     for n, g in self.style_targets.items()), torch.zeros((), device=self.device)) / total_w
        tv = total_variation(x)
        total = cfg.content_weight * content + cfg.style_weight * style + cfg.tv_weight * tv
        return {"total": total, "content": content, "style": style, "tv": tv}

    def _closure(self) -> torch.Tensor:
        self.opt.zero_grad()
        parts = self.losses(self.x)
        parts["total"].backward()
        self.history.append({k: float(v.detach()) for k, v in parts.items()})
        return parts["total"]

    def step(self, iterations: int) -> None:
        """Spend up to `iterations` more evaluations (never past config.iterations), then clamp to [0, 1]."""
        budget = min(iterations, self.config.iterations - len(self.history))
        if budget <= 0 or self.diverged:
            return
        before = self.x.detach().clone()
        if isinstance(self.opt, torch.optim.LBFGS):
            self.opt.param_groups[0].update(max_iter=budget, max_eval=budget)
            self.opt.step(self._closure)
        else:
            for _ in range(budget):
                self.opt.step(self._closure)
        with torch.no_grad():
            if not torch.isfinite(self.x).all() or not math.isfinite(self.history[-1]["total"]):
                self.x.copy_(before)  # keep the last good picture and stop
                self.diverged = Divergence(len(self.history), "pixels", reasons.stopped("became", value="nan"))
            self.x.clamp_(0, 1)
        del self.history[self.config.iterations:]

    def picture(self) -> np.ndarray:
        return to_picture(self.x)


BACKBONES = ("efficientnet-lite0", "vgg19")
_backbones: dict[str, Backbone] = {}
_backbone_lock = threading.Lock()


@on_device_change
def _forget_backbones() -> None:
    """Out of GPU memory: the process moved to the CPU; the backbones load there when next asked for."""
    with _backbone_lock:
        _backbones.clear()


def backbone(name: str = "efficientnet-lite0") -> Backbone:
    """A loaded feature network by name (once per process). VGG-19 needs download.pytorch.org."""
    if name not in BACKBONES:
        raise ValueError(f"backbone must be one of {', '.join(BACKBONES)}")
    with _backbone_lock:
        if name not in _backbones:
            if name == "vgg19":
                from .vgg import vgg_backbone

                _backbones[name] = vgg_backbone()
            else:
                _backbones[name] = efficientnet_backbone()
        return _backbones[name]
