"""Run files from strangers: sizes checked before anything is decompressed, structure checked before use, and a
message that says what is wrong (never PyTorch's advice to turn weights_only off)."""
import zipfile

import pytest
import torch

from toy2d import checkpoint
from toy2d.config import TrainConfig
from toy2d.trainer import Trainer


@pytest.fixture
def saved(tmp_path):
    t = Trainer(TrainConfig(g_width=16, d_width=16))
    t.run(3)
    path = tmp_path / "run.pt"
    checkpoint.save(t, path)
    return path


class Payload:
    """Any class: weights_only refuses to build it (a real attack's would run code in __reduce__)."""


def blob_of(path):
    return torch.load(path, weights_only=True)


def test_a_saved_run_loads_back(saved):
    assert checkpoint.load(saved).iteration == 3


def test_a_decompression_bomb_is_refused_before_torch_reads_it(saved, tmp_path, monkeypatch):
    """A 1.9 MB upload whose records declared 2 GB made a worker allocate all of it."""
    bomb = tmp_path / "bomb.pt"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            dst.writestr(entry.filename, src.read(entry))
        with dst.open("run/data/99", "w") as big:  # 300 MB of zeros: a few hundred KB on disk
            chunk = bytes(1 << 20)
            for _ in range(300):
                big.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load reached the bomb"))
    with pytest.raises(ValueError, match=r"declares \d+ records and 3\d\d\.\d MB, more than any run"):
        checkpoint.load(bomb)


def test_too_many_records_are_refused(saved, tmp_path):
    many = tmp_path / "many.pt"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(checkpoint.MAX_ENTRIES + 1):
            z.writestr(f"run/data/{i}", b"")
    with pytest.raises(ValueError, match="records"):
        checkpoint.load(many)


def rewrite(saved, tmp_path, **changes):
    blob = blob_of(saved)
    for k, v in changes.items():
        if v is None:
            blob.pop(k)
        else:
            blob[k] = v
    path = tmp_path / "edited.pt"
    torch.save(blob, path)
    return path


@pytest.mark.parametrize("changes, message", [
    (dict(config=None), "settings are missing"),
    (dict(config={"data": "ring8"}), "settings are missing or not in this lab's form"),
    (dict(config='{"batch": 100000}'), "batch must be a whole number from"),
    (dict(config='{"d_width": 512, "d_depth": 8}'), "weights"),  # too costly for the shared server
    (dict(config="not json"), "not valid JSON"),
    (dict(g=None), "no g weights"),
    (dict(d=[1, 2]), "no d weights"),
    (dict(iteration=-5), "iteration is -5"),
    (dict(d_steps="7"), "d_steps"),
    (dict(format="something else"), "format tag"),
    (dict(mode_window=torch.tensor([[5, 1], [3, 2]])), "modes record"),  # iterations going back
    (dict(mode_window=torch.tensor([[5, -1]])), "modes record"),
    (dict(mode_window=torch.zeros(3, 5, dtype=torch.int64)), "modes record"),
    (dict(g={"0.0.weight": torch.zeros(3, 3)}), "do not match the saved settings"),
])
def test_bad_structure_is_a_clear_message(saved, tmp_path, changes, message):
    with pytest.raises(ValueError, match=message):
        checkpoint.load(rewrite(saved, tmp_path, **changes))


def test_a_file_carrying_python_objects_is_refused_without_suggesting_to_run_it(tmp_path):
    path = tmp_path / "pickled.pt"
    torch.save({"format": checkpoint.FORMAT, "config": Payload()}, path)
    with pytest.raises(ValueError) as e:
        checkpoint.load(path)
    assert "can run code" in str(e.value) and "weights_only" not in str(e.value)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"PK\x03\x04 truncated zip"])
def test_garbage_is_not_a_run(tmp_path, content):
    path = tmp_path / "junk.pt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a GAN Playground run file"):
        checkpoint.load(path)


def test_the_modes_seen_in_the_recent_window_come_back_with_the_run(tmp_path):
    """A loaded run's "modes in the last 1 000 iterations" dropped from ~22 to ~3: the window was not saved."""
    t = Trainer(TrainConfig(g_width=8, d_width=8))
    seen = [(100, frozenset({0, 3})), (200, frozenset({4})), (300, frozenset(range(25)))]
    checkpoint.save(t, tmp_path / "run.pt", checkpoint.Charts(modes=seen))
    assert checkpoint.read(tmp_path / "run.pt").charts.modes == seen
