"""One setting for every thread pool a process computes with: torch's, OpenMP's and the BLAS libraries'.

``torch.set_num_threads`` bounds torch's own pool only; NumPy's BLAS (used by the NumPy kernel, toy2d/fastpath.py)
keeps one thread per core. Two runs side by side then oversubscribe the cores and spin. threadpoolctl reaches
every BLAS/OpenMP library loaded in the process, whatever loaded it.
"""
from __future__ import annotations

import math
import os

import torch
from threadpoolctl import threadpool_info, threadpool_limits

ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit(n: int) -> None:
    """At most ``n`` compute threads in every pool of this process, and in child processes started from now on."""
    n = max(1, int(n))
    for var in ENV_VARS:
        os.environ[var] = str(n)
    torch.set_num_threads(n)
    threadpool_limits(n)


def pool_sizes() -> dict[str, int]:
    """Threads per loaded pool ('torch' and each BLAS/OpenMP library by file name), for tests and reports."""
    sizes = {"torch": torch.get_num_threads()}
    for pool in threadpool_info():
        sizes[os.path.basename(pool["filepath"])] = pool["num_threads"]
    return sizes


def usable_cpus(cgroup: str = "/sys/fs/cgroup") -> int:
    """The cores this process may actually use: the CPU affinity and the container's cgroup quota (a Space's 2
    vCPUs), not os.cpu_count(), which counts the host's cores. At least 1."""
    n = os.cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):  # not on macOS or Windows
        n = min(n, len(os.sched_getaffinity(0)) or n)
    quota = _cgroup_quota(cgroup)
    if quota is not None:
        n = min(n, max(1, math.ceil(quota)))
    return max(1, n)


def _cgroup_quota(root: str) -> float | None:
    """CPUs allowed by the cgroup (v2 cpu.max "quota period", v1 cfs_quota_us / cfs_period_us); None: no limit or
    no cgroup file (macOS, Windows)."""
    try:
        with open(os.path.join(root, "cpu.max")) as fh:
            quota, period = fh.read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(root, "cpu", "cpu.cfs_quota_us")) as fh:
            quota = int(fh.read())
        with open(os.path.join(root, "cpu", "cpu.cfs_period_us")) as fh:
            period = int(fh.read())
        return None if quota <= 0 or period <= 0 else quota / period
    except (OSError, ValueError):
        return None
