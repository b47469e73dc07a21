"""Many runs of the same shapes trained as one computation: a class's runs, stepped together.

A classroom opens the same link: thirty runs whose nets have the same shapes. Trained one by one, each D or G step pays
Python's and NumPy's per-call overhead once per run, and for nets this small that overhead, not the arithmetic, is the
cost. Here the runs' weights and Adam moments live in stacked arrays (runs × …), one batched product per layer steps
every run, and each run's torch tensors are re-pointed at its slice of the stack: the probe, autograd (penalties its
kernel cannot do), checkpoints and the run's own NumPy kernel all keep working on the same memory. Runs stay
independent: their own data, seed, random streams (drawn in the order the single-run kernel draws them), learning rates,
β's, clip, divergence; a run whose loss is not finite is not updated, and it stops alone. tests/test_batched.py checks
the group against runs trained alone, step for step.

A group takes runs the NumPy kernel can train (toy2d/fastpath.py) with the same shapes, loss, optimisers, batch
size, kD/kG and noise (``group_key``); everything else about them may differ.
"""
from __future__ import annotations

import numpy as np
import torch

from . import fastpath, nets
from .trainer import Trainer


def group_key(t: Trainer) -> tuple | None:
    """Runs with the same key can be trained together; None: this run cannot join a group (autograd-only)."""
    c = t.config
    if not fastpath.eligible(t.loss, c.opt_d, c.opt_g, c.d_spectral_norm, c.unrolled_k) or c.pack > 1:
        return None  # packed runs train on their own kernel
    return (c.noise_dim, c.noise, c.g_depth, c.g_width, c.g_act, c.d_depth, c.d_width, c.d_act, c.loss, c.opt_d,
            c.opt_g, c.batch, c.k_d, c.k_g)


def _stack_into(tensors: list[torch.Tensor]) -> np.ndarray:
    """One array holding ``tensors`` (same shapes) along a new first axis, each tensor re-pointed at its slice, so
    that writing the array is writing the runs' own tensors and the other way round."""
    stack = np.stack([t.detach().numpy() for t in tensors])
    for i, t in enumerate(tensors):
        t.data = torch.from_numpy(stack[i])
    return stack


def _own(tensors: list[torch.Tensor]) -> None:
    """Give tensors their own storage again (a run leaving its group)."""
    for t in tensors:
        t.data = t.data.clone()


