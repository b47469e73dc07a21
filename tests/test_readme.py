import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def quick_start_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    commands = quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    app_cmd, test_cmd = commands
    assert "app.py" in app_cmd and "pytest" in test_cmd
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == test_cmd


def test_requirements_pin_torch_exactly():
    reqs = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^torch==2\.13\.0$", reqs, flags=re.M)
    for name in ("gradio", "numpy", "plotly", "scipy"):
        assert re.search(rf"^{name}\b", reqs, flags=re.M)


def test_spaces_front_matter():
    front = README.split("---\n")[1]
    fields = dict(line.split(": ", 1) for line in front.strip().splitlines())
    for key in ("title", "emoji", "sdk", "sdk_version", "app_file", "python_version", "short_description",
                "license"):
        assert fields.get(key), key
    assert fields["sdk"] == "gradio" and fields["app_file"] == "app.py"
    assert len(fields["short_description"]) <= 60
    gradio_pin = re.search(r"^gradio==(\S+)$", (ROOT / "requirements.txt").read_text(), flags=re.M).group(1)
    assert fields["sdk_version"] == gradio_pin
