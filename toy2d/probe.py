"""Everything one frame of the live view needs, as numpy arrays, in one call.

``frame(trainer, prev_box)`` is pure apart from reading the trainer: the caller keeps the previous frame's box and
passes it back, which is what keeps the view still between frames (see ``fit_view``).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Protocol

import numpy as np
import torch
from scipy.special import ndtri

from .metrics import Box

N_SHOWN = 500  # real and fake points drawn per frame
FAKE_SEED = 4321  # the fixed noise batch for the fake layer and the arrows
ARROW_EVERY = 2  # an arrow on every other fake sample: 250 stay readable, and cost half
MANIFOLD_CELLS = 20
# Heatmap cells per side: 10 000 D evaluations, the largest part of a frame probe (benchmarks/toy2d_speed.py prints
# its cost), which is why the live lab computes it only a few times a second (frame's ``layers``).
N_GRID = 100


class Sampler(Protocol):
    """What the manifold needs of a model: its noise settings and the generator it samples with."""

    config: Any  # .noise and .noise_dim
    g_sample: torch.nn.Module


class Drawable(Sampler, Protocol):
    """What a frame draws of a GAN run (a Trainer, or one class of a ConditionalTrainer)."""

    pool: torch.Tensor
    d: torch.nn.Module
    d_params: list[torch.Tensor]
    loss: Any  # losses.Loss
    fast: Any  # a fastpath.Kernel for the arrows, or None (autograd)
    pack: int  # samples per D input (PacGAN packing; 1 without)
    iteration: int
    d_steps: int
    g_steps: int
    d_loss: float
    g_loss: float
    diverged: Any  # trainer.Divergence or None

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor: ...


@dataclass(frozen=True)
class Frame:
    iteration: int
    d_steps: int
    g_steps: int
    d_loss: float
    g_loss: float
    diverged: str | None  # a message, or None
    box: Box
    grid_x: np.ndarray  # (N,) cell centres
    grid_y: np.ndarray  # (N,)
    d_grid: np.ndarray  # (N, N) D's shown output, row i is y = grid_y[i]
    d_output: str  # "probability", "score" or "critic"
    d_boundary: float | None  # the shown value on the decision boundary (critic: None)
    real: np.ndarray  # (R, 2)
    fake: np.ndarray  # (F, 2), from a fixed noise batch
    arrows: np.ndarray  # (F / ARROW_EVERY, 2): −∂L_G/∂x for fake[::ARROW_EVERY], the direction each is pushed
    arrow_norm: np.ndarray  # (F / ARROW_EVERY,)
    manifold: np.ndarray  # (K, M, 2): G on a K×M noise grid (M=1 for 1-D noise)
    manifold_density: np.ndarray  # (K−1, M−1): relative fake density per manifold cell (empty for 1-D noise)


def _square(lo: np.ndarray, hi: np.ndarray, margin: float) -> Box:
    centre = (lo + hi) / 2
    half = max(float((hi - lo).max()), 1e-3) * (0.5 + margin)
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))


def fit_view(real: np.ndarray, fake: np.ndarray, prev: Box | None = None, margin: float = 0.15,
             max_zoom_out: float = 50.0) -> Box:
    """A square box holding the real data and (robustly) the fakes.

    Hysteresis keeps it still: the previous box is kept while it still holds everything and is not more than twice
    the needed size. Fakes further than ``max_zoom_out`` real-extents away are not chased, so one wild run does not
    shrink the data to a dot."""
    real_lo, real_hi = real.min(axis=0), real.max(axis=0)
    f = fake[np.isfinite(fake).all(axis=1)]
    lo, hi = real_lo, real_hi
    if len(f):
        extent = max(float((real_hi - real_lo).max()), 1e-3) * max_zoom_out
        ranked = np.sort(f, axis=0)  # the 1st and 99th percentiles (np.quantile costs ~10× more, every frame)
        f_lo = np.maximum(ranked[int(0.01 * (len(f) - 1))], real_lo - extent)
        f_hi = np.minimum(ranked[int(np.ceil(0.99 * (len(f) - 1)))], real_hi + extent)
        lo, hi = np.minimum(lo, f_lo), np.maximum(hi, f_hi)
    need = _square(lo, hi, margin)
    if prev is not None:
        px0, px1, py0, py1 = prev
        holds = px0 <= need[0] and need[1] <= px1 and py0 <= need[2] and need[3] <= py1
        if holds and (need[1] - need[0]) * 2 >= px1 - px0:
            return prev
        # jump a little beyond what is needed so that small drifts do not trigger another change
        return _square(lo, hi, margin * 2)
    return need


def _noise_axis(noise: str, k: int) -> tuple[np.ndarray, float]:
    """Grid coordinates along one noise axis and the noise mass of one cell between neighbours. Gaussian noise uses
    equal-probability quantiles, so every interior cell carries the same mass."""
    if noise == "gaussian":
        return ndtri((np.arange(k) + 0.5) / k), 1.0 / k
    return np.linspace(-1, 1, k), 1.0 / (k - 1)


@torch.no_grad()
def manifold(trainer: Sampler, k: int = MANIFOLD_CELLS) -> tuple[np.ndarray, np.ndarray]:
    """G on a regular noise grid (a 2-D slice through the first two noise axes, others at 0), and the relative
    density of fakes in each warped cell: noise mass / area, normalised to a maximum of 1."""
    cfg = trainer.config
    axis, mass = _noise_axis(cfg.noise, k if cfg.noise_dim > 1 else 10 * k)
    if cfg.noise_dim == 1:
        out = trainer.g_sample(torch.from_numpy(axis[:, None].astype(np.float32))).numpy()
        return out[:, None, :], np.zeros((0, 0), np.float32)
    u, v = np.meshgrid(axis, axis, indexing="ij")
    z = np.zeros((k * k, cfg.noise_dim), np.float32)
    z[:, 0], z[:, 1] = u.ravel(), v.ravel()
    out = trainer.g_sample(torch.from_numpy(z)).numpy().reshape(k, k, 2)
    # area of each quad cell (shoelace on its four corners)
    a, b, c, d = out[:-1, :-1], out[1:, :-1], out[1:, 1:], out[:-1, 1:]
    cross = lambda p, q: p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0]  # noqa: E731
    area = 0.5 * np.abs(cross(a, b) + cross(b, c) + cross(c, d) + cross(d, a))
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(area > 0, mass * mass / area, 0.0)
    top = np.nanmax(density) if np.isfinite(density).any() else 0.0
    density = np.where(np.isfinite(density), density / top, 0.0) if top > 0 else np.zeros_like(density)
    return out, density.astype(np.float32)


@contextmanager
def _observing(net: torch.nn.Module) -> Iterator[None]:
    """Eval mode while drawing: spectral norm's power iteration must not advance because a frame was drawn, or
    how often the page redraws would change the training run."""
    was_training = net.training
    net.eval()
    try:
        yield
    finally:
        net.train(was_training)


@torch.no_grad()
def fixed_fakes(trainer: Drawable, n: int = N_SHOWN) -> torch.Tensor:
    """G on the fixed noise batch drawn every frame (the fake layer and the arrows' tails)."""
    return trainer.g_sample(trainer.noise(n, torch.Generator().manual_seed(FAKE_SEED)))


def fake_arrows(trainer: Drawable, fake: torch.Tensor) -> np.ndarray:
    """−∇ₓ of each fake sample's own generator loss, for fake[::ARROW_EVERY]: where the G loss (not merely D) pushes
    that sample. With packing, a sample's loss is its pack's, the packs being consecutive fakes as in training."""
    m = trainer.pack
    if m == 1:
        return _arrows(trainer, fake[::ARROW_EVERY])
    n = len(fake)
    padded = fake[torch.arange(-(-n // m) * m) % n]  # wrap round to whole packs
    return _arrows(trainer, padded)[:n:ARROW_EVERY]


def _arrows(trainer: Drawable, fake: torch.Tensor) -> np.ndarray:
    fast = trainer.fast
    if fast is not None:
        return -fast.sample_gradients(fake.detach().numpy())
    x = fake.detach().clone().requires_grad_(True)
    for p in trainer.d_params:
        p.requires_grad_(False)
    try:
        h = trainer.d(x)
        loss = trainer.loss.g_loss(h) * len(h)  # the loss is a mean; undo it for per-sample (per-pack) gradients
        (grad,) = torch.autograd.grad(loss, x)
    finally:
        for p in trainer.d_params:
            p.requires_grad_(True)
    return (-grad).numpy()


def fakes_and_arrow_norms(trainer: Drawable, n_shown: int = N_SHOWN) -> tuple[np.ndarray, np.ndarray]:
    """What a frame shows of the fakes, without the heatmap and manifold: for following a run cheaply
    (phenomena.follow)."""
    fake = fixed_fakes(trainer, n_shown)
    with _observing(trainer.d):
        arrows = fake_arrows(trainer, fake)
    return fake.numpy(), _norms(arrows)


def frame(trainer: Drawable, prev_box: Box | None = None, n_grid: int = N_GRID, n_shown: int = N_SHOWN,
          box: Box | None = None, layers: Frame | None = None) -> Frame:
    """Snapshot the trainer for drawing, in ``box`` if given (runs drawn side by side share one), else in a box
    fitted with fit_view. ``layers``: an earlier frame whose D heatmap and G manifold are kept (when the box has not
    changed) instead of computed again: they are most of a frame's cost, and the eye needs them a few times a
    second while the points move every frame."""
    real = trainer.pool[:n_shown].numpy()
    fake_t = fixed_fakes(trainer, n_shown)
    fake = fake_t.numpy()
    box = box or fit_view(real, fake, prev_box)
    with _observing(trainer.d):
        arrows = fake_arrows(trainer, fake_t)
        if layers is not None and layers.box == box:
            xs, ys, d_grid = layers.grid_x, layers.grid_y, layers.d_grid
            mani, dens = layers.manifold, layers.manifold_density
        else:
            xs, ys, d_grid = _d_grid(trainer, box, n_grid)
            mani, dens = manifold(trainer)
    return Frame(
        iteration=trainer.iteration, d_steps=trainer.d_steps, g_steps=trainer.g_steps,
        d_loss=trainer.d_loss, g_loss=trainer.g_loss,
        diverged=trainer.diverged.message() if trainer.diverged else None,
        box=box, grid_x=xs, grid_y=ys, d_grid=d_grid,
        d_output=trainer.loss.output, d_boundary=trainer.loss.boundary,
        real=real, fake=fake, arrows=arrows, arrow_norm=_norms(arrows),
        manifold=mani, manifold_density=dens,
    )


@torch.no_grad()
def _d_grid(trainer: Drawable, box: Box, n_grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres along x and y, and D's shown output on the n_grid × n_grid cells (row i ↔ y = ys[i]).

    A packed D (PacGAN) judges m samples at once, so a cell shows its score for the pack of that point with the
    first m − 1 shown real samples: would D accept this point among real ones? Those companions are the same in
    every frame, so the map changes only when D does."""
    xs = np.linspace(box[0], box[1], n_grid, endpoint=False) + (box[1] - box[0]) / (2 * n_grid)
    ys = np.linspace(box[2], box[3], n_grid, endpoint=False) + (box[3] - box[2]) / (2 * n_grid)
    gx, gy = np.meshgrid(xs, ys)
    pts = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32))
    if trainer.pack > 1:
        mates = trainer.pool[: trainer.pack - 1].to(pts.dtype)
        pts = torch.cat([pts[:, None, :], mates.expand(len(pts), -1, -1)], dim=1).reshape(-1, 2)
    d_grid = trainer.loss.shown(trainer.d(pts)).numpy().reshape(n_grid, n_grid)
    return xs.astype(np.float32), ys.astype(np.float32), d_grid


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


def _norms(v: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run's gradients may overflow: inf is fine
        return np.linalg.norm(v, axis=1)
