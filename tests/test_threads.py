"""`--threads N` bounds every compute pool of the process (torch, OpenMP, BLAS), not torch's alone."""
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from toy2d import threads

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import json, os, sys
from toy2d import cli, threads
import numpy  # the BLAS pool the NumPy kernel uses
before = threads.pool_sizes()
if sys.argv[1] == "cli":
    assert cli.main(["train", "--data", "ring8", "--steps", "3", "--threads", "1", "--json"]) == 0
print(json.dumps({"before": before, "after": threads.pool_sizes()}))
"""


def pools(mode: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                             "MKL_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every pool has one thread anyway")
def test_threads_1_leaves_every_pool_with_one_thread():
    seen = pools("cli")
    assert max(seen["before"].values()) > 1  # without the flag some pool would use every core
    assert set(seen["after"]) >= {"torch"} and len(seen["after"]) >= 2  # torch and at least one BLAS library
    assert all(n == 1 for n in seen["after"].values()), seen["after"]


def test_the_app_runs_with_one_thread_per_pool():
    importlib.import_module("app")  # importing the app applies its setting
    from toy2d import threads

    assert all(n == 1 for n in threads.pool_sizes().values()), threads.pool_sizes()


def write_cgroup(root, files: dict) -> str:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


@pytest.mark.parametrize("files, quota", [
    ({"cpu.max": "200000 100000\n"}, 2),  # cgroup v2: a Space's 2 vCPUs
    ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: two processes can still use them
    ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),  # cgroup v1
    ({"cpu.max": "max 100000\n"}, None),  # no limit
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({}, None),  # no cgroup files (macOS, Windows)
])
def test_the_lab_counts_the_cores_its_container_may_use(tmp_path, monkeypatch, files, quota):
    root = write_cgroup(tmp_path, files)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 64)  # the host's cores
    if hasattr(threads.os, "sched_getaffinity"):
        monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: set(range(64)))
    assert threads.usable_cpus(root) == (64 if quota is None else quota)
    if hasattr(threads.os, "sched_getaffinity"):
        monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0})  # pinned to one core
        assert threads.usable_cpus(root) == 1
