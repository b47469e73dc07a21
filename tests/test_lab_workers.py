"""The 2D lab's runs in workers: a RemoteSession must behave exactly like an in-process LabSession, a dead worker
must cost only its own pages' runs, and a closed page must free its run in the worker. Each behaviour on both kinds
of worker: this machine's processes and Ray actors on a two-node `ray.cluster_utils.Cluster` (lab/cluster.py).
"""
import asyncio
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import frame_request
from playground.lab import session as lab_session
from playground.lab.protocol import FrameRequest, unpack
from playground.lab.session import LabSession
from playground.lab.workers import RunLost
from playground.lab.runs import Registry
from playground.tabs.lab2d import Lab
from toy2d.presets import resolve


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ray_cluster():
    """A real two-node Ray cluster on this machine (two CPUs a node): it proves placement and faults, not speed."""
    import ray
    from ray.cluster_utils import Cluster

    small = dict(num_cpus=2, object_store_memory=80 * 2**20)
    cluster = Cluster(initialize_head=True, head_node_args=dict(small, include_dashboard=False))
    cluster.add_node(**small)
    cluster.wait_for_nodes()
    cluster.small = small
    yield cluster
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture(scope="module", params=["processes", "ray"])
def registry(request):
    r = Registry()
    r.start_workers(2, request.getfixturevalue("ray_cluster").address if request.param == "ray" else None)
    yield r
    r.stop_workers()


def kill(worker) -> None:
    """The worker dies as a killed process does (SIGKILL): a local process, or the process of a Ray actor."""
    if hasattr(worker, "process"):
        worker.process.kill()
        worker.process.wait()
    else:
        os.kill(worker.pid, signal.SIGKILL)


def frame(run, action: str, n: int = 1) -> dict:
    """A run's frame as the page receives it, asked for as a page that holds nothing yet."""
    return unpack(run.reply(FrameRequest(run.token, action, n)))


def held(registry: Registry) -> list[int]:
    """How many runs each worker process holds."""
    return [w.call("", "count")[0] for w in registry._pool.workers]


def test_a_remote_run_is_the_same_run_as_an_in_process_one(registry):
    config = resolve("ring8")[0]
    local, remote = LabSession(config), registry.get("same-run", config)
    remote.frame_budget_s = math.inf
    try:
        for action, n in [("play", 7), ("d", 1), ("g", 1), ("slow", 1), ("step", 1), ("play", 3)]:
            a = frame(local, action, n)
            b = frame(remote, action, n)
            assert a["iteration"] == b["iteration"] and a["d_steps"] == b["d_steps"]
            # the same weights (up to float rounding: BLAS may split sums differently across threads here)
            assert np.allclose(a["view"]["fake"], b["view"]["fake"], rtol=1e-4, atol=1e-5)
            assert np.allclose(np.array(a["losses"]["rows"], float), np.array(b["losses"]["rows"], float), rtol=1e-4)
            assert np.array_equal(a["real"], b["real"])
        assert remote.run_id == local.run_id and remote.config == local.config
    finally:
        registry.drop("same-run")


def test_settings_reach_the_worker_and_bad_ones_raise_here(registry):
    remote = registry.get("settings")
    try:
        assert "Applied live" in str(remote.change(remote.config.replace(lr_d=0.001)))
        assert remote.config.lr_d == 0.001  # the proxy's copy follows the worker's
        with pytest.raises(ValueError, match="lr_d"):
            remote.change(remote.config.replace(lr_d=-1.0))
        assert remote.config.lr_d == 0.001
        run = remote.run_id
        remote.restart(remote.config.replace(data="grid25"))
        assert remote.run_id == run + 1 and remote.config.data == "grid25"
    finally:
        registry.drop("settings")


def test_files_and_recordings_come_from_the_worker(registry, tmp_path):
    remote = registry.get("files")
    remote.frame_budget_s = math.inf
    try:
        frame(remote, "play", 12)
        path = remote.save_to(str(tmp_path))
        assert path.endswith("-it12.pt")
        frame(remote, "reset")
        assert remote.load_file(path) == 12
        assert frame(remote, "frame")["iteration"] == 12
        with pytest.raises(ValueError, match="not a GAN Playground"):
            remote.load_file(str(tmp_path / "missing.pt"))
        recording = remote.recording()
        assert recording.frames and recording.real.shape == (500, 2)
        assert remote.metrics_csv().startswith("iteration,d_loss")
    finally:
        registry.drop("files")


def test_runs_are_spread_over_the_workers_and_freed_when_pages_close(registry):
    before = held(registry)
    for i in range(4):
        registry.get(f"spread-{i}")
    during = held(registry)
    assert [d - b for d, b in zip(during, before)] == [2, 2]
    for i in range(4):
        registry.drop(f"spread-{i}")
    assert held(registry) == before


