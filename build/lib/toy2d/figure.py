"""The lab's layered view as a Plotly figure, for a notebook or a slide: D's belief as the background, G's bent noise
grid, real and generated samples, and the arrows where G's loss pushes its samples, with a legend. A renderer that
knows nothing of training: it draws probe.Frame snapshots (toy2d/run.py takes them), in the page's colours.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from . import palette, probe

LAYERS = ("heatmap", "manifold", "real", "fake", "arrows")
ARROW_SCALE = 0.08  # the longest arrow of a frame is drawn this fraction of the view wide, as in the lab
OUTPUT_TITLE = {"probability": "D(x): P(real)", "score": "D's score", "critic": "critic value"}


def _lines(polylines: list[np.ndarray]) -> tuple[list, list]:
    """Polylines as one trace's x and y, separated by None."""
    xs: list = []
    ys: list = []
    for line in polylines:
        xs += [*line[:, 0].tolist(), None]
        ys += [*line[:, 1].tolist(), None]
    return xs, ys


def traces(frame: probe.Frame, layers: tuple[str, ...] = LAYERS) -> list:
    """The frame's layers as Plotly traces, bottom first (the same order and meaning as in the lab)."""
    out: list = []
    if "heatmap" in layers:
        lo, hi = probe.colour_range(frame)
        out.append(go.Heatmap(x=frame.grid_x, y=frame.grid_y, z=frame.d_grid, zmin=lo, zmax=hi, opacity=0.75,
                              colorscale=palette.plotly_scale(), name="D's belief", showlegend=True,
                              colorbar=dict(title=OUTPUT_TITLE.get(frame.d_output, "D"), len=0.6, y=0.3),
                              hovertemplate="x %{x:.2f}, y %{y:.2f}: %{z:.3f}<extra>D</extra>"))
    if "manifold" in layers:
        k, m = frame.manifold.shape[:2]
        grid = frame.manifold
        xs, ys = _lines([grid[i] for i in range(k)] + ([grid[:, j] for j in range(m)] if m > 1 else []))
        out.append(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#5a5a5a", width=1), hoverinfo="skip",
                              name="G's manifold (the noise grid, bent by G)"))
    if "real" in layers:
        out.append(go.Scatter(x=frame.real[:, 0], y=frame.real[:, 1], mode="markers", name="real samples",
                              marker=dict(size=4, color=palette.hex_colour(palette.REAL))))
    if "fake" in layers:
        out.append(go.Scatter(x=frame.fake[:, 0], y=frame.fake[:, 1], mode="markers", name="G's samples",
                              marker=dict(size=4, color=palette.hex_colour(palette.FAKE))))
    if "arrows" in layers:
        tails = frame.fake[::probe.ARROW_EVERY]
        finite = np.isfinite(frame.arrow_norm)
        longest = float(frame.arrow_norm[finite].max()) if finite.any() else 0.0
        scale = ARROW_SCALE * (frame.box[1] - frame.box[0]) / longest if longest > 0 else 0.0
        heads = tails + np.nan_to_num(frame.arrows) * scale
        xs, ys = _lines([np.stack([t, h]) for t, h in zip(tails, heads)])
        out.append(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="black", width=1), hoverinfo="skip",
                              name="where G's loss pushes its samples"))
    return out


def _layout(fig: go.Figure, box: probe.Box, title: str) -> go.Figure:
    fig.update_layout(template="plotly_white", title=title, width=720, height=620,
                      legend=dict(orientation="h", y=-0.08, yanchor="top"), margin=dict(l=50, r=20, t=50, b=40),
                      xaxis=dict(range=[box[0], box[1]], constrain="domain", showgrid=False, zeroline=False),
                      yaxis=dict(range=[box[2], box[3]], scaleanchor="x", constrain="domain", showgrid=False,
                                 zeroline=False))
    return fig


def view_figure(frame: probe.Frame, layers: tuple[str, ...] = LAYERS, title: str | None = None) -> go.Figure:
    """One snapshot as a figure."""
    return _layout(go.Figure(traces(frame, layers)), frame.box, title or f"iteration {frame.iteration}")


def animation(frames: list[probe.Frame], layers: tuple[str, ...] = LAYERS, title: str = "training") -> go.Figure:
    """Snapshots as one figure with a Play button and a slider (one step per snapshot), on axes that hold every
    snapshot's view."""
    if not frames:
        raise ValueError("no snapshots: train with record_every set to record some")
    boxes = np.array([f.box for f in frames])
    box = (boxes[:, 0].min(), boxes[:, 1].max(), boxes[:, 2].min(), boxes[:, 3].max())
    fig = go.Figure(traces(frames[0], layers),
                    frames=[go.Frame(data=traces(f, layers), name=str(f.iteration)) for f in frames])
    step = dict(frame=dict(duration=400, redraw=True), transition=dict(duration=0), mode="immediate")
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=1, y=1.12, xanchor="right", yanchor="top",
                          showactive=False,
                          buttons=[dict(label="▶ Play", method="animate", args=[None, dict(step, fromcurrent=True)]),
                                   dict(label="Pause", method="animate",
                                        args=[[None], dict(step, frame=dict(duration=0, redraw=False))])])],
        sliders=[dict(currentvalue=dict(prefix="iteration "), y=-0.04, pad=dict(t=30),
                      steps=[dict(label=str(f.iteration), method="animate", args=[[str(f.iteration)], step])
                             for f in frames])])
    fig = _layout(fig, box, title)
    fig.update_layout(height=780, margin=dict(b=200), legend=dict(y=-0.3))
    return fig
