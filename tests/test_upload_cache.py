"""Uploads (playground/upload_cache.py): removed once read, unread ones after a while, all of them bounded; and on
the served app, a one-shot upload (a run file, a CSV) is gone from the disk once the lab has read it."""
import json
import os
import uuid

from conftest import ManualClock
from playground.upload_cache import UploadCache
from tools.served_app import app_config, run_event


def stored(tmp_path, name: str, size: int) -> str:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    path = folder / name
    path.write_bytes(b"x" * size)
    return str(path)


def test_a_read_upload_is_removed_with_its_folder(tmp_path):
    cache = UploadCache(max_bytes=1e9, ttl_s=1e9)
    path = stored(tmp_path, "a.csv", 100)
    cache.record([path])
    cache.done(path)
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path)) and cache.bytes() == 0


def test_files_that_did_not_come_through_the_upload_route_are_never_removed(tmp_path):
    cache = UploadCache(max_bytes=1e9, ttl_s=1e9)
    example = stored(tmp_path, "example.png", 100)
    cache.done(example)
    assert os.path.exists(example)


def test_the_same_bytes_uploaded_twice_stay_until_both_are_read(tmp_path):
    """Gradio names an upload by its content: two pages sending the same photo share one file."""
    cache = UploadCache(max_bytes=1e9, ttl_s=1e9)
    path = stored(tmp_path, "same.png", 100)
    cache.record([path])
    cache.record([path])
    cache.done(path)
    assert os.path.exists(path)
    cache.done(path)
    assert not os.path.exists(path)


def test_the_cache_stays_under_its_bound_oldest_first_and_unread_files_expire(tmp_path):
    clock = ManualClock()
    cache = UploadCache(max_bytes=2500, ttl_s=600, clock=clock)
    paths = []
    for _ in range(4):
        paths.append(stored(tmp_path, "p.png", 1000))
        cache.record([paths[-1]])
        clock.now += 1
    assert cache.bytes() <= 2500 and [os.path.exists(p) for p in paths] == [False, False, True, True]
    clock.now += 601
    cache.trim()
    assert cache.bytes() == 0 and not any(os.path.exists(p) for p in paths)


def test_an_address_uploads_at_most_its_rate(tmp_path):
    clock = ManualClock()
    cache = UploadCache(per_address_mb=50, clock=clock)
    assert cache.admit("1.2.3.4", 24_000_000) == 0 and cache.admit("1.2.3.4", 24_000_000) == 0
    wait = cache.admit("1.2.3.4", 24_000_000)
    assert wait > 0 and cache.admit("5.6.7.8", 24_000_000) == 0  # another address is not slowed
    clock.now += wait
    assert cache.admit("1.2.3.4", 24_000_000) == 0


def test_the_lab_removes_an_uploaded_csv_once_read(served_app):
    from benchmarks.abuse import App

    app = App(served_app.base_url)
    session = uuid.uuid4().hex[:11]
    app.page_load(session)
    file = app.upload("cloud.csv", b"x,y\n" + b"\n".join(b"%d,%d" % (i, i % 7) for i in range(50)))
    assert os.path.exists(file["path"])
    csv = app.dep("upload", elem_id="lab-csv")["index"]
    out = run_event(served_app.base_url, csv, session, [file])
    assert "50" in json.loads(out[0])["message"]  # trained on the 50 points…
    assert not os.path.exists(file["path"])  # …and the file is gone
    assert app_config(served_app.base_url)["components"]
