"""The live lab's frame protocol, in one place: what the page asks for, what a frame holds, and their wire form.

The page (static/lab2d.js) sends a FrameRequest as a JSON object with these field names; it gets back a LabFrame,
packed (``pack``): a JSON header whose arrays are raw bytes after it, so neither side spends time on base64. Chart
rows are numbered per run: the page says how many it holds, the frame carries the rows from some index on, and the
page keeps only those it lacks, so a row reaches a chart exactly once even when a request was sent before the
previous frame was taken in. The heavy layers (D's heatmap, G's manifold) are versioned the same way: the page says
which version it holds and gets them only when there is a newer one. Frames arrive by one channel (the lab's own
route, lab2d.FRAME_ROUTE, or the `tick` server function where the app was launched without it); other events only
tell the page to ask for one.

ViewLayers is what every view paints (the page's canvas, the GIF export's Pillow renderer, the A/B and VAE
pictures), as arrays; only ``wire`` turns them into base64 or blobs.
"""
from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable

import numpy as np

from toy2d.metrics import Box
from toy2d.probe import Frame, colour_range

from playground.catalogue import Phrase

ARROW_SCALE = 0.08  # the reference (largest recent) gradient is drawn this long, as a fraction of the view width
ACTIONS = ("frame", "play", "step", "d", "g", "slow", "reset")
MAX_COUNT = 2**53  # the largest whole number a page's JSON carries exactly


def b64(a: np.ndarray, dtype: type = np.float32) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def decode(text: str, dtype: type = np.float32) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


# ---- packed replies: [uint32 header length][JSON header][blobs, each at a multiple of 4 bytes] ---------------------
# In the header an array is {"$blob": [offset from the first blob, element count, "f32" | "u8"]}.
_CODES = {np.dtype(np.float32): "f32", np.dtype(np.uint8): "u8"}
_DTYPES = {v: k for k, v in _CODES.items()}


class Packer:
    """Collects a reply's arrays as it is turned into a header (pass it to ``wire`` where b64 would go)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def __call__(self, a: np.ndarray, dtype: type = np.float32) -> dict[str, list]:
        data = np.ascontiguousarray(a, dtype=dtype)
        ref = {"$blob": [self.size, int(data.size), _CODES[data.dtype]]}
        raw = data.tobytes()
        self.parts.append(raw + b"\0" * (-len(raw) % 4))
        self.size += len(self.parts[-1])
        return ref

    def pack(self, header: dict[str, Any]) -> bytes:
        head = json.dumps(header, separators=(",", ":")).encode()
        head += b" " * (-(4 + len(head)) % 4)  # the blobs start 4-byte aligned (Float32Array views need it)
        return b"".join([len(head).to_bytes(4, "little"), head, *self.parts])


def pack(header: dict[str, Any]) -> bytes:
    """A reply without arrays (an error, "busy")."""
    return Packer().pack(header)


def unpack(data: bytes) -> dict[str, Any]:
    """A packed reply's header with its arrays in place, as NumPy arrays (what lab2d.js's unpack does)."""
    n = int.from_bytes(data[:4], "little")
    base = 4 + n

    def restore(v: Any) -> Any:
        if isinstance(v, dict):
            if set(v) == {"$blob"}:
                offset, count, code = v["$blob"]
                return np.frombuffer(data, _DTYPES[code], count, base + offset)
            return {k: restore(x) for k, x in v.items()}
        if isinstance(v, list):
            return [restore(x) for x in v]
        return v

    return restore(json.loads(data[4:base]))


def number(v: float | None) -> float | None:
    """JSON has no NaN/inf: None instead."""
    return None if v is None or not math.isfinite(v) else float(v)


# ---- the request -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FrameRequest:
    """What the page's loop asks for: an action on its run (``token``) and what it already holds of that run."""

    token: str
    action: str = "frame"
    n: int = 1  # iterations, for "play"
    run: int = -1  # the run the page holds (-1: none yet)
    losses: int = 0  # loss rows it holds of that run
    metrics: int = 0  # metric rows it holds
    layers: int = -1  # the version of the heavy layers it holds (LabFrame.layers)

    @classmethod
    def parse(cls, obj: Any) -> "FrameRequest":
        """ValueError for anything a page would not send (a hostile client can send any JSON, ±Infinity too)."""
        names = [f.name for f in fields(cls)]
        if not isinstance(obj, dict) or set(obj) - set(names) or "token" not in obj:
            raise ValueError(f"a frame request is an object with the keys {', '.join(names)}")
        token, action = obj["token"], obj.get("action", "frame")
        if not isinstance(token, str) or not 0 < len(token) <= 64:
            raise ValueError("the token must be short text")
        if action not in ACTIONS:
            raise ValueError(f"unknown action {str(action)[:20]!r}")
        counts = {}
        for name in ("n", "run", "losses", "metrics", "layers"):
            v = obj.get(name, getattr(cls, name))
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not isinstance(v, int) or isinstance(v, bool) or not -1 <= v <= MAX_COUNT:
                raise ValueError(f"{name} must be a whole number, got {v!r}")
            counts[name] = v
        return cls(token, action, **counts)


