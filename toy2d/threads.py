"""One setting for every thread pool a process computes with: torch's, OpenMP's and the BLAS libraries'.

``torch.set_num_threads`` bounds torch's own pool only; NumPy's BLAS (used by the NumPy kernel, toy2d/fastpath.py)
keeps one thread per core. Two runs side by side then oversubscribe the cores and spin. threadpoolctl reaches
every BLAS/OpenMP library loaded in the process, whatever loaded it.
"""
from __future__ import annotations

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
