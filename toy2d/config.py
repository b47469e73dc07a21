"""TrainConfig: every setting of a 2D GAN run, serialisable to JSON and to a URL query string.

A URL holds only the fields that differ from the defaults, so shared links stay short and keep working when a new
field (with a default) is added later.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qsl, urlencode

from . import budget, distributions, losses, nets, settings
from .reasons import Refused
from .settings import setting

OPTIMIZERS = ("sgd", "adam", "rmsprop")
NOISE_TYPES = ("gaussian", "uniform")
_ACTS = tuple(nets.ACTIVATIONS)
DATA, GEN, DIS, LOSS, OPT = "Data", "Generator", "Discriminator", "Loss and regularisers", "Optimisers"


@dataclass(frozen=True)
class TrainConfig:
    """Each setting is declared once, here (toy2d/settings.py): label, panel group, range, live or restart."""

    data: str = setting("ring8", "data set", DATA, choices=distributions.NAMES)
    points: tuple[tuple[float, float], ...] | None = None  # only for data="points" (drawn or uploaded)
    noise_dim: int = setting(2, "noise dimensions", GEN, lo=1, hi=64)
    noise: str = setting("gaussian", "noise", GEN, choices=NOISE_TYPES)
    g_depth: int = setting(2, "G hidden layers", GEN, lo=0, hi=8)
    g_width: int = setting(64, "G neurons per layer", GEN, lo=1, hi=512)
    g_act: str = setting("relu", "G activation", GEN, choices=_ACTS)
    d_depth: int = setting(2, "D hidden layers", DIS, lo=0, hi=8)
    d_width: int = setting(64, "D neurons per layer", DIS, lo=1, hi=512)
    d_act: str = setting("relu", "D activation", DIS, choices=_ACTS)
    d_spectral_norm: bool = setting(False, "spectral norm on D", DIS)
    # PacGAN: D judges packs of this many samples (1 = single samples); the batch must be a multiple of it
    pack: int = setting(1, "samples per D input (PacGAN packing)", DIS, lo=1, hi=8)
    loss: str = setting("nonsaturating", "loss", LOSS, choices=losses.LOSS_NAMES)
    # WGAN-GP penalty weight (toy-scale value from the WGAN-GP toy code)
    gp_lambda: float = setting(0.1, "gradient penalty λ (WGAN-GP)", LOSS, lo=0, hi=1000, live=True,
                                applies=("loss", ("wgan-gp",)))
    clip: float = setting(0.01, "weight clip (WGAN)", LOSS, lo=0, hi=100, lo_open=True, live=True,
                          applies=("loss", ("wgan",)))
    r1_gamma: float = setting(0.0, "R1 penalty γ (0 = off)", LOSS, lo=0, hi=1000, live=True)
    # lazy R1: apply it on every k-th D step with weight k·γ (same strength, 1/k of the cost)
    r1_every: int = setting(1, "R1 every k D steps", LOSS, lo=1, hi=64, live=True)
    unrolled_k: int = setting(0, "unrolled D steps (0 = off)", LOSS, lo=0, hi=20, live=True)
    opt_d: str = setting("adam", "D optimiser", OPT, choices=OPTIMIZERS)
    lr_d: float = setting(1e-3, "D learning rate", OPT, lo=0, hi=10, lo_open=True, live=True)
    beta1_d: float = setting(0.5, "D β1", OPT, lo=0, hi=0.9999, live=True, applies=("opt_d", ("adam",)))
    beta2_d: float = setting(0.999, "D β2 (RMSprop α)", OPT, lo=0, hi=0.9999, live=True,
                              applies=("opt_d", ("adam", "rmsprop")))
    opt_g: str = setting("adam", "G optimiser", OPT, choices=OPTIMIZERS)
    lr_g: float = setting(1e-3, "G learning rate", OPT, lo=0, hi=10, lo_open=True, live=True)
    beta1_g: float = setting(0.5, "G β1", OPT, lo=0, hi=0.9999, live=True, applies=("opt_g", ("adam",)))
    beta2_g: float = setting(0.999, "G β2 (RMSprop α)", OPT, lo=0, hi=0.9999, live=True,
                              applies=("opt_g", ("adam", "rmsprop")))
    k_d: int = setting(1, "D steps per iteration (kD)", OPT, lo=0, hi=50, live=True)
    k_g: int = setting(1, "G steps per iteration (kG)", OPT, lo=0, hi=50, live=True)
    batch: int = setting(256, "batch size", OPT, lo=2, hi=4096, live=True)
    seed: int = setting(0, "seed", DATA, lo=0, hi=2**31 - 1)
    # decay of an exponential moving average of G's weights used for sampling
    g_ema: float = setting(0.0, "G weight EMA (0 = off)", OPT, lo=0, hi=0.9999, live=True)
    # cosine-anneal both learning rates to 1% over this many iterations
    lr_decay_steps: int = setting(0, "cosine lr decay over (0 = off)", OPT, lo=0, hi=10**8, live=True)

    # ---- validation -------------------------------------------------------------------------------------------
    def validate(self) -> "TrainConfig":
        """Raise ValueError naming the first bad setting; return self so calls can chain."""
        settings.check_all(self)
        if self.data == "points":
            if self.points is None:
                raise Refused("points_needed")
            distributions.validate_points(self.points)
        if self.batch % self.pack:
            raise Refused("batch_pack", batch=self.batch, pack=self.pack)
        if self.k_d + self.k_g == 0:
            raise Refused("no_steps")
        budget.check(self)  # last: it needs every number in range
        return self

    def replace(self, **changes: Any) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    def needs_restart(self, other: "TrainConfig") -> bool:
        """True when going from self to other cannot be applied to the running model."""
        return any(getattr(self, f.name) != getattr(other, f.name) for f in fields(self) if f.name not in LIVE_FIELDS)

    # ---- serialisation ----------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}  # not asdict: it deep-copies 100 000 points
        d["points"] = None if self.points is None else [list(p) for p in self.points]
        return d

    def updated(self, values: dict[str, Any]) -> "TrainConfig":
        """This config with ``values`` (from JSON, a query string or the panel) coerced to each field's type; the
        fields not named, a large point cloud among them, are kept as they are, not copied."""
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **{k: _coerce(known[k], v) for k, v in values.items()})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        return cls().updated(d)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "TrainConfig":
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
        if not isinstance(d, dict):
            raise ValueError("a configuration must be a JSON object")
        return cls.from_dict(d)

    def to_query(self) -> str:
        """URL query string of the fields that differ from the defaults."""
        default = TrainConfig()
        items = []
        for f in fields(self):
            v = getattr(self, f.name)
            if v == getattr(default, f.name):
                continue
            if f.name == "points":
                items.append((f.name, ";".join(f"{x!r},{y!r}" for x, y in v)))
            elif isinstance(v, bool):
                items.append((f.name, "1" if v else "0"))
            else:
                items.append((f.name, repr(v) if isinstance(v, float) else str(v)))
        return urlencode(items)

    @classmethod
    def from_query(cls, query: str) -> "TrainConfig":
        query = query[1:] if query.startswith("?") else query
        d: dict[str, Any] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key == "points":
                try:
                    d[key] = [tuple(float(c) for c in pair.split(",")) for pair in value.split(";") if pair]
                except ValueError:
                    raise ValueError("points in the URL must look like x1,y1;x2,y2;…") from None
            else:
                d[key] = value
        return cls.from_dict(d)


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    """Turn a JSON or query-string value into the field's type, with a message naming the field on failure."""
    if f.name == "points":
        if value is None:
            return None
        try:
            return tuple((float(x), float(y)) for x, y in value)
        except (TypeError, ValueError):
            raise ValueError("points must be a list of [x, y] pairs") from None
    return settings.by_name(TrainConfig)[f.name].coerce(value)


DEFAULT = TrainConfig()
SETTINGS = settings.table(TrainConfig)
# Fields the trainer applies to a running model without a restart; everything else rebuilds the run.
LIVE_FIELDS = frozenset(s.name for s in SETTINGS if s.live)
