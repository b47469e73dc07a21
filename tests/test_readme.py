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


def test_the_korean_readme_gives_the_same_two_commands():
    assert release_check.quick_start(readme="README.ko.md", heading="## 빠른 시작") == release_check.quick_start()
    assert "README.ko.md" in (ROOT / "README.md").read_text("utf-8")


def test_the_browser_tests_find_a_browser_where_it_is_installed(monkeypatch, tmp_path):
    """Debian's /usr/bin/chromium here; Chrome or Edge on a school's Mac or Windows PC, or the one named in
    $GAN_PLAYGROUND_CHROMIUM; none: the browser tests are skipped with that advice."""
    from tools import served_app

    monkeypatch.setenv(served_app.BROWSER_VAR, "/opt/my/chrome")
    assert served_app.find_chromium() == "/opt/my/chrome"
    monkeypatch.delenv(served_app.BROWSER_VAR)
    edge = tmp_path / "msedge.exe"
    edge.write_text("")
    monkeypatch.setattr(served_app, "KNOWN_BROWSERS", ("/nonexistent/chromium", str(edge)))
    assert served_app.find_chromium() == str(edge)
    monkeypatch.setattr(served_app, "KNOWN_BROWSERS", ())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert served_app.find_chromium() is None
