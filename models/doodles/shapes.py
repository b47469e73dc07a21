"""Doodles drawn by a program, as a crowd of hands would: the same few strokes per word with wobbly lines and
proportions, sizes and positions that vary from hand to hand. The tests and the benchmark draw their pools here,
and a page alone can start from an example pool.
"""
from __future__ import annotations

import numpy as np

WORDS = ("house", "fish", "sun", "tree")


def _wobble(points: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    """More points along a polyline, each nudged a little: a hand's line, not a ruler's."""
    dense = []
    for a, b in zip(points[:-1], points[1:]):
        n = max(2, int(np.linalg.norm(b - a) / 6))
        t = np.linspace(0, 1, n, endpoint=False)[:, None]
        dense.append(a + t * (b - a))
    dense.append(points[-1:])
    line = np.concatenate(dense)
    drift = np.cumsum(rng.normal(0, amount, line.shape), axis=0) * 0.3
    return line + drift + rng.normal(0, amount * 0.3, line.shape)


def _ellipse(cx: float, cy: float, rx: float, ry: float, rng: np.random.Generator, n: int = 24) -> np.ndarray:
    start = rng.uniform(0, 2 * np.pi)
    t = start + np.linspace(0, 2 * np.pi * rng.uniform(0.95, 1.08), n)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], 1)


def draw(word: str, rng: np.random.Generator) -> list[list[list[float]]]:
    """One doodle of ``word`` as the pad sends it: strokes of [x, y] in a 280-pixel pad's coordinates."""
    s = rng.uniform(90, 200)  # size on the pad
    ox, oy = rng.uniform(20, 260 - s, 2)
    p = lambda *xy: np.array(xy, dtype=float).reshape(-1, 2) * s + (ox, oy)  # noqa: E731
    if word == "house":
        roof = rng.uniform(0.3, 0.5)
        w = rng.uniform(0.7, 1.0)
        strokes = [p(0, roof, 0, 1, w, 1, w, roof, 0, roof), p(-0.05, roof + 0.02, w / 2, 0, w + 0.05, roof + 0.02)]
        if rng.random() < 0.7:  # a door
            d = rng.uniform(0.25, 0.6) * w
            strokes.append(p(d, 1, d, 0.7, d + 0.18, 0.7, d + 0.18, 1))
    elif word == "fish":
        body = _ellipse(0.4, 0.5, 0.4, rng.uniform(0.18, 0.3), rng) * s + (ox, oy)
        tail = p(0.78, 0.5, 1.0, 0.3, 1.0, 0.7, 0.78, 0.5)
        strokes = [body, tail]
        if rng.random() < 0.8:  # an eye
            strokes.append(_ellipse(0.18, 0.45, 0.03, 0.03, rng, 8) * s + (ox, oy))
    elif word == "sun":
        r = rng.uniform(0.2, 0.3)
        strokes = [_ellipse(0.5, 0.5, r, r, rng) * s + (ox, oy)]
        for a in np.linspace(0, 2 * np.pi, int(rng.integers(6, 11)), endpoint=False) + rng.uniform(0, 1):
            strokes.append(p(0.5 + (r + 0.06) * np.cos(a), 0.5 + (r + 0.06) * np.sin(a),
                             0.5 + 0.48 * np.cos(a), 0.5 + 0.48 * np.sin(a)))
    elif word == "tree":
        crown = rng.uniform(0.25, 0.35)
        strokes = [_ellipse(0.5, 0.05 + crown, crown, crown * rng.uniform(0.9, 1.2), rng) * s + (ox, oy),
                   p(0.44, 0.05 + 2 * crown, 0.44, 1, 0.56, 1, 0.56, 0.05 + 2 * crown)]
    else:
        raise ValueError(f"no recipe for {word!r}: one of {', '.join(WORDS)}")
    return [_wobble(stroke, rng, s * 0.006).round(1).tolist() for stroke in strokes]


def scribble(rng: np.random.Generator) -> list[list[list[float]]]:
    """A doodle of nothing: one to four strokes through random points (what a judge must not call a word)."""
    return [_wobble(rng.uniform(20, 260, (int(rng.integers(2, 7)), 2)), rng, 1.0).round(1).tolist()
            for _ in range(int(rng.integers(1, 5)))]


def pool(word: str, n: int, seed: int = 0) -> list[list[list[list[float]]]]:
    """``n`` doodles of ``word`` (one of WORDS, or "scribble") by ``n`` different hands."""
    rng = np.random.default_rng(seed)
    return [scribble(rng) if word == "scribble" else draw(word, rng) for _ in range(n)]
