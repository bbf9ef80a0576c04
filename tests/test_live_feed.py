"""The live feed's HTTP route (app/live_feed.py): tokens, answers, bad requests, and sessions kept apart."""

import gc
import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app import live_feed
from app.live_feed import Feed


@pytest.fixture()
def client() -> TestClient:
    return TestClient(Starlette(routes=live_feed.routes()))


def counting_source(calls: list):
    def source(run: str, have: int) -> dict:
        calls.append((run, have))
        return {"status": "running", "run": run, "charts": [{"x": list(range(have, have + 2))}]}
    return source


def test_a_feed_answers_with_what_its_source_says_for_what_the_browser_holds(client):
    feed, calls = Feed(), []
    feed.serve(counting_source(calls))
    r = client.get(f"/{feed.url}", params={"run": "7", "have": "3"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert r.json() == {"status": "running", "run": "7", "charts": [{"x": [3, 4]}]} and calls == [("7", 3)]


def test_nothing_served_unknown_tokens_and_bad_numbers_get_clear_answers(client):
    feed = Feed()
    assert client.get(f"/{feed.url}").status_code == 204   # not playing
    feed.serve(counting_source([]))
    missing = client.get("/api/live/not-a-token")
    assert missing.status_code == 404 and "reload" in missing.json()["error"]
    for bad in ("x", "-1", "1e9", str(live_feed.MAX_HAVE + 1)):
        r = client.get(f"/{feed.url}", params={"have": bad})
        assert r.status_code == 400 and "have" in r.json()["error"], bad
    assert client.post(f"/{feed.url}").status_code == 405


def test_each_session_has_its_own_unguessable_token_and_a_feed_ends_with_its_session(client):
    a, b = Feed(), Feed()
    a.serve(lambda run, have: {"who": "a"})
    b.serve(lambda run, have: {"who": "b"})
    assert a.token != b.token and len(a.token) >= 32
    assert client.get(f"/{a.url}").json() == {"who": "a"} and client.get(f"/{b.url}").json() == {"who": "b"}
    url = a.url
    del a
    gc.collect()
    assert client.get(f"/{url}").status_code == 404   # the session (its state) is gone: so is its feed
    assert client.get(f"/{b.url}").json() == {"who": "b"}


def test_an_answer_is_strict_json(client):
    feed = Feed()
    feed.serve(lambda run, have: {"v": [1.5, None]})
    assert json.loads(client.get(f"/{feed.url}").text) == {"v": [1.5, None]}


@pytest.mark.parametrize("base", ["fontnet", "/fontnet/", "/a/b"])
def test_under_a_base_path_the_feed_answers_at_the_prefixed_address_only(base):
    # the browser resolves the feed's relative address against the page's base, <base path>/
    client = TestClient(Starlette(routes=live_feed.routes(base)))
    feed = Feed()
    feed.serve(lambda run, have: {"have": have})
    prefix = "/" + base.strip("/")
    assert client.get(f"{prefix}/{feed.url}", params={"have": "4"}).json() == {"have": 4}
    assert client.get(f"/{feed.url}").status_code == 404


def test_a_feed_whose_visitor_has_gone_answers_404_and_trains_nothing(client):
    connected, calls = [True], []
    feed = Feed(alive=lambda: connected[0])
    feed.serve(counting_source(calls))
    assert client.get(f"/{feed.url}", params={"have": "0"}).status_code == 200
    connected[0] = False   # the browser's connection closed (the session itself is kept a while)
    r = client.get(f"/{feed.url}", params={"have": "2"})
    assert r.status_code == 404 and "reload" in r.json()["error"]
    assert calls == [("", 0)]
