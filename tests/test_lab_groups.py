"""A worker's playing runs of one small shape trained together (playground/lab/groups.py): each run ends where it
would have alone, each page gets the iterations it asked for, and a run that leaves takes its own state along."""
from pathlib import Path

import numpy as np
import torch

from playground.lab.protocol import FrameRequest
from playground.lab.groups import Groups, groupable
from playground.lab.session import LabSession, default_config
from toy2d.presets import resolve
from toy2d.trainer import Trainer


def pages(n: int, groups: Groups) -> list[LabSession]:
    made = [LabSession(resolve(preset="ganlab")[0].replace(seed=i)) for i in range(n)]
    for s in made:
        s.train_play = groups.train
    return made


def weights(t: Trainer) -> np.ndarray:
    return torch.cat([p.detach().reshape(-1) for p in t.all_params]).numpy().copy()


def test_runs_trained_in_turns_with_a_group_end_where_they_would_alone():
    groups = Groups()
    made = pages(3, groups)
    for _ in range(4):  # the pages' frames in turn, 5 iterations asked each time
        for s in made:
            s.frame(FrameRequest(s.token, "play", 5, run=s.run_id))
    assert groups.sizes() == [3]
    for s in made:
        assert 10 <= s.trainer.iteration <= 20  # what the page asked for, the last grant partly still to train
        alone = Trainer(s.config)
        alone.run(s.trainer.iteration)
        np.testing.assert_allclose(weights(s.trainer), weights(alone), rtol=1e-4, atol=1e-6)
    assert max(s.trainer.iteration for s in made) > 5  # and the group did train them together


def test_a_run_that_leaves_takes_its_own_weights_and_the_rest_go_on():
    groups = Groups()
    made = pages(3, groups)
    for _ in range(3):
        for s in made:
            s.frame(FrameRequest(s.token, "play", 4, run=s.run_id))
    gone = made.pop()
    kept = weights(gone.trainer)
    groups.release(gone.token)
    np.testing.assert_array_equal(weights(gone.trainer), kept)
    others = [p.detach().numpy() for s in made for p in s.trainer.all_params]
    assert not any(np.shares_memory(p.detach().numpy(), o) for p in gone.trainer.all_params for o in others)
    for _ in range(2):
        for s in made:
            s.frame(FrameRequest(s.token, "play", 4, run=s.run_id))
    assert groups.sizes() == [2] and all(s.trainer.iteration > 8 for s in made)


def test_big_nets_and_r1_train_alone():
    assert groupable(Trainer(default_config())) is None  # the default ring8 run: 3×64 nets with lazy R1
    assert groupable(Trainer(resolve(preset="ganlab")[0])) is not None


def test_a_grouped_run_saves_loads_changes_and_restarts_as_alone(tmp_path):
    groups = Groups()
    made = pages(3, groups)
    for _ in range(3):
        for s in made:
            s.frame(FrameRequest(s.token, "play", 4, run=s.run_id))
    first = made[0]
    path = first.save_to(str(tmp_path))  # the saved run holds its own weights (not the whole group's stack)
    assert Path(path).stat().st_size < 200_000
    copy = LabSession(first.config)
    assert copy.load_file(path) == first.trainer.iteration
    np.testing.assert_array_equal(weights(copy.trainer), weights(first.trainer))
    first.change(first.config.replace(k_d=1))  # another shape of iteration: it leaves the group on its next frame
    first.frame(FrameRequest(first.token, "play", 4, run=first.run_id))
    made[1].restart(made[1].config)  # a new run: the old trainer is let go
    for s in made:
        before = s.trainer.iteration
        s.frame(FrameRequest(s.token, "play", 4, run=s.run_id))
        s.frame(FrameRequest(s.token, "play", 4, run=s.run_id))
        assert s.trainer.iteration > before or s is made[1]
    assert groups.sizes() == [2]  # the restarted page's new run and the third; not the old run, nor k_d=1's
    assert all(np.isfinite(weights(s.trainer)).all() for s in made)


def test_pages_of_a_small_preset_in_one_worker_each_get_the_iterations_they_asked_for():
    from playground.lab.protocol import unpack
    from playground.lab.workers import WorkerPool, RemoteSession

    pool = WorkerPool(1)
    try:
        remote = [RemoteSession(pool, resolve(preset="ganlab")[0].replace(seed=i)) for i in range(3)]
        held = {r.token: dict(run=-1) for r in remote}
        for _ in range(6):
            for r in remote:
                p = unpack(r.reply(FrameRequest(r.token, "play", 10, **held[r.token])))
                assert "error" not in p and p["diverged"] is None
                held[r.token] = dict(run=p["run"])
        seen = [unpack(r.reply(FrameRequest(r.token, "frame", **held[r.token])))["iteration"] for r in remote]
        assert all(40 <= it <= 60 for it in seen)  # 10 asked per frame; the last grant partly still to train
    finally:
        for r in remote:
            r.close()
        pool.stop()
