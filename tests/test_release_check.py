"""The release check (tools/release_check.py): Spaces front-matter and `python app.py` honouring the server
environment variables. (Its --fresh mode runs the README's commands in a clean clone: that is what CI does.)"""
import sys
from pathlib import Path

import pytest

from tools import release_check

ROOT = Path(__file__).resolve().parents[1]


def test_front_matter_is_what_spaces_needs():
    assert release_check.front_matter_problems() == []


def test_front_matter_problems_are_found(tmp_path):
    (tmp_path / "README.md").write_text("---\ntitle: x\nsdk: streamlit\nsdk_version: 1.0\napp_file: main.py\n"
                                        "short_description: " + "y" * 70 + "\n---\n# x\n")
    (tmp_path / "requirements.txt").write_text("gradio==6.31.0\n")
    problems = "\n".join(release_check.front_matter_problems(tmp_path))
    for expected in ("lacks emoji", "not gradio", "differs from the pinned gradio", "main.py does not exist",
                     "60 characters", "python_version"):
        assert expected in problems


@pytest.mark.slow
def test_python_app_py_serves_on_the_given_address_and_port_only():
    assert release_check.serve_problems([sys.executable, "app.py"], release_check.ROOT) == []


def test_a_command_that_ignores_the_port_is_caught(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("import time; time.sleep(60)\n")
    problems = release_check.serve_problems([sys.executable, str(script)], tmp_path, timeout=3)
    assert problems and "nothing answered" in problems[0]



def test_requirements_are_read_for_each_platform_with_their_markers():
    """uvloop has no Windows build: it must not be asked for there (pip's --platform would ask: it evaluates
    markers for the machine it runs on)."""
    windows = release_check.requirements_for("win_amd64")
    mac = release_check.requirements_for("macosx_14_0_arm64")
    assert not any(r.startswith("uvloop") for r in windows)
    assert any(r.startswith("uvloop") for r in mac)
    assert "torch==2.13.0" in windows and "torch==2.13.0" in mac and "gradio==6.31.0" in windows


def test_a_cpu_space_gets_pytorchs_cpu_build_and_a_zerogpu_space_the_cuda_one_with_spaces():
    cpu = release_check.space_requirements("cpu").splitlines()
    assert cpu[0].startswith("--extra-index-url https://download.pytorch.org/whl/cpu")
    assert "torch==2.13.0+cpu" in cpu and "torch==2.13.0" not in cpu and "gradio==6.31.0" in cpu
    gpu = release_check.space_requirements("zerogpu").splitlines()
    assert "torch==2.13.0" in gpu and release_check.SPACES_PIN in gpu and not gpu[0].startswith("--")
    here = (ROOT / "requirements.txt").read_text().splitlines()
    assert "torch==2.13.0" in here and not any(line.startswith("--") for line in here)  # the README's commands
    with pytest.raises(ValueError):
        release_check.space_requirements("tpu")


def test_the_preload_front_matter_names_every_pinned_file_at_a_commit():
    from models.registry import PINNED
    from models.store import hub_filename

    rev = "0123456789abcdef0123456789abcdef01234567"
    text = release_check.preload_front_matter("me/gan-playground-weights", rev)
    line = text.splitlines()[1].split()
    assert line[:2] == ["-", "me/gan-playground-weights"] and line[3] == rev
    assert line[2].split(",") == [hub_filename(ck) for ck in PINNED.values()]
    assert "GAN_PLAYGROUND_HF_REVISION=" + rev in text
    with pytest.raises(ValueError, match="40-character"):
        release_check.preload_front_matter("me/w", "main")
