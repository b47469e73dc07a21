"""Dirac-GAN (Mescheder, Geiger & Nowozin 2018): the smallest GAN whose training dynamics can be drawn exactly.

Real data is a point mass at 0, the generator is a point mass at θ, the discriminator is D(x) = ψ·x. With
f(t) = −log(1 + e^(−t)) (the standard GAN) or f(t) = t (WGAN) the game is L(θ, ψ) = f(ψθ) + f(0); the
discriminator ascends L, the generator descends it, so the gradient vector field is

    v(θ, ψ) = (−ψ f′(ψθ),  θ f′(ψθ) − ∂R/∂ψ)

with R the discriminator's regulariser: R1 = γ/2·ψ² (the gradient of D at the data is ψ), or the WGAN-GP
penalty γ·(|ψ| − 1)². The only equilibrium of the unregularised field is (0, 0), where its Jacobian has purely
imaginary eigenvalues: simultaneous gradient steps spiral out, alternating steps circle, and R1 with γ > 0
turns the circle into a spiral in. Everything here is closed-form; no autograd.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LOSSES = ("gan", "wgan")
REGULARISERS = ("none", "r1", "wgan-gp")
UPDATES = ("simultaneous", "alternating")


def f_prime(loss: str, t: np.ndarray) -> np.ndarray:
    """f′(t): σ(−t) for the standard GAN, 1 for WGAN."""
    if loss == "gan":
        return 1.0 / (1.0 + np.exp(np.clip(t, -500, 500)))
    return np.ones_like(t)


@dataclass(frozen=True)
class DiracGame:
    loss: str = "gan"
    regulariser: str = "none"
    gamma: float = 0.0

    def __post_init__(self):
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}")
        if self.regulariser not in REGULARISERS:
            raise ValueError(f"regulariser must be one of {', '.join(REGULARISERS)}")
        if not math.isfinite(self.gamma) or self.gamma < 0:
            raise ValueError("γ must be a number ≥ 0")

    def theta_velocity(self, theta: np.ndarray, psi: np.ndarray) -> np.ndarray:
        return -psi * f_prime(self.loss, psi * theta)

    def psi_velocity(self, theta: np.ndarray, psi: np.ndarray) -> np.ndarray:
        v = theta * f_prime(self.loss, psi * theta)
        if self.regulariser == "r1":
            v = v - self.gamma * psi
        elif self.regulariser == "wgan-gp":
            v = v - 2 * self.gamma * (np.abs(psi) - 1) * np.sign(psi)
        return v

    def field(self, theta: np.ndarray, psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The vector field (θ̇, ψ̇) on arrays of points, e.g. a grid for a quiver plot."""
        return self.theta_velocity(theta, psi), self.psi_velocity(theta, psi)

    def jacobian(self, theta: float, psi: float, eps: float = 1e-6) -> np.ndarray:
        """∂v/∂(θ, ψ) by central differences (exact enough for eigenvalues)."""
        def v(p):
            return np.array(self.field(np.array(p[0]), np.array(p[1])), dtype=float)
        jac = np.empty((2, 2))
        for j in range(2):
            step = np.zeros(2)
            step[j] = eps
            jac[:, j] = (v(np.array([theta, psi]) + step) - v(np.array([theta, psi]) - step)) / (2 * eps)
        return jac

    def trajectory(self, start: tuple[float, float], lr: float, steps: int,
                   update: str = "simultaneous") -> np.ndarray:
        """(steps + 1, 2) points of gradient descent/ascent from `start`; stops early (and is shorter) if it
        leaves |θ|, |ψ| < 1e6."""
        if update not in UPDATES:
            raise ValueError(f"update must be one of {', '.join(UPDATES)}")
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError("the learning rate must be a number above 0")
        theta, psi = map(float, start)
        points = [(theta, psi)]
        for _ in range(int(steps)):
            if update == "simultaneous":
                dt, dp = self.theta_velocity(np.array(theta), np.array(psi)), self.psi_velocity(np.array(theta),
                                                                                                 np.array(psi))
                theta, psi = theta + lr * float(dt), psi + lr * float(dp)
            else:  # the generator moves first, the discriminator answers the new θ
                theta = theta + lr * float(self.theta_velocity(np.array(theta), np.array(psi)))
                psi = psi + lr * float(self.psi_velocity(np.array(theta), np.array(psi)))
            points.append((theta, psi))
            if not (abs(theta) < 1e6 and abs(psi) < 1e6):
                break
        return np.array(points)


def distance_to_equilibrium(path: np.ndarray) -> np.ndarray:
    """‖(θ, ψ)‖ along a trajectory: (0, 0) is the equilibrium of the unregularised and R1 games."""
    return np.hypot(path[:, 0], path[:, 1])
