"""Plotly figures drawn from toy2d probe frames. No Gradio here, so figures can be tested and reused anywhere."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from toy2d.probe import Frame

REAL_COLOUR = "#1b7837"
FAKE_COLOUR = "#762a83"
ARROW_SCALE = 0.08  # longest arrow as a fraction of the view width


def _diverging_range(frame: Frame) -> tuple[float, float]:
    """Colour range centred on the decision boundary, so white means 'D cannot tell'."""
    z = frame.d_grid[np.isfinite(frame.d_grid)]
    if frame.d_output == "probability":
        return 0.0, 1.0
    centre = frame.d_boundary if frame.d_boundary is not None else (float(np.median(z)) if z.size else 0.0)
    half = float(np.max(np.abs(z - centre))) if z.size else 1.0
    half = half or 1.0
    return centre - half, centre + half


def _arrow_segments(frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    norm = frame.arrow_norm[np.isfinite(frame.arrow_norm)]
    top = float(norm.max()) if norm.size else 0.0
    width = frame.box[1] - frame.box[0]
    scale = ARROW_SCALE * width / top if top > 0 else 0.0
    start, end = frame.fake, frame.fake + frame.arrows * scale
    nan = np.full(len(start), np.nan)
    xs = np.stack([start[:, 0], end[:, 0], nan], axis=1).ravel()
    ys = np.stack([start[:, 1], end[:, 1], nan], axis=1).ravel()
    return xs, ys


def _manifold_lines(frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    m = frame.manifold
    lines = [m[i, :, :] for i in range(m.shape[0])] if m.shape[1] > 1 else [m[:, 0, :]]
    if m.shape[1] > 1:
        lines += [m[:, j, :] for j in range(m.shape[1])]
    xs = np.concatenate([np.append(line[:, 0], np.nan) for line in lines])
    ys = np.concatenate([np.append(line[:, 1], np.nan) for line in lines])
    return xs, ys


def layered_figure(frame: Frame, layers: tuple[str, ...] = ("heatmap", "manifold", "real", "fake", "arrows"),
                   height: int = 520) -> go.Figure:
    """The layered 2D view: D's heatmap, G's manifold, real and fake samples, gradient arrows."""
    fig = go.Figure()
    if "heatmap" in layers:
        lo, hi = _diverging_range(frame)
        label = {"probability": "D(x): chance real", "score": "D score", "critic": "critic value"}[frame.d_output]
        fig.add_trace(go.Heatmap(x=frame.grid_x, y=frame.grid_y, z=frame.d_grid.astype(np.float32), zmin=lo,
                                 zmax=hi, colorscale="PiYG", reversescale=False, opacity=0.75, name=label,
                                 colorbar=dict(title=label, thickness=12), hoverinfo="skip"))
    if "manifold" in layers:
        xs, ys = _manifold_lines(frame)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="rgba(118,42,131,0.35)", width=1),
                                 name="G manifold (warped noise grid)", hoverinfo="skip"))
    if "real" in layers:
        fig.add_trace(go.Scatter(x=frame.real[:, 0], y=frame.real[:, 1], mode="markers", name="real samples",
                                 marker=dict(color=REAL_COLOUR, size=4)))
    if "fake" in layers:
        fig.add_trace(go.Scatter(x=frame.fake[:, 0], y=frame.fake[:, 1], mode="markers", name="fake samples",
                                 marker=dict(color=FAKE_COLOUR, size=4)))
    if "arrows" in layers:
        xs, ys = _arrow_segments(frame)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#222", width=1),
                                 name="where G's loss pushes each fake", hoverinfo="skip"))
    x0, x1, y0, y1 = frame.box
    fig.update_layout(template="none", height=height, margin=dict(l=40, r=10, t=30, b=30),
                      legend=dict(orientation="h", y=-0.08), uirevision="view",
                      title=dict(text=f"iteration {frame.iteration}", x=0.02, font=dict(size=13)))
    fig.update_xaxes(range=[x0, x1], constrain="domain")
    fig.update_yaxes(range=[y0, y1], scaleanchor="x", constrain="domain")
    return fig
