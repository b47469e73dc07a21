import json
import subprocess
import sys
from pathlib import Path

import pytest

from toy2d.cli import JSON_KEYS

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "toy2d", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_train_json_contract():
    proc = run_cli("train", "--data", "ring8", "--loss", "wgan-gp", "--steps", "30", "--seed", "0", "--json",
                   "--set", "g_width=16", "--set", "d_width=16")
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert tuple(last) == JSON_KEYS
    assert last["data"] == "ring8" and last["loss"] == "wgan-gp" and last["steps"] == 30
    assert last["modes_total"] == 8 and 0 <= last["modes_covered"] <= 8 and 0 <= last["hq_fraction"] <= 1
    assert last["js_bits"] >= 0 and last["js_floor_bits"] >= 0 and last["w1"] > 0 and last["diverged"] is None
    assert "it" in proc.stderr  # the tqdm progress bar goes to stderr


def test_non_mixture_reports_null_mode_keys_and_flags_apply():
    proc = run_cli("train", "--data", "line", "--steps", "20", "--lr-d", "0.01", "--lr-g", "0.02", "--batch", "32",
                   "--k-d", "2", "--k-g", "1", "--threads", "1", "--json")
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert last["modes_covered"] is None and last["modes_total"] is None and last["hq_fraction"] is None


@pytest.mark.slow
def test_same_seed_same_numbers():
    args = ("train", "--data", "gaussians", "--preset", "ganlab", "--steps", "50", "--seed", "3", "--json")
    a = json.loads(run_cli(*args).stdout.strip().splitlines()[-1])
    b = json.loads(run_cli(*args).stdout.strip().splitlines()[-1])
    for key in ("d_loss", "g_loss", "js_bits", "w1"):
        assert a[key] == b[key]


def test_diverged_run_reports_it_and_exits_cleanly():
    proc = run_cli("train", "--data", "grid25", "--loss", "least-squares", "--steps", "300", "--lr-d", "10",
                   "--lr-g", "10", "--set", "opt_d=sgd", "--set", "opt_g=sgd", "--json")
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert last["diverged"] and "diverged at iteration" in last["diverged"] and last["steps"] < 300


@pytest.mark.parametrize("args, message", [
    (("--lr-d", "-1"), "lr_d must be a number more than 0"),
    (("--set", "noise_dim=0"), "noise_dim must be a whole number from"),
    (("--set", "nonsense"), "FIELD=VALUE"),
    (("--data", "points"), "needs a point cloud"),
])
def test_bad_input_gives_a_message_and_exit_2(args, message):
    proc = run_cli("train", "--steps", "5", *args, check=False)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_points_from_csv(tmp_path):
    csv = tmp_path / "pts.csv"
    csv.write_text("# x,y\n0,0\n1,1\n0.5,0.2\n")
    proc = run_cli("train", "--data", "points", "--points", str(csv), "--steps", "10", "--json")
    assert json.loads(proc.stdout.strip().splitlines()[-1])["data"] == "points"
    csv.write_text("0,0,0\n1,1,1\n")
    bad = run_cli("train", "--data", "points", "--points", str(csv), "--steps", "10", check=False)
    assert bad.returncode == 2 and "each row must be x,y" in bad.stderr


def test_save_then_load_gives_the_same_generator(tmp_path):
    from toy2d import checkpoint

    path = tmp_path / "run.pt"
    run_cli("train", "--data", "ring8", "--steps", "20", "--set", "g_width=16", "--save", str(path))
    trainer = checkpoint.load(path)
    assert trainer.iteration == 20 and trainer.config.g_width == 16
    assert trainer.sample(100).shape == (100, 2)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a GAN Playground"):
        checkpoint.load(tmp_path / "junk.pt")
