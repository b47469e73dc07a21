"""TrainConfig: every setting of a 2D GAN run, serialisable to JSON and to a URL query string.

A URL holds only the fields that differ from the defaults, so shared links stay short and keep working when a new
field (with a default) is added later.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qsl, urlencode

from . import budget, distributions, losses, nets

OPTIMIZERS = ("sgd", "adam", "rmsprop")
NOISE_TYPES = ("gaussian", "uniform")

# Fields the trainer applies to a running model without a restart; everything else rebuilds the run.
LIVE_FIELDS = frozenset({"lr_d", "lr_g", "beta1_d", "beta2_d", "beta1_g", "beta2_g", "k_d", "k_g", "batch",
                         "gp_lambda", "r1_gamma", "r1_every", "clip", "unrolled_k", "g_ema", "lr_decay_steps"})


@dataclass(frozen=True)
class TrainConfig:
    data: str = "ring8"
    points: tuple[tuple[float, float], ...] | None = None  # only for data="points"
    noise_dim: int = 2
    noise: str = "gaussian"
    g_depth: int = 2
    g_width: int = 64
    g_act: str = "relu"
    d_depth: int = 2
    d_width: int = 64
    d_act: str = "relu"
    d_spectral_norm: bool = False
    loss: str = "nonsaturating"
    gp_lambda: float = 0.1  # WGAN-GP penalty weight (toy-scale value from the WGAN-GP toy code)
    clip: float = 0.01  # WGAN weight-clipping bound
    r1_gamma: float = 0.0  # R1 penalty weight, any loss; 0 = off
    r1_every: int = 1  # lazy R1: apply it on every k-th D step with weight k·γ (same strength, 1/k of the cost)
    unrolled_k: int = 0  # unrolled D steps seen by each G update; 0 = off
    opt_d: str = "adam"
    lr_d: float = 1e-3
    beta1_d: float = 0.5
    beta2_d: float = 0.999
    opt_g: str = "adam"
    lr_g: float = 1e-3
    beta1_g: float = 0.5
    beta2_g: float = 0.999
    k_d: int = 1
    k_g: int = 1
    batch: int = 256
    seed: int = 0
    g_ema: float = 0.0  # decay of an exponential moving average of G's weights used for sampling; 0 = off
    lr_decay_steps: int = 0  # cosine-anneal both learning rates to 1% over this many iterations; 0 = constant

    # ---- validation -------------------------------------------------------------------------------------------
    def validate(self) -> "TrainConfig":
        """Raise ValueError naming the first bad setting; return self so calls can chain."""
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise ValueError(msg)

        def number(name: str, lo: float, hi: float, lo_open: bool = False) -> None:
            v = getattr(self, name)
            need(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
                 f"{name} must be a finite number, got {v!r}")
            need((v > lo if lo_open else v >= lo) and v <= hi,
                 f"{name} must be in {'(' if lo_open else '['}{lo:g}, {hi:g}], got {v!r}")

        def integer(name: str, lo: int, hi: int) -> None:
            v = getattr(self, name)
            need(isinstance(v, int) and not isinstance(v, bool), f"{name} must be a whole number, got {v!r}")
            need(lo <= v <= hi, f"{name} must be between {lo} and {hi}, got {v}")

        def choice(name: str, options: tuple[str, ...]) -> None:
            v = getattr(self, name)
            need(v in options, f"{name} must be one of {', '.join(options)}; got {v!r}")

        choice("data", distributions.NAMES)
        if self.data == "points":
            need(self.points is not None, "the 'points' data set needs a point cloud (draw one or upload a CSV)")
            distributions.validate_points(self.points)
        choice("noise", NOISE_TYPES)
        choice("loss", losses.LOSS_NAMES)
        choice("opt_d", OPTIMIZERS)
        choice("opt_g", OPTIMIZERS)
        choice("g_act", tuple(nets.ACTIVATIONS))
        choice("d_act", tuple(nets.ACTIVATIONS))
        integer("noise_dim", 1, 64)
        integer("g_depth", 0, 8)
        integer("d_depth", 0, 8)
        integer("g_width", 1, 512)
        integer("d_width", 1, 512)
        integer("k_d", 0, 50)
        integer("k_g", 0, 50)
        need(self.k_d + self.k_g > 0, "k_d and k_g cannot both be 0: an iteration would do nothing")
        integer("batch", 2, 4096)
        integer("seed", 0, 2**31 - 1)
        integer("unrolled_k", 0, 20)
        integer("r1_every", 1, 64)
        integer("lr_decay_steps", 0, 10**8)
        number("lr_d", 0, 10, lo_open=True)
        number("lr_g", 0, 10, lo_open=True)
        for b in ("beta1_d", "beta1_g", "beta2_d", "beta2_g"):
            number(b, 0, 0.9999)
        number("gp_lambda", 0, 1000)
        number("r1_gamma", 0, 1000)
        number("clip", 0, 100, lo_open=True)
        number("g_ema", 0, 0.9999)
        need(isinstance(self.d_spectral_norm, bool), "d_spectral_norm must be true or false")
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
    kind = type(getattr(TrainConfig(), f.name))
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                return int(value)
            return int(str(value).strip())
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ValueError(f"{f.name} must be a {kind.__name__}, got {value!r}") from None


DEFAULT = TrainConfig()
