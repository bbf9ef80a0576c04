"""A page's HTML is told the server's base path (app/page_head.py), so a first visit to /train connects without
first asking /train/_stcore/health; nothing else the server sends changes."""

import gzip
import json
import re

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from app.page_head import PageHead, base_of, head_script

HTML = ("<!DOCTYPE html><html><head><title>Streamlit</title>"
        '<link rel="modulepreload" crossorigin href="./static/js/index.js"></head><body>' + "x" * 2000 + "</body></html>")


def _values(script: bytes) -> tuple[str, str]:
    """(the address the script expects, the base it sets) from the script's text."""
    served, base = re.search(rb"p===(\"[^\"]*\")&&.*location\.origin\+(\"[^\"]*\")", script).groups()
    return json.loads(served), json.loads(base)


@pytest.mark.parametrize("path,base_path,want", [
    ("/", "", ("/", "/")),
    ("/train", "", ("/train", "/")),
    ("/train/", None, ("/train", "/")),
    ("/fontnet", "fontnet", ("/fontnet", "/fontnet")),
    ("/fontnet/", "/fontnet/", ("/fontnet", "/fontnet")),
    ("/fontnet/teach", "fontnet", ("/fontnet/teach", "/fontnet")),
])
def test_a_pages_address_gets_the_script_with_the_servers_base(path, base_path, want):
    script = head_script(path, base_path)
    assert script.startswith(b"<script>") and script.endswith(b"</style>") and script.count(b"<script") == 1
    assert _values(script) == want


@pytest.mark.parametrize("path,base_path", [
    ("/_stcore/health", ""),           # Streamlit's own routes and files
    ("/static/js/index.js", ""),
    ("/favicon.png", ""),
    ("/component/x/index.html", ""),
    ("/train/_stcore/health", ""),
    ("/train", "fontnet"),             # outside the base path
    ("/fontnetx/train", "fontnet"),
    ("/</script><script>alert(1)", ""),  # decoded from %3C...: nothing typed reaches the script
    ('/a"b', ""),
    ("/tr ain", ""),
])
def test_nothing_else_gets_it(path, base_path):
    assert head_script(path, base_path) is None


def test_base_of():
    assert base_of(None) == base_of("") == base_of("/") == ""
    assert base_of("fontnet") == base_of("/fontnet/") == "/fontnet"


def _client(base_path: str = "", gzip_inside: bool = True) -> TestClient:
    async def page(request):
        return HTMLResponse(HTML, headers={"ETag": '"abc"', "Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT",
                                           "Cache-Control": "no-cache"})

    async def missing(request):
        return Response("not here", status_code=404, media_type="text/html")

    async def data(request):
        return JSONResponse({"head": "<head>"})

    prefix = base_of(base_path)
    routes = [Route(prefix + "/", page), Route(prefix + "/{name}", page), Route(prefix + "/{name}/_stcore/health", missing),
              Route(prefix + "/api/data", data)] if prefix else [
        Route("/", page), Route("/api/data", data), Route("/{name}/_stcore/health", missing), Route("/{name}", page)]
    inner = [Middleware(GZipMiddleware, minimum_size=10)] if gzip_inside else []
    return TestClient(Starlette(routes=routes,
                                middleware=[Middleware(PageHead, base_path=base_path), *inner]))


def test_the_page_html_carries_the_script_first_in_its_head_with_a_true_length():
    r = _client().get("/train", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.text.startswith("<!DOCTYPE html><html><head><script>")
    assert _values(r.content) == ("/train", "/")
    # the rest is the page as it was, its own module list included: nothing more is named
    assert r.text.count("<script>") == 1 and r.text.endswith(HTML[HTML.index("<title>"):])
    assert r.text.count("modulepreload") == 1
    assert int(r.headers["content-length"]) == len(r.content)
    assert "content-encoding" not in r.headers   # asked for plain, so it could be read and changed
    # the file's validators described the file, not this page's body
    assert "etag" not in r.headers and "last-modified" not in r.headers
    assert r.headers["cache-control"] == "no-cache"


def test_under_a_base_path_the_script_sets_it():
    r = _client("fontnet").get("/fontnet/backprop")
    assert _values(r.content) == ("/fontnet/backprop", "/fontnet")


def test_other_answers_pass_unchanged():
    client = _client()
    gz = client.get("/api/data", headers={"Accept-Encoding": "gzip"})
    assert gz.json() == {"head": "<head>"}
    miss = client.get("/train/_stcore/health")
    assert miss.status_code == 404 and miss.text == "not here"
    head = client.head("/train")   # only GET is changed; HEAD is the inner answer, validators and all
    assert head.status_code == 200 and head.headers["etag"] == '"abc"'


def test_a_page_answered_compressed_elsewhere_is_left_alone():
    """Should an answer arrive compressed all the same (a server that ignores the request's encoding), its bytes
    are not searched or changed."""
    async def page(request):
        body = gzip.compress(HTML.encode())
        return Response(body, media_type="text/html", headers={"Content-Encoding": "gzip"})

    client = TestClient(Starlette(routes=[Route("/{name}", page)], middleware=[Middleware(PageHead, base_path="")]))
    r = client.get("/train")
    assert r.text == HTML and "<script>" not in r.text


def test_a_file_sent_whole_by_path_still_gets_its_start():
    """An answer that is not a body message (an ASGI server's path-send extension) passes with its start."""
    sent: list[dict] = []

    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.pathsend", "path": "/tmp/index.html"})

    async def collect(message):
        sent.append(message)

    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    call = PageHead(inner, "")({"type": "http", "method": "GET", "path": "/train", "headers": []}, None, collect)
    with ThreadPoolExecutor(1) as pool:   # its own thread: a browser test's event loop may be running in this one
        pool.submit(asyncio.run, call).result()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]


def test_the_head_hides_the_apps_invisible_components_before_their_code_arrives():
    """Each run mounts three components that draw nothing, and Teach a fourth in its class box; the head's rule
    hides their containers from the first frame (their own style sheets come with their code, and until then each
    left a gap above the page)."""
    from app import access, classroom, first_paint, session_reset

    r = _client().get("/train")
    style = re.search(r"<style>(.*?)\{display:none\}</style>", r.text).group(1)
    assert sorted(style.split(",")) == sorted(f".st-key-{k}" for k in (first_paint.KEY, access.KEY,
                                                                       session_reset.CHECK_KEY, classroom.COOKIE_KEY))
    assert r.text.index("<style>") < r.text.index("<title>")   # in the head, before anything is drawn
    assert _client().get("/_stcore/health").text.count("<style>") == 0