def test_the_class_walls_tile_idle_reaping_and_the_ceiling_work_the_same(registry, monkeypatch):
    """What class mode and the registry ask of a worker's runs: a tile read without training, idle runs freed in
    the worker, and the live-run ceiling counted above the workers."""
    from playground.lab.runs import ServerFull

    page = registry.get("tile")
    page.frame_budget_s = math.inf
    try:
        frame(page, "play", 6)
        tile = page.tile(goal_hq=0.5)
        assert tile.iteration == 6 and tile.run == page.run_id and tile.real.shape[1] == 2
        assert frame(page, "frame")["iteration"] == 6  # reading the tile trained nothing
        before = held(registry)
        registry.get("idle")
        monkeypatch.setattr(registry, "idle_s", 0.0)
        registry._seen["tile"] = float("inf")  # the playing page is still here
        assert registry.reap() == ["idle"] and held(registry) == before  # freed in its worker
        monkeypatch.setattr(registry, "idle_s", 3600.0)
        monkeypatch.setattr(registry, "max_runs", 2)
        registry.get("second")
        with pytest.raises(ServerFull, match="The server is full"):
            registry.get("third")
    finally:
        for key in ("tile", "idle", "second", "third"):
            registry.drop(key)


def test_a_dead_worker_costs_only_its_own_runs(registry):
    a, b = registry.get("dies"), registry.get("lives")
    assert a._worker is not b._worker
    a.frame_budget_s = b.frame_budget_s = math.inf
    try:
        frame(a, "play", 5)
        run = a.run_id
        kill(a._worker)
        with pytest.raises(RunLost, match="press Play"):
            frame(a, "play", 5)
        assert frame(b, "play", 5)["iteration"] == 5  # the other worker's page goes on
        p = frame(a, "play", 5)  # the lost run is back, with the same settings
        assert p["iteration"] == 5 and a.run_id == run + 1 and p["run"] == run + 1
        assert all(w.alive for w in registry._pool.workers)
    finally:
        registry.drop("dies")
        registry.drop("lives")


def test_the_frame_loop_reports_a_lost_run_to_its_page(registry):
    lab = Lab(registry)
    s = registry.get("tick-page")
    tick = lambda: unpack(asyncio.run(lab.frame(frame_request(s.token, "play", 4))))  # noqa: E731
    try:
        assert tick()["iteration"] == 4
        kill(s._worker)
        assert "run was lost" in tick()["error"]
        assert tick()["iteration"] == 4
    finally:
        registry.drop("tick-page")


def test_pages_playing_share_the_training_budget_across_workers(registry, monkeypatch):
    monkeypatch.setattr(lab_session, "FRAME_TRAIN_BUDGET_S", 0.04)  # the real budget (conftest lifts it)
    pages = [registry.get(f"budget-{i}") for i in range(4)]
    try:
        for p in pages:
            registry.share_budget(p, playing=True)
            frame(p, "play", 1)
        assert pages[3].frame_budget_s == pytest.approx(0.04 * 2 / 4)  # two workers train side by side
        time.sleep(1.1)  # past the playing window: a page that stopped asking no longer counts
        registry.share_budget(pages[1], playing=True)
        assert pages[1].frame_budget_s == pytest.approx(0.04)
    finally:
        for i in range(4):
            registry.drop(f"budget-{i}")


@pytest.mark.slow
def test_every_page_of_a_killed_worker_is_told_to_press_play_at_once():
    """After kill -9 the first page got "internal error … (_Gone: <token>)": the dead worker was handed out again
    before its exit was noticed (here the process is not even reaped when the pages call)."""
    r = Registry()
    r.start_workers(1)
    try:
        pages = [r.get(f"same-worker-{i}") for i in range(3)]
        for p in pages:
            frame(p, "play", 2)
        dead = pages[0]._worker
        dead.process.kill()  # no wait(): the pages may call before the process is reaped
        for p in pages:
            with pytest.raises(RunLost, match="press Play"):
                frame(p, "play", 2)
        assert all(p._worker is not dead for p in pages)
        for p in pages:
            assert frame(p, "play", 2)["iteration"] == 2
        assert dead.process.returncode is not None  # reaped: no zombie left behind
        state = Path(f"/proc/{dead.process.pid}/stat")
        assert not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    finally:
        r.stop_workers()


def test_workers_start_where_sockets_cannot_be_inherited(monkeypatch):
    """On Windows Popen has no pass_fds: the worker connects back to a loopback port and answers a challenge with
    a one-time key from its environment. Simulated here by the platform name; the run it serves is the same run."""
    from playground.lab import workers as lab_workers

    monkeypatch.setattr(lab_workers.sys, "platform", "win32")
    started = []
    real_popen = lab_workers.subprocess.Popen
    monkeypatch.setattr(lab_workers.subprocess, "Popen",
                        lambda *a, **kw: started.append((a, kw)) or real_popen(*a, **kw))
    r = Registry()
    r.start_workers(1)
    try:
        config = resolve("ring8")[0]
        local, remote = LabSession(config), r.get("windows", config)
        remote.frame_budget_s = math.inf
        a, b = frame(local, "play", 5), frame(remote, "play", 5)
        assert a["iteration"] == b["iteration"] == 5
        assert np.allclose(a["view"]["fake"], b["view"]["fake"], rtol=1e-4, atol=1e-5)
        r.drop("windows")
    finally:
        r.stop_workers()
    (args, kwargs), = started
    assert "pass_fds" not in kwargs and args[0][-2] == "--connect"
    assert lab_workers.KEY_VAR in kwargs["env"] and lab_workers.KEY_VAR not in " ".join(args[0])


