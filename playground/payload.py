"""A probe Frame as compact JSON for the page: base64 float32 for coordinates, uint8 for the heatmap.

The page decodes these into typed arrays and paints them on a canvas; nothing here depends on how it paints.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import numpy as np

from toy2d.probe import Frame

ARROW_SCALE = 0.08  # the reference (largest recent) gradient is drawn this long, as a fraction of the view width


def b64(a: np.ndarray, dtype: type = np.float32) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def colour_range(frame: Frame) -> tuple[float, float]:
    """The heatmap's value range, centred on the decision boundary so the middle colour means "D cannot tell".
    Probabilities use [0, 1]; scores are symmetric about their boundary; critics (no boundary) about the median,
    each with its own scale."""
    z = frame.d_grid[np.isfinite(frame.d_grid)]
    if frame.d_output == "probability":
        return 0.0, 1.0
    if z.size == 0:
        return -1.0, 1.0
    centre = frame.d_boundary if frame.d_boundary is not None else float(np.median(z))
    half = float(np.max(np.abs(z - centre))) or 1.0
    return centre - half, centre + half


def heat_bytes(frame: Frame, lo: float, hi: float) -> np.ndarray:
    """D's grid as 0..255 (row i is y = grid_y[i]); non-finite values go to the middle colour."""
    z = np.nan_to_num(frame.d_grid.astype(np.float64), nan=(lo + hi) / 2, posinf=hi, neginf=lo)
    return np.clip(np.rint((z - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)


def arrow_vectors(frame: Frame, reference: float) -> np.ndarray:
    """Arrow offsets in data units: the reference gradient magnitude is drawn ARROW_SCALE of the view wide."""
    width = frame.box[1] - frame.box[0]
    scale = ARROW_SCALE * width / reference if reference > 0 else 0.0
    return np.nan_to_num(frame.arrows * scale, nan=0.0, posinf=0.0, neginf=0.0)


def frame_arrays(frame: Frame, arrow_reference: float) -> dict:
    lo, hi = colour_range(frame)
    k, m = frame.manifold.shape[:2]
    finite = lambda a: np.nan_to_num(a, nan=0.0, posinf=1e30, neginf=-1e30)  # noqa: E731
    return dict(
        box=[float(v) for v in frame.box],
        heat=b64(heat_bytes(frame, lo, hi), np.uint8), heat_n=len(frame.grid_x), heat_lo=lo, heat_hi=hi,
        heat_output=frame.d_output,
        fake=b64(finite(frame.fake)),
        arrows=b64(arrow_vectors(frame, arrow_reference)),
        arrow_max=float(np.nanmax(frame.arrow_norm)) if np.isfinite(frame.arrow_norm).any() else 0.0,
        arrow_ref=float(arrow_reference),
        manifold=b64(finite(frame.manifold)), manifold_k=int(k), manifold_m=int(m),
        density=b64(np.clip(np.rint(frame.manifold_density * 255), 0, 255), np.uint8),
    )


def decode(text: str, dtype: type = np.float32) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


@dataclass(frozen=True)
class FrameRequest:
    """What the page's loop asks for: [token, action, n, have_losses, have_metrics, have_run] on the wire."""

    token: str
    action: str
    n: int
    have_losses: int
    have_metrics: int
    have_run: int

    @classmethod
    def parse(cls, args: Any) -> "FrameRequest":
        """ValueError for anything a page would not send (a hostile client can send any JSON, ±Infinity too)."""
        if not isinstance(args, (list, tuple)) or len(args) != 6:
            raise ValueError("a frame request is a list of 6 values")
        token, action, *numbers = args
        if not isinstance(token, str) or not 0 < len(token) <= 64 or not isinstance(action, str):
            raise ValueError("the token and action must be short text")
        counts = []
        for name, v in zip(("n", "have_losses", "have_metrics", "have_run"), numbers):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not isinstance(v, int) or isinstance(v, bool) or not -1 <= v <= 2**53:
                raise ValueError(f"{name} must be a whole number, got {v!r}")
            counts.append(v)
        return cls(token, action, *counts)
