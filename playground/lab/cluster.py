"""The 2D lab's runs on a Ray cluster: each worker is a Ray actor holding a workers.Host (pages' LabSessions and
their groups), placed by Ray on any node, one CPU each. Chosen by GAN_PLAYGROUND_RAY_ADDRESS (``ray://head:10001``,
``head:6379``, or ``auto`` for a cluster this process already belongs to); without it, nothing here is imported and
the lab's workers are this machine's processes (workers.py). Installed with ``pip install .[cluster]``.

Everything above the workers is the same on both: the registry, its ceiling and reaping, the frame budget, class
mode. Groups map onto actors as onto processes: a worker's playing runs of one shape train together. Faults as on
one machine: an actor whose node dies takes only its pages' runs, which come back on a live actor with the same
settings and a message (workers.RunLost).
"""
from __future__ import annotations

import functools
import math
import os
import socket
import threading
from collections import Counter
from typing import Any, Callable
from urllib.parse import urlparse

from toy2d.config import TrainConfig

from .workers import ROOT, Host, NoRoom, _Gone, answer

ENV_ADDRESS = "GAN_PLAYGROUND_RAY_ADDRESS"
REACH_TIMEOUT_S = 5.0    # a head that does not answer within this is reported, not waited for
CALL_TIMEOUT_S = 120.0   # a frame takes well under a second; longer means the actor is gone or its node is stuck
PLACE_TIMEOUT_S = 30.0   # an actor Ray cannot place within this: the cluster is full


class ClusterUnreachable(RuntimeError):
    """GAN_PLAYGROUND_RAY_ADDRESS names a cluster that cannot be reached."""


class ClusterFull(NoRoom):
    """The cluster has no CPU for another worker."""


def address() -> str | None:
    """The cluster to use, from the environment; None for this machine's processes."""
    return os.environ.get(ENV_ADDRESS, "").strip() or None


def _reachable(where: str) -> None:
    """A quick TCP check of ``host:port`` (or ``ray://host:port``) so a wrong address fails in seconds with its
    name, not after Ray's own retries."""
    if where == "auto":
        return
    url = urlparse(where if "://" in where else f"tcp://{where}")
    try:
        port = url.port or (10001 if url.scheme == "ray" else 6379)  # Ray Client's and the GCS's default ports
        socket.create_connection((url.hostname, port), timeout=REACH_TIMEOUT_S).close()
    except (OSError, ValueError) as exc:
        raise ClusterUnreachable(f"no Ray cluster answers at {where} ({exc}); start one (`ray start --head`) or "
                                 f"unset {ENV_ADDRESS} to run the lab's workers on this machine") from None


def connect(where: str) -> None:
    """Join the cluster at ``where`` (once per process)."""
    import ray

    if ray.is_initialized():
        return
    _reachable(where)
    try:  # the nodes import the app's code: on a local test cluster from this checkout, elsewhere from their image
        ray.init(address=where, log_to_driver=False, logging_level="ERROR",
                 runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}})
    except Exception as exc:  # noqa: BLE001 — Ray raises several kinds for one cause: say which address failed
        raise ClusterUnreachable(f"could not join the Ray cluster at {where}: {exc}") from None


def cpus() -> int:
    """The cluster's CPUs: one worker each."""
    import ray

    return int(ray.cluster_resources().get("CPU", 0))


@functools.cache
def _actor_class():
    import ray

    @ray.remote(num_cpus=1, max_restarts=0, max_concurrency=1)
    class HostActor:
        """A workers.Host as a Ray actor (one call at a time, as a worker process serves its socket)."""

        def __init__(self) -> None:
            self.host = Host()

        def handle(self, token: str, method: str, args: tuple, kwargs: dict, budget: float) -> tuple:
            return self.host.handle(token, method, args, kwargs, budget)

        def where(self) -> tuple[str, int]:
            return ray.get_runtime_context().get_node_id(), os.getpid()

    return HostActor


_placed: Counter[str] = Counter()  # this process's live actors by node
_placed_lock = threading.Lock()


def _emptiest_node(pool: Counter[str]) -> str | None:
    """The live node with a CPU free now holding fewest of this pool's actors, then of this process's (None: let Ray
    choose). Ray's per-node availability is read from its state API (pinned version: ray 2.60.0); where that fails,
    Ray chooses."""
    try:
        from ray._private.state import available_resources_per_node

        nodes = [n for n, free in available_resources_per_node().items() if free.get("CPU", 0) >= 1]
    except Exception:  # noqa: BLE001 — an internal API: placement is only a preference
        return None
    if not nodes:
        return None
    with _placed_lock:
        return min(nodes, key=lambda n: (pool[n], _placed[n]))


def maker() -> Callable[[], "RayWorker"]:
    """What makes a pool's workers: each new actor on the node holding fewest of that pool's (Ray's SPREAD is a
    hint that stacked them)."""
    mine: Counter[str] = Counter()
    return lambda: RayWorker(mine)


class RayWorker:
    """One actor and what workers.WorkerPool needs of a worker; calls from many server threads queue at the actor.
    ``pool`` counts its pool's actors by node (maker)."""

    def __init__(self, pool: Counter[str] | None = None) -> None:
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self._pool = Counter() if pool is None else pool
        node = _emptiest_node(self._pool)
        strategy = NodeAffinitySchedulingStrategy(node, soft=True) if node else "SPREAD"
        self.actor = _actor_class().options(scheduling_strategy=strategy).remote()
        self.sessions = 0
        self.dead = False
        try:
            self.node, self.pid = ray.get(self.actor.where.remote(), timeout=PLACE_TIMEOUT_S)
        except ray.exceptions.GetTimeoutError:
            ray.kill(self.actor, no_restart=True)
            raise ClusterFull("the Ray cluster has no free CPU for another lab worker") from None
        with _placed_lock:
            _placed[self.node] += 1
            self._pool[self.node] += 1
        self._counted = True

    def call(self, token: str, method: str, args: tuple = (), kwargs: dict | None = None,
             budget: float = math.inf) -> tuple[Any, TrainConfig | None, int | None]:
        """As workers.Worker.call: _Gone when the actor (or its node) has died."""
        import ray

        try:
            reply = ray.get(self.actor.handle.remote(token, method, args, kwargs or {}, budget), timeout=CALL_TIMEOUT_S)
        except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError) as exc:
            self.dead = True
            raise _Gone(token) from exc
        return answer(reply)

    @property
    def alive(self) -> bool:
        return not self.dead

    def discard(self) -> None:
        import ray

        with _placed_lock:
            if self._counted:
                _placed[self.node] -= 1
                self._pool[self.node] -= 1
                self._counted = False
        try:
            ray.kill(self.actor, no_restart=True)
        except Exception:  # noqa: BLE001 — already gone with its node
            pass

    stop = discard