@pytest.mark.parametrize("script", [
    "import sys; from multiprocessing.connection import Client; Client(('127.0.0.1', int(sys.argv[2])), "
    "authkey=b'not the key')",  # a process that does not hold the key
    "pass",  # a worker that dies before calling back
])
def test_a_worker_that_does_not_answer_with_the_key_is_refused(monkeypatch, script):
    from playground.lab import workers as lab_workers

    monkeypatch.setattr(lab_workers, "CONNECT_TIMEOUT_S", 3.0)
    with pytest.raises(RuntimeError, match="did not connect back"):
        lab_workers._connect_back([lab_workers.sys.executable, "-c", script], dict(lab_workers.os.environ))


def test_runs_are_placed_on_both_nodes_and_a_dead_node_costs_only_its_pages(ray_cluster):
    """A node that dies takes only the runs of its actor: they come back on the live node with their settings; the
    other node's pages do not notice."""
    spare = ray_cluster.add_node(**ray_cluster.small)  # room for the lost runs (the module's other pool holds two CPUs)
    ray_cluster.wait_for_nodes()
    r = Registry()
    r.start_workers(2, ray_cluster.address)
    try:
        nodes = {w.node for w in r._pool.workers}
        assert len(nodes) == 2  # spread: one actor a node
        pages = [r.get(f"node-{i}") for i in range(4)]
        for p in pages:
            p.frame_budget_s = math.inf
            p.change(p.config.replace(lr_d=0.0007))
            frame(p, "play", 3)
        doomed = pages[0]._worker.node
        node = next(n for n in ray_cluster.worker_nodes if n.node_id == doomed) if doomed != \
            ray_cluster.head_node.node_id else None
        if node is None:  # the head holds the first page's actor: take the other node's pages as the doomed ones
            doomed = next(iter(nodes - {doomed}))
            node = next(n for n in ray_cluster.worker_nodes if n.node_id == doomed)
        lost = [p for p in pages if p._worker.node == doomed]
        kept = [p for p in pages if p._worker.node != doomed]
        assert len(lost) == len(kept) == 2
        ray_cluster.remove_node(node)
        for p in kept:
            assert frame(p, "play", 2)["iteration"] == 5  # untouched
        for p in lost:
            with pytest.raises(RunLost, match="press Play"):
                frame(p, "play", 2)
            assert p._worker.node != doomed and p.config.lr_d == 0.0007  # back on the live node, same settings
            assert frame(p, "play", 2)["iteration"] == 2
    finally:
        r.stop_workers()
    assert len(ray_cluster.worker_nodes) == 1 and spare is not None  # two nodes again (head and one) for what follows


def test_a_cluster_that_cannot_be_reached_fails_fast_with_its_address():
    """No silent fall-back to this machine's processes: the app says which address it could not reach."""
    code = ("from playground.lab.runs import Registry\n"
            "Registry().start_workers(0, 'ray://127.0.0.1:9')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "ClusterUnreachable" in done.stderr and "no Ray cluster answers at ray://127.0.0.1:9" in done.stderr
    assert "unset GAN_PLAYGROUND_RAY_ADDRESS" in done.stderr


def test_a_full_cluster_is_the_server_is_full_message(monkeypatch):
    """Where no worker can be placed (a cluster without a free CPU: cluster.ClusterFull is a workers.NoRoom), a new
    page hears that the server is full, as at the local ceiling, and a lost run says so and tries again later."""
    from playground.lab.runs import ServerFull
    from playground.lab.workers import NoRoom

    r = Registry()
    r.start_workers(1)
    try:
        page = r.get("full-1")
        frame(page, "play", 2)

        def no_room():
            raise NoRoom("no free CPU")
        monkeypatch.setattr(r._pool, "_make", no_room)
        kill(page._worker)
        with pytest.raises(RunLost, match="server is full"):
            frame(page, "play", 2)
        with pytest.raises(ServerFull, match="The server is full"):
            r.get("full-2")
        monkeypatch.undo()  # room again: the lost run comes back on the next call
        with pytest.raises(RunLost, match="press Play"):
            frame(page, "play", 2)
        assert frame(page, "play", 2)["iteration"] == 2
    finally:
        r.stop_workers()


def test_an_actor_ray_cannot_place_is_a_full_cluster(ray_cluster, monkeypatch):
    """Actors take a CPU each: once the cluster's CPUs are taken, the next worker is ClusterFull (a NoRoom, which a
    page hears as "the server is full"), not a wait without end."""
    from playground.lab import cluster
    from playground.lab.workers import NoRoom

    monkeypatch.setattr(cluster, "PLACE_TIMEOUT_S", 3.0)
    made = []
    try:
        with pytest.raises(cluster.ClusterFull, match="no free CPU") as raised:
            for _ in range(cluster.cpus() + 1):
                made.append(cluster.RayWorker())
        assert isinstance(raised.value, NoRoom) and 0 < len(made) <= cluster.cpus()
    finally:
        for w in made:
            w.discard()
