"""The 2D engine from a notebook: toy2d.train and its run's metrics, figure and animation; the example notebook
executed as a teacher would run it; and the package a `pip install -e .` makes."""
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import toy2d
from toy2d import cli, palette, probe

ROOT = Path(__file__).resolve().parents[1]


def test_train_gives_a_run_with_the_clis_numbers_the_labs_picture_and_an_animation():
    run = toy2d.train("ring8", steps=300, seed=1, record_every=100, lr_d=0.002)
    assert run.trainer.config.lr_d == 0.002 and run.trainer.config.seed == 1 and run.trainer.iteration == 300
    m = run.metrics()
    assert tuple(m) == cli.JSON_KEYS and m["steps"] == 300 and m["modes_total"] == 8
    fig = run.figure()
    names = [t.name for t in fig.data]
    assert names[0] == "D's belief" and "real samples" in names and "G's samples" in names
    fakes = next(t for t in fig.data if t.name == "G's samples")
    assert fakes.marker.color == palette.hex_colour(palette.FAKE) and len(fakes.x) == len(run.snapshots[-1].fake)
    box = probe.frame(run.trainer).box  # the view the lab would fit to the run now
    assert list(fig.layout.xaxis.range) == [box[0], box[1]] and list(fig.layout.yaxis.range) == [box[2], box[3]]
    anim = run.animate()
    assert [f.name for f in anim.frames] == ["0", "100", "200", "300"]
    assert [s.label for s in anim.layout.sliders[0].steps] == ["0", "100", "200", "300"]
    only = run.figure(layers=("real", "fake"))
    assert [t.name for t in only.data] == ["real samples", "G's samples"]
    run.train(50)
    assert run.trainer.iteration == 350 and len(run.snapshots) == 4  # no snapshot between the hundreds


def test_train_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="record_every"):
        toy2d.train("ring8", steps=10, record_every=0)
    with pytest.raises(ValueError, match="preset"):
        toy2d.train(preset="no such preset", steps=10)
    with pytest.raises(ValueError, match="snapshots"):
        toy2d.train("ring8", steps=5).animate()
    with pytest.raises(AttributeError):
        toy2d.no_such_thing  # noqa: B018


def test_a_lab_worker_importing_the_engine_does_not_load_plotly():
    code = "import sys, toy2d.threads, toy2d.trainer; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_the_example_notebook_runs_and_shows_its_figures():
    nb = nbformat.read(ROOT / "examples" / "gan_lab_in_a_notebook.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "of 8 modes" in printed and "after 1200 iterations" in printed
    plots = [json.loads(o.data["application/vnd.plotly.v1+json"]) if isinstance(o.data[
        "application/vnd.plotly.v1+json"], str) else o.data["application/vnd.plotly.v1+json"]
             for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(plots) == 2 and len(plots[1]["frames"]) == 5  # the figure, then the animation of 0…1200


def test_pip_install_makes_the_three_packages_with_their_files(tmp_path):
    """Built from a copy of the tree: setuptools writes build/ and *.egg-info beside the pyproject it builds."""
    src = tmp_path / "src"
    for name in ("pyproject.toml", "README.md"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, src / name)
    for package in ("toy2d", "models", "playground"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(src)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("gan_playground-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("toy2d/run.py", "toy2d/figure.py", "models/store.py", "playground/static/lab2d.js",
                   "models/weights/pix2pix_sketch2face.pt"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "examples/"))]
