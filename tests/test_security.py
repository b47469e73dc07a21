"""What the served app exposes: only its own static files; uploads capped; a full queue refuses at once; user
text shown in messages is escaped."""
import contextlib
import io
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import gradio as gr
import pytest

import app
from tools.served_app import free_port
from playground import limits, messages
from playground.tabs import lab2d

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base(served_app):
    return served_app.base_url


def status(url: str, data: bytes | None = None, headers: dict | None = None) -> int | str:
    """The answer's HTTP status, or "reset" when the server answered and closed before the body was all sent (what a
    refusal of a body it will not read looks like to a client still sending it)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError) as e:
        if isinstance(getattr(e, "reason", e), (ConnectionResetError, BrokenPipeError)):
            return "reset"
        raise


@pytest.mark.parametrize("path", ["/etc/passwd", str(ROOT / "app.py"), str(ROOT / "models" / "weights"
                                                                            / "pix2pix_sketch2face.pt"),
                                  str(ROOT / "README.md"), "../../../../etc/passwd"])
def test_files_outside_the_apps_static_files_are_not_served(base, path):
    assert status(f"{base}/gradio_api/file={path}") in (403, 404)


def test_plotly_js_is_served_from_the_installed_package(base):
    assert status(f"{base}/gradio_api/file={lab2d.PLOTLY_JS}") == 200


def _multipart(size: int) -> tuple[bytes, dict]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.png\"\r\n"
               "Content-Type: image/png\r\n\r\n".encode())
    body.write(b"\0" * size)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_uploads_over_the_limit_are_refused_before_our_code_sees_them(base):
    assert limits.MAX_FILE_SIZE == "25mb"
    assert status(f"{base}/gradio_api/upload", *_multipart(26 * 1024 * 1024)) in (413, "reset")
    assert status(f"{base}/gradio_api/upload", *_multipart(1024)) == 200


@contextlib.contextmanager
def slow_app(queue_max: int = limits.QUEUE_MAX):
    """A one-event app (2 s per event, one at a time) served with the app's queue limits; yields join(session)."""
    with gr.Blocks() as demo:
        box = gr.Number()
        box.submit(lambda x: time.sleep(2) or x, box, box, concurrency_limit=1)
    port = free_port()
    app.launch(demo, queue_max=queue_max, workers=0, server_name="127.0.0.1", server_port=port,
               prevent_thread_lock=True, quiet=True)

    def join(session_hash: str) -> int:
        body = json.dumps(dict(data=[1], fn_index=0, session_hash=session_hash, event_data=None,
                               trigger_id=None)).encode()
        return status(f"http://127.0.0.1:{port}/gradio_api/queue/join", body, {"Content-Type": "application/json"})
    try:
        yield join
    finally:
        demo.close()


def test_a_full_queue_refuses_new_events_at_once():
    with slow_app(queue_max=1) as join:
        codes = []
        threads = [threading.Thread(target=lambda: codes.append(join(uuid.uuid4().hex[:10]))) for _ in range(4)]
        for t in threads:
            t.start()
            time.sleep(0.2)
        for t in threads:
            t.join()
        assert codes.count(200) >= 1 and 503 in codes  # 503: the page says "This application is currently busy"


def test_messages_escape_user_text():
    e = messages.error("seed must be a whole number, got '<img src=x onerror=alert(1)>'")
    assert "<img" not in e.message and "&lt;img src=x onerror=alert(1)&gt;" in e.message


def test_one_page_cannot_hold_the_whole_queue():
    """64 queued events from one client made every new visitor's page fail with "Queue is full"."""
    with slow_app() as join:
        greedy = [join("greedy-page") for _ in range(12)]
        assert greedy.count(200) <= limits.QUEUED_PER_PAGE + 1 and greedy.count(503) >= 12 - limits.QUEUED_PER_PAGE - 1
        assert join("another-page") == 200  # room is left for everyone else


def test_a_page_load_does_not_wait_in_the_queue(base):
    """The lab's page-load event runs outside the queue, so a new visitor's lab starts however full it is."""
    config = json.loads(urllib.request.urlopen(base + "/config", timeout=60).read())
    view = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "lab-view")
    load = next(d for d in config["dependencies"] if any(t[1] == "load" for t in d["targets"]) and view in d["outputs"])
    assert load["queue"] is False
    body = json.dumps(dict(data=[], fn_index=load["id"], session_hash="outside-the-queue")).encode()
    with urllib.request.urlopen(urllib.request.Request(base + "/gradio_api/run/predict", data=body,
                                                       headers={"Content-Type": "application/json"}), timeout=60) as r:
        assert "token" in json.loads(json.loads(r.read())["data"][0])


def test_no_event_answers_a_crafted_request_with_a_bare_error(base):
    """Values Gradio cannot read for an event's inputs (123 of 740 crafted requests) or a fault in a handler ended
    in a box saying only "Error": every event now says what happened, in the page's language."""
    from tools.served_app import run_event

    config = json.loads(urllib.request.urlopen(base + "/config", timeout=60).read())
    kinds = {c["id"]: c["type"] for c in config["components"]}
    bare = []
    for i, d in enumerate(config["dependencies"]):
        if not d["inputs"] or d.get("queue") is False or d.get("js") or not d.get("backend_fn", True):
            continue
        data = [None if kinds.get(c) == "state" else [[1, 2], [3]] for c in d["inputs"]]
        try:
            run_event(base, d.get("id", i), uuid.uuid4().hex[:11], data, timeout=30)
        except RuntimeError as e:
            if "'error': None" in str(e) or "'error': 'Error'" in str(e):
                bare.append(d.get("id", i))
    assert bare == []


def test_a_crafted_request_is_told_in_the_pages_language(base):
    from tools.served_app import run_event

    config = json.loads(urllib.request.urlopen(base + "/config", timeout=60).read())
    ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
    dep = next(d for d in config["dependencies"] if [ids["sr-go"], "click"] in d["targets"])
    for lang, said in (("en", "could not read"), ("ko", "읽을 수 없습니다")):
        with pytest.raises(RuntimeError, match=said):
            run_event(base, dep["id"], uuid.uuid4().hex[:11], [[[1, 2], [3]]] * len(dep["inputs"]),
                      headers={"Accept-Language": lang})
