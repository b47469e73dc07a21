"""The faces DCGAN from its pinned weights: shapes, range, determinism, walks and the walk CLI."""
import json
import subprocess
import sys

import imageio.v2 as imageio
import numpy as np
import pytest
import torch

from models import store
from models.faces import latent, walks
from models.faces.infer import build_faces
from models.faces.nets import DCGANGenerator


def test_the_architecture_maps_z_to_64x64_rgb_in_range():
    g = DCGANGenerator().eval()
    with torch.no_grad():
        x = g(torch.randn(3, 100))
    assert x.shape == (3, 3, 64, 64) and float(x.abs().max()) <= 1


def test_the_pinned_weights_load_strictly_and_give_faces_in_range(faces):
    z = latent.from_seeds([0, 1, 2, 3])
    with torch.no_grad():
        raw = faces.generator(z.to(faces.device, faces.dtype)).float()
    assert raw.shape == (4, 3, 64, 64) and -1 <= float(raw.min()) < -0.5 and 0.5 < float(raw.max()) <= 1
    im = faces.images(z)
    assert im.shape == (4, 64, 64, 3) and im.dtype == np.uint8
    assert 30 < im.std() and len({im[i].tobytes() for i in range(4)}) == 4  # real, distinct pictures


def test_a_seed_gives_the_same_face_in_any_batch(faces):
    alone = faces.images(latent.from_seeds([7]))[0]
    in_batch = faces.images(latent.from_seeds([3, 7, 11]))[1]
    assert np.array_equal(alone, in_batch)  # eval-mode BatchNorm: no dependence on the other samples


def test_wrong_weights_are_reported_with_a_fix():
    with pytest.raises(store.ModelUnavailable, match="expected DCGAN generator.*Fix: delete"):
        build_faces({"netG_state_dict": {"main.0.weight": torch.zeros(3)}})


def test_the_walk_starts_and_ends_on_the_keyframe_faces_and_writes_a_playable_video(faces, tmp_path):
    seeds = [3, 7, 12]
    result = walks.render(faces, seeds, frames=17, mode="slerp", size=64, fps=12, out=tmp_path / "w.mp4")
    keyframes = faces.images(latent.from_seeds(seeds))
    assert result.frames.shape == (17, 64, 64, 3)
    assert np.array_equal(result.frames[0], keyframes[0]) and np.array_equal(result.frames[-1], keyframes[-1])
    assert np.abs(result.frames[8].astype(int) - keyframes[1]).max() <= 1  # hit exactly (float rounding aside)
    steps = np.abs(np.diff(result.frames.astype(int), axis=0)).mean(axis=(1, 2, 3))
    assert steps.max() < np.abs(keyframes[0].astype(int) - keyframes[1]).mean()  # smooth: no jumps
    back = imageio.mimread(result.path, format="FFMPEG", memtest=False)
    assert len(back) == 17 and back[0].shape == (64, 64, 3)
    assert np.abs(back[0].astype(int) - keyframes[0]).mean() < 12  # lossy, but the same picture
    gif = walks.render(faces, seeds[:2], 4, "linear", size=128, out=tmp_path / "w.gif")
    assert gif.path.read_bytes()[:6] == b"GIF89a" and gif.frames.shape == (4, 128, 128, 3)
    for bad in ({"frames": 1}, {"size": 100}, {"fps": 0}):
        with pytest.raises(ValueError):
            walks.render(faces, seeds, **{"frames": 8, **bad})


def test_the_walk_cli_writes_the_video_and_ends_with_one_json_line(faces, tmp_path):
    out = tmp_path / "walk.mp4"
    done = subprocess.run([sys.executable, "-m", "models", "walk", "--seeds", "3,7", "--frames", "64", "--out",
                           str(out), "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"seconds", "frames", "path"} <= set(record)
    assert record["frames"] == 64 and record["path"] == str(out) and out.stat().st_size > 10_000
    bad = subprocess.run([sys.executable, "-m", "models", "walk", "--seeds", "3", "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "two keyframes" in bad.stderr
