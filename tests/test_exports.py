"""Exports are bounded on disk: a page keeps its newest few, all pages together stay under the quota, and the files
sit in Gradio's cache so that Gradio serves them without a copy of its own."""
from types import SimpleNamespace

import pytest
from gradio.utils import is_in_or_equal, get_upload_folder

from playground import exports, limits


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def page(cache, lab):
    request = SimpleNamespace(session_hash="export-page", query_params={}, headers={})
    lab.on_load(request)
    yield SimpleNamespace(request=request, lab=lab)


def test_fifty_saves_of_one_page_leave_only_its_newest_exports(page):
    paths = [page.lab.on_save(page.request) for _ in range(50)]
    csvs = [page.lab.on_metrics_csv(page.request) for _ in range(5)]
    files = [p for p in exports.folder().rglob("*") if p.is_file()]
    assert len(files) == limits.EXPORTS_PER_PAGE
    assert set(map(str, files)) == set(csvs[-3:])  # the newest stay and can still be downloaded
    assert all(is_in_or_equal(p, get_upload_folder()) for p in paths[-1:] + csvs)  # Gradio serves them, no copy


def test_all_pages_together_stay_under_the_quota(cache, monkeypatch):
    monkeypatch.setattr(limits, "EXPORT_DISK_MB", 0.05)  # 50 kB
    for i in range(30):
        exports.new_path(f"page-{i}", "blob.bin").write_bytes(bytes(10_000))
    assert exports.disk_bytes() <= 0.05e6 + 10_000  # the newest file may take the folder just past the quota


def test_an_owner_name_from_a_client_cannot_leave_the_export_folder(cache):
    path = exports.new_path("../../etc", "../../passwd")
    assert is_in_or_equal(path, exports.folder()) and path.name == "passwd"
