"""The lab's own frame route (lab2d.FRAME_ROUTE) on the served app: what the page's loop POSTs to, and what a hostile
client gets from it."""
import base64
import http.client
import json
import uuid

import pytest

from playground.lab.protocol import unpack
from playground.limits import MAX_FRAME_REQUEST_BYTES as MAX_REQUEST_BYTES
from playground.tabs.lab2d import FRAME_ROUTE
from tools.served_app import FrameClient, app_config, lab_ids, post, run_event


@pytest.fixture(scope="module")
def page(served_app):
    """An open page of the served app: its session hash, the page-load event's value, and the lab's view id."""
    base = served_app.base_url
    view, load = lab_ids(app_config(base))
    session_hash = uuid.uuid4().hex[:11]
    value = json.loads(run_event(base, load, session_hash, [])[0])
    return dict(base=base, view=view, session_hash=session_hash, value=value, token=value["token"])


def raw(base: str, method: str, body: bytes) -> tuple[int, bytes]:
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request(method, FRAME_ROUTE, body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_the_page_is_told_the_route_and_gets_packed_frames_from_it(page):
    assert page["value"]["route"] == FRAME_ROUTE.lstrip("/")  # relative: it works under a proxy's path too
    client = FrameClient(page["base"])
    try:
        first = client.post(dict(token=page["token"], action="play", n=3))
        assert first["iteration"] == 3 and first["real"].size and first["view"]["heat"].size
        held = dict(run=first["run"], losses=3, metrics=first["metrics"]["from"] + len(first["metrics"]["rows"]),
                    layers=first["layers"])
        again = client.post(dict(token=page["token"], action="play", n=2, **held))  # the same kept-alive connection
        assert again["iteration"] == 5 and "real" not in again and again["losses"]["from"] == 3
    finally:
        client.close()


def test_the_server_function_answers_the_same_bytes_in_base64(page):
    body = dict(data=dict(token=page["token"], action="frame"), component_id=page["view"],
                session_hash=page["session_hash"], fn_name="tick")
    p = unpack(base64.b64decode(json.loads(post(page["base"], "/component_server", body))))
    assert p["run"] >= 1 and p["view"]["fake"].size and "iteration" in p


@pytest.mark.parametrize("body, said", [(b"not json", "not JSON"), (b"[" * 1000 + b"]" * 1000, "not JSON"),
                                        (b'{"token": 3}', "token"),
                                        (b'{"token": "no-such-page"}', "lab.msg.run_ended"), (b"[]", "object")])
def test_bad_requests_get_a_message_not_a_traceback(page, body, said):
    status, data = raw(page["base"], "POST", body)
    assert status == 200 and said in json.dumps(unpack(data)["error"])


def test_a_long_body_is_refused_unread_and_other_methods_are_not_served(page):
    status, data = raw(page["base"], "POST", b"x" * (MAX_REQUEST_BYTES * 50))
    assert status == 413 and b"Request too large" in data  # the front door's answer (gate.py), before the route's
    status, _ = raw(page["base"], "GET", b"")
    assert status == 405
