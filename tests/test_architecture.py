"""The code's shape, checked: layering and no import cycles (import-linter's contracts in .importlinter), every
third-party import declared, one entry point for every tab, one declaration for every 2D setting."""
import ast
import configparser
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_CODE = ["toy2d", "models", "playground"]


def test_the_layering_contracts_hold():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / ".importlinter")
    contracts = [s for s in parser.sections() if s.startswith("importlinter:contract:")]
    done = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"Contracts: {len(contracts)} kept, 0 broken." in done.stdout  # every contract was read and checked
    assert len(contracts) >= 3


def _imports(path: Path) -> list[tuple[str, ast.AST]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(a.name.split(".")[0], node) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            out.append((node.module.split(".")[0], node))
    return out


@pytest.mark.slow
def test_every_third_party_import_is_declared_in_requirements():
    from importlib.metadata import packages_distributions

    declared = {re.split(r"[<>=!~ \[]", line.strip())[0].lower().replace("_", "-")
                for line in (ROOT / "requirements.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    import tomllib

    # an extra's package (`pip install .[cluster]`: ray) is imported only where its setting asks for it
    extras = {re.split(r"[<>=!~ \[]", dep)[0].lower() for name, deps in tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"].items() if name != "app"
        for dep in deps}
    local = {"toy2d", "models", "playground", "app"}
    files = [p for d in APP_CODE for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
    missing = set()
    for path in files:
        for name, _ in _imports(path):
            if name in sys.stdlib_module_names or name in local or name == "spaces":  # spaces: Hugging Face only
                continue
            if name in extras:
                assert path.name == "cluster.py", f"{name}, an extra's package, imported by {path}"
                continue
            dists = {d.lower().replace("_", "-") for d in packages_distributions().get(name, [name])}
            if not dists & declared:
                missing.add(f"{name} ({path.relative_to(ROOT)})")
    assert not missing, f"imported but not in requirements.txt: {sorted(missing)}"


def test_the_hugging_face_only_import_is_made_only_on_hugging_face():
    """`spaces` exists on ZeroGPU Spaces only: it must be imported inside the function that checks for one."""
    for path in [p for d in APP_CODE for p in (ROOT / d).rglob("*.py")]:
        tree = ast.parse(path.read_text())
        top = {id(n) for n in tree.body}
        for name, node in _imports(path):
            if name == "spaces":
                assert id(node) not in top, f"{path}: `import spaces` at module level"


def test_every_tab_has_the_same_entry_point():
    tabs = sorted(p.stem for p in (ROOT / "playground" / "tabs").glob("*.py") if p.stem != "__init__")
    assert len(tabs) >= 7
    for name in tabs:
        module = importlib.import_module(f"playground.tabs.{name}")
        params = list(inspect.signature(module.create).parameters)
        assert params[0] == "page", name
    import app

    # each tab is in the app; the lab, the class tab (on the lab's runs) and the doodles (on the classes) apart
    assert {m.__name__.rsplit(".", 1)[1] for _, m in app.TABS} | {"lab2d", "classroom", "doodles"} == set(tabs)


def test_a_2d_setting_is_declared_once_and_every_panel_follows_the_table():
    from playground.tabs import experiments2d, lab2d
    from toy2d import settings
    from toy2d.config import LIVE_FIELDS, SETTINGS, TrainConfig

    table = {s.name: s for s in SETTINGS}
    assert lab2d.FIELD_NAMES == [s.name for s in SETTINGS if s.panel]
    assert LIVE_FIELDS == {n for n, s in table.items() if s.live}
    assert set(table) | {"points"} == set(TrainConfig.__dataclass_fields__)
    # the A/B panel takes exactly the lab's ranges (it had its own: lr ≤ 1 and kD ≤ 20 where the lab allowed 10, 50)
    side = dict(data="ring8", seed=0, base=experiments2d.RECIPE, loss="nonsaturating", opt="adam", lr_d=1e-3,
                lr_g=1e-3, k_d=1, k_g=1, r1_gamma=0.0)
    for name, top in (("lr_d", table["lr_d"].hi), ("k_d", table["k_d"].hi), ("r1_gamma", table["r1_gamma"].hi)):
        over = top * 1.5 if table[name].kind == "float" else int(top) + 1
        with pytest.raises(Exception, match=re.escape(table[name].label)):
            experiments2d.side_config(**{**side, name: over})
    assert experiments2d.side_config(**{**side, "lr_d": 5.0}).lr_d == 5.0  # the old panel refused it
    # validation, the URL and coercion come from the same declaration
    for s in SETTINGS:
        assert isinstance(s, settings.Setting) and s.label and s.group
        with pytest.raises(ValueError, match=s.name):
            TrainConfig().updated({s.name: "not a value" if s.kind != "choice" else "no-such-choice"}).validate()


def test_the_code_and_docs_cite_nothing_outside_the_repository():
    """A clone holds only the repository: a path that climbs out of it (`../something`) is unreadable there."""
    files = [p for d in APP_CODE + ["tests", "benchmarks", "tools"] for p in (ROOT / d).rglob("*")
             if p.suffix in {".py", ".md", ".js", ".json", ".css"}]
    files += list(ROOT.glob("*.md")) + [ROOT / "app.py"]
    outside = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
               for m in re.finditer(r"\.\./[\w.-]+/[\w./-]+", p.read_text(errors="ignore"))
               if not (p.parent / m.group(0)).resolve().is_relative_to(ROOT)
               and not re.search(r"\betc\b|passwd", m.group(0))]  # the hostile paths the tests send
    assert not outside, outside


def test_ruff_finds_nothing():
    """The style the code keeps (pyproject.toml's [tool.ruff]), checked rather than kept by habit."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]


def _mapped_paths() -> set[Path]:
    """Every file ARCHITECTURE.md's module map names: `dir/file.py`, a bare `file.py` after a path in the same row
    (that path's folder), a glob (`static/lab2d.*`) or a folder (`benchmarks/`: all of it)."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    table = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    paths: set[Path] = set()
    for row in table.splitlines():
        folder = ROOT
        for name in re.findall(r"`([\w./*-]+)`", row.split("|")[1] if row.startswith("|") else ""):
            if "/" in name.rstrip("/"):
                folder = (ROOT / name).parent
                where = ROOT / name
            else:
                where = folder / name if not name.endswith("/") else ROOT / name
            if name.endswith("/"):
                paths |= set(where.rglob("*.py"))
            else:
                paths |= set(where.parent.glob(where.name))
    return paths


def test_every_module_is_on_architectures_map():
    """A newcomer finds a module by its row in ARCHITECTURE.md's map: four were missing from the hand-kept table."""
    mapped = _mapped_paths()
    modules = [p for d in APP_CODE + ["tools"] for p in (ROOT / d).rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py") or p.parent.name == "tabs"]
    missing = sorted(str(p.relative_to(ROOT)) for p in modules if p not in mapped)
    assert not missing, f"not on ARCHITECTURE.md's module map: {missing}"
