from pathlib import Path

from tools import release_check

ROOT = Path(__file__).resolve().parents[1]


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    commands = release_check.quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    app_cmd, test_cmd = commands
    assert "app.py" in app_cmd and "pytest" in test_cmd
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == test_cmd