# ---- what is painted ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewLayers:
    """The layered 2D view as arrays. ``heat`` is None for a model without a discriminator (the VAE), ``arrows``
    likewise; ``density`` is empty for 1-D noise."""

    box: Box
    fake: np.ndarray  # (F, 2)
    manifold: np.ndarray  # (K, M, 2)
    density: np.ndarray  # (K−1, M−1) uint8
    heat: np.ndarray | None = None  # (N, N) uint8, row i is the i-th cell from the bottom
    heat_lo: float = 0.0
    heat_hi: float = 1.0
    heat_output: str = "probability"
    arrows: np.ndarray | None = None  # (F, 2) offsets in data units, already scaled for drawing
    arrow_max: float = 0.0  # the longest gradient now, unscaled
    arrow_ref: float = 0.0

    @classmethod
    def of(cls, frame: Frame, arrow_reference: float) -> "ViewLayers":
        """A probe frame as layers; arrows scaled so ``arrow_reference`` is drawn ARROW_SCALE of the view wide."""
        lo, hi = colour_range(frame)
        z = np.nan_to_num(frame.d_grid.astype(np.float64), nan=(lo + hi) / 2, posinf=hi, neginf=lo)
        heat = np.clip(np.rint((z - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)
        return cls(
            box=tuple(float(v) for v in frame.box), fake=_finite(frame.fake), manifold=_finite(frame.manifold),
            density=np.clip(np.rint(frame.manifold_density * 255), 0, 255).astype(np.uint8),
            heat=heat, heat_lo=lo, heat_hi=hi, heat_output=frame.d_output, **_arrows(frame, arrow_reference))

    def moved(self, frame: Frame, arrow_reference: float) -> "ViewLayers":
        """These layers with a newer frame's fake samples and arrows (``frame`` kept this view's heatmap and
        manifold: probe.frame's ``layers``)."""
        return replace(self, fake=_finite(frame.fake), **_arrows(frame, arrow_reference))

    @classmethod
    def samples(cls, box: Box, fake: np.ndarray, manifold: np.ndarray) -> "ViewLayers":
        """Samples and a manifold only (a model with no discriminator)."""
        return cls(box=tuple(float(v) for v in box), fake=_finite(fake), manifold=_finite(manifold),
                   density=np.zeros((0, 0), np.uint8))

    def wire(self, blob: Callable[..., Any] = b64, heavy: bool = True) -> dict[str, Any]:
        """The layers for the page, arrays as ``blob`` makes them (b64, or a Packer). ``heavy=False``: without the
        heatmap and manifold (the page keeps the ones it has)."""
        out = dict(box=list(self.box), fake=blob(self.fake), arrow_max=self.arrow_max, arrow_ref=self.arrow_ref)
        if self.arrows is not None:
            out["arrows"] = blob(self.arrows)
        if heavy:
            k, m = self.manifold.shape[:2]
            out.update(manifold=blob(self.manifold), manifold_k=int(k), manifold_m=int(m),
                       density=blob(self.density, np.uint8), heat_output=self.heat_output, heat_lo=self.heat_lo,
                       heat_hi=self.heat_hi)
            if self.heat is not None:
                out.update(heat=blob(self.heat, np.uint8), heat_n=int(self.heat.shape[0]))
        return out


def _arrows(frame: Frame, arrow_reference: float) -> dict[str, Any]:
    """The arrows drawn: scaled so ``arrow_reference`` is ARROW_SCALE of the view wide; the longest unscaled."""
    width = frame.box[1] - frame.box[0]
    scale = ARROW_SCALE * width / arrow_reference if arrow_reference > 0 else 0.0
    finite = np.isfinite(frame.arrow_norm)
    return dict(arrows=np.nan_to_num(frame.arrows * scale, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32),
                arrow_max=float(np.nanmax(frame.arrow_norm)) if finite.any() else 0.0,
                arrow_ref=float(arrow_reference))


def _finite(a: np.ndarray) -> np.ndarray:
    return np.nan_to_num(a, nan=0.0, posinf=1e30, neginf=-1e30).astype(np.float32)


# ---- a frame -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartRows:
    """Rows ``start``, ``start + 1``, … of one chart series of the run."""

    start: int
    rows: list[list[Any]]

    def wire(self) -> dict[str, Any]:
        return {"from": self.start, "rows": self.rows}


@dataclass(frozen=True)
class LabFrame:
    run: int
    iteration: int
    d_steps: int
    g_steps: int
    d_loss: float | None
    g_loss: float | None
    loss: str
    next_phase: str  # "D" or "G": what slow motion updates next
    k_d: int
    k_g: int
    diverged: str | None  # the message the page shows, or None
    ips: float  # iterations per second reached
    per_frame: dict[str, Any] | None  # a play frame's {trained, asked, why}: why it trained fewer than asked, or None
    floors: dict[str, float]  # KL/JS of real against real: the best a perfect G can score
    modes_total: int | None
    mode_window: int
    query: str  # the URL query of the running settings
    view: ViewLayers
    layers: int  # the version of the view's heatmap and manifold (new each time they are computed)
    losses: ChartRows  # [iteration, d_loss, g_loss]
    metrics: ChartRows  # [iteration, kl_bits, js_bits, modes_now, hq_percent, modes_in_window]
    real: np.ndarray | None = field(default=None)  # sent with a run's first frame only
    heavy: bool = True  # carry the heatmap and manifold (the page holds another version of them), and the query
    # the preset being run (LabSession.story: name, title, explanation, watch, pair, happened, changed) or None;
    # with heavy frames
    story: dict[str, Any] | None = None

    def wire(self, blob: Callable[..., Any] = b64) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("view", "losses", "metrics", "real", "heavy", "query", "story")}
        out.update(view=self.view.wire(blob, self.heavy), losses=self.losses.wire(), metrics=self.metrics.wire())
        if self.heavy:  # the settings change only with a new version of the layers (see LabSession.change)
            out.update(query=self.query, story=self.story)
        if self.real is not None:
            out["real"] = blob(self.real)
        return out

    def packed(self) -> bytes:
        packer = Packer()
        return packer.pack(self.wire(packer))


def error_reply(message: "str | Phrase") -> bytes:
    """A reply the page shows in its message line (and stops playing); a Phrase is said in the page's language."""
    return pack({"error": message.wire() if isinstance(message, Phrase) else message})


BUSY_REPLY = pack({"busy": True})