class _StackedNet(fastpath._Net):
    """R nets from nets.build with the same shapes, as stacked weights: the single-run kernel's forward and
    backward with batched products. ``x`` is (R, N, in)."""

    def __init__(self, layers: list[nets.Layers], opts: list[torch.optim.Optimizer]):  # stacks, not views
        self.act = layers[0].activation
        self.pack = 1  # packed runs do not join groups (group_key)
        self.params = [[p for m in lay.linears for p in (m.weight, m.bias)] for lay in layers]  # run × param
        self.stacks = [_stack_into([run[j] for run in self.params]) for j in range(len(self.params[0]))]
        self.W, self.b = self.stacks[0::2], self.stacks[1::2]
        self.in_shift = self._per_run([lay.in_shift for lay in layers])
        self.in_scale = self._per_run([lay.in_scale for lay in layers])
        self.out_shift = self._per_run([lay.out_shift for lay in layers])
        self.out_scale = self._per_run([lay.out_scale for lay in layers])
        self.adam: list[fastpath.AdamTensors] | None = None  # per run: torch's Adam tensors, views of the stacks
        if isinstance(opts[0], torch.optim.Adam):
            for j in range(len(self.stacks)):
                states = [fastpath.adam_state(opt, run[j]) for opt, run in zip(opts, self.params)]
                step = np.array([float(s["step"]) for s in states], dtype=np.float32)
                for i, s in enumerate(states):  # 0-d views of the stacked step counts, as torch keeps them
                    s["step"] = torch.from_numpy(step[i : i + 1]).reshape(())
                _stack_into([s["exp_avg"] for s in states])
                _stack_into([s["exp_avg_sq"] for s in states])
            self.adam = [fastpath.adam_tensors(opt, run) for opt, run in zip(opts, self.params)]

    @staticmethod
    def _per_run(values: list) -> np.ndarray:
        """Per-run affine constants (a vector per run, or a number) shaped to broadcast over (R, N, features)."""
        arr = np.array([v.numpy() if isinstance(v, torch.Tensor) else [v] for v in values], dtype=np.float32)
        return arr.reshape(len(values), 1, -1)

    @staticmethod
    def _times(h: np.ndarray, W: np.ndarray) -> np.ndarray:
        return np.matmul(h, W.transpose(0, 2, 1))

    @staticmethod
    def _add_bias(z: np.ndarray, b: np.ndarray) -> None:
        z += b[:, None, :]

    @staticmethod
    def _param_grads(g: np.ndarray, h_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return g.sum(axis=1), np.matmul(g.transpose(0, 2, 1), h_in)

    @staticmethod
    def _back(g: np.ndarray, W: np.ndarray) -> np.ndarray:
        return np.matmul(g, W)

    def apply(self, grads: list[np.ndarray], runs: np.ndarray, lr: np.ndarray, betas: np.ndarray | None,
              eps: float) -> None:
        """One optimiser step for the runs ``runs`` (indices), each at its own learning rate (and β's). Adam is
        torch's fused kernel once per run (fastpath.fused_adam): as fast as one NumPy pass over the stacks at 30
        runs (benchmarks/RESULTS.md), and it rounds as a run alone does."""
        if self.adam is None:  # SGD
            every = len(runs) == len(self.params)
            for p, g in zip(self.stacks, grads):
                rate = lr.astype(np.float32).reshape((-1,) + (1,) * (p.ndim - 1))
                if every:
                    p -= rate * g
                else:
                    p[runs] -= rate * g[runs]
            return
        for k, i in enumerate(runs):
            fastpath.fused_adam(self.adam[i], [g[i] for g in grads], float(lr[k]), float(betas[k, 0]),
                                float(betas[k, 1]), eps)


class Group:
    """Runs with one group_key, trained an iteration at a time as one computation."""

    def __init__(self, trainers: list[Trainer]):
        keys = {group_key(t) for t in trainers}
        if None in keys or len(keys) != 1:
            raise ValueError("a group takes runs the NumPy kernel trains, all with the same group_key")
        self.runs = list(trainers)
        self.key = keys.pop()
        self.g = _StackedNet([nets.layers(t.g) for t in trainers], [t.opt_g for t in trainers])
        self.d = _StackedNet([nets.layers(t.d) for t in trainers], [t.opt_d for t in trainers])
        for t in trainers:
            t._fast = t._kernel()  # its own kernel's views must point at the new storage
        c = trainers[0].config
        self.batch, self.k_d, self.k_g, self.loss = c.batch, c.k_d, c.k_g, trainers[0].loss

    def leave(self) -> list[Trainer]:
        """End the group: every run gets its own storage back, with its weights and optimiser state."""
        for net in (self.g, self.d):
            for run, opt_params in zip(self.runs, net.params):
                _own(opt_params)
                opt = run.opt_g if net is self.g else run.opt_d
                for p in opt_params:
                    s = opt.state.get(p)
                    if s:
                        s["step"] = s["step"].clone()
                        s["exp_avg"], s["exp_avg_sq"] = s["exp_avg"].clone(), s["exp_avg_sq"].clone()
        for t in self.runs:
            t._fast = t._kernel()
        runs, self.runs = self.runs, []
        return runs

    # ---- one iteration ------------------------------------------------------------------------------------------
    def _hyper(self, opt_of) -> tuple[np.ndarray, np.ndarray | None, float]:
        groups = [opt_of(t).param_groups[0] for t in self.runs]
        lr = np.array([g["lr"] for g in groups], dtype=np.float64)
        betas = np.array([g["betas"] for g in groups], dtype=np.float64) if "betas" in groups[0] else None
        return lr, betas, float(groups[0].get("eps", 1e-8))

    def _d_step(self, active: np.ndarray) -> np.ndarray:
        """One D step for the ``active`` runs (a boolean mask); returns every run's D loss (NaN where inactive)."""
        b = self.batch
        real = np.stack([t.real_batch(b).numpy() if on else np.zeros((b, 2), np.float32)
                         for t, on in zip(self.runs, active)])
        noise = np.stack([t.noise(b).numpy() if on else np.zeros((b, t.config.noise_dim), np.float32)
                          for t, on in zip(self.runs, active)])
        fake, _ = self.g.forward(noise)
        h, cache = self.d.forward(np.concatenate([real, fake], axis=1))
        value, g_real, g_fake = self.loss.d_numpy(h[:, :b, 0], h[:, b:, 0])
        ok = active & np.isfinite(value)
        if ok.any():
            _, grads = self.d.backward(np.concatenate([g_real, g_fake], axis=1)[:, :, None], cache, want_params=True)
            lr, betas, eps = self._hyper(lambda t: t.opt_d)
            runs = np.flatnonzero(ok)
            self.d.apply(grads, runs, lr[runs], None if betas is None else betas[runs], eps)
            if self.loss.weight_clip:
                clip = np.array([t.config.clip for t in self.runs], dtype=np.float32)[runs]
                for p in self.d.stacks:
                    bound = clip.reshape((-1,) + (1,) * (p.ndim - 1))
                    p[runs] = np.clip(p[runs], -bound, bound)
        return np.where(active, value, np.nan)

    def _g_step(self, active: np.ndarray) -> np.ndarray:
        b = self.batch
        noise = np.stack([t.noise(b).numpy() if on else np.zeros((b, t.config.noise_dim), np.float32)
                          for t, on in zip(self.runs, active)])
        fake, g_cache = self.g.forward(noise)
        h, d_cache = self.d.forward(fake)
        value, g_h = self.loss.g_numpy(h[:, :, 0])
        ok = active & np.isfinite(value)
        if ok.any():
            g_x, _ = self.d.backward(g_h[:, :, None], d_cache, want_params=False)
            _, grads = self.g.backward(g_x, g_cache, want_params=True)
            lr, betas, eps = self._hyper(lambda t: t.opt_g)
            runs = np.flatnonzero(ok)
            self.g.apply(grads, runs, lr[runs], None if betas is None else betas[runs], eps)
        return np.where(active, value, np.nan)

    def step(self, only: np.ndarray | None = None) -> int:
        """One iteration of every run that has not diverged (kD D steps, then kG G steps), or of those of them that
        ``only`` (a boolean mask) names; a run whose loss breaks stops alone. A D step that carries a run's lazy R1
        penalty is that run's own step (its kernel's, or autograd's). Returns how many runs completed the iteration."""
        with np.errstate(all="ignore"):  # a diverging run overflows; its trainer reports the broken loss
            active = np.array([not t.diverged for t in self.runs])
            if only is not None:
                active &= only
            for _ in range(self.k_d):
                due = np.array([t.r1_due() for t in self.runs]) & active
                values = self._d_step(active & ~due)
                for i, t in enumerate(self.runs):
                    if active[i]:
                        v = t._d_penalised() if due[i] else float(values[i])
                        active[i] = t.took_d_step(v)
            for _ in range(self.k_g):
                values = self._g_step(active)
                for i, t in enumerate(self.runs):
                    if active[i]:
                        active[i] = t.took_g_step(float(values[i]))
            for i, t in enumerate(self.runs):
                if active[i]:
                    active[i] = t.end_iteration()
        return int(active.sum())

    def run(self, n: int) -> None:
        for _ in range(n):
            if not self.step():
                return
