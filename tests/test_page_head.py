"""A page's HTML is told the server's base path and names the code its first run needs (app/page_head.py), so a
first visit to /train connects without first asking /train/_stcore/health and fetches its controls' code while
the server runs the page; nothing else the server sends changes."""

import gzip
import json
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from app.page_head import (
    EVERY_PAGE,
    LIGHT_RUN_KINDS,
    MODULES,
    PageHead,
    base_of,
    find_modules,
    head_html,
    modules_for,
    static_js,
)

HTML = "<!DOCTYPE html><html><head><title>Streamlit</title></head><body>" + "x" * 2000 + "</body></html>"


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
def test_a_pages_address_gets_the_script_with_the_servers_base_first(path, base_path, want):
    first, last = head_html(path, base_path)
    assert first.startswith(b"<script>") and first.endswith(b"</script>") and b"<script" not in last
    assert _values(first) == want


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
    assert head_html(path, base_path) is None


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


def test_the_page_html_carries_the_script_first_in_its_head_and_the_modules_last_with_a_true_length():
    r = _client().get("/train", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.text.startswith("<!DOCTYPE html><html><head><script>")
    head = r.text[:r.text.index("</head>")]
    assert head.index("<title>") < head.index('<link rel="modulepreload"') and head.endswith("\">")
    assert _values(r.content) == ("/train", "/")
    assert r.text.count("<script>") == 1 and r.text.endswith(HTML[HTML.index("</head>"):])
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
    compressed = client.get("/train", headers={"Accept-Encoding": "gzip"})
    assert "<script>" in compressed.text


def test_a_page_answered_compressed_elsewhere_is_left_alone():
    """Should an answer arrive compressed all the same (a server that ignores the request's encoding), its bytes
    are not searched or changed."""
    async def page(request):
        body = gzip.compress(HTML.encode())
        return Response(body, media_type="text/html", headers={"Content-Encoding": "gzip"})

    client = TestClient(Starlette(routes=[Route("/{name}", page)], middleware=[Middleware(PageHead, base_path="")]))
    r = client.get("/train")
    assert r.text == HTML and "<script>" not in r.text


def _preloads(html: bytes) -> list[str]:
    return re.findall(rb'<link rel="modulepreload" crossorigin href="\./static/js/([\w.-]+)">', html)


def test_each_page_names_its_first_runs_modules_from_streamlits_own_files():
    js = static_js()
    index = (js.parent.parent / "index.html").read_text()
    tune = [n.decode() for n in _preloads(head_html("/tune", "")[1])]
    train = [n.decode() for n in _preloads(head_html("/train", "")[1])]
    predict = [n.decode() for n in _preloads(head_html("/", "")[1])]
    assert any(n.startswith("NumberInput.") for n in tune) and any(n.startswith("Input.") for n in tune)
    assert any(n.startswith("ColorPicker.") for n in predict)
    for names in (tune, train, predict):
        assert any(n.startswith("BidiComponent.") for n in names)   # the app's components, on every page
        assert all((js / n).is_file() and f"/js/{n}\"" not in index for n in names)   # real, and not twice
    assert not any(n.startswith(("NumberInput.", "ColorPicker.")) for n in train)
    assert set(train) < set(tune)
    # every kind a page names is one this Streamlit has a module for
    assert {k for kinds in LIGHT_RUN_KINDS.values() for k in kinds} <= set(MODULES)
    assert all(modules_for((kind,)) for kind in MODULES)


def test_the_modules_are_what_a_kind_imports_over_and_over_less_what_streamlit_preloads(tmp_path):
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (tmp_path / "index.html").write_text('<link rel="modulepreload" crossorigin href="./static/js/shared.A1.js">')
    (js / "Slider.X1.js").write_text('import{a}from"./helper.B2.js";import"./side.C3.js";const l=()=>import("./lazy.D4.js")')
    (js / "helper.B2.js").write_text('import{b}from "./shared.A1.js";import{c}from"./deep.E5.js"')
    for name in ("side.C3.js", "lazy.D4.js", "shared.A1.js", "deep.E5.js", "SliderThing.F6.js"):
        (js / name).write_text("export const x=1")
    assert modules_for(("slider",), js) == ("Slider.X1.js", "deep.E5.js", "helper.B2.js", "side.C3.js")
    assert modules_for(("no_such_kind",), js) == ()
    assert modules_for(("slider",), tmp_path / "elsewhere" / "js") == ()   # no such files: nothing named


def test_the_pages_named_are_the_apps_pages():
    app = (Path(__file__).parents[1] / "streamlit_app.py").read_text()
    assert set(LIGHT_RUN_KINDS) == {"", *re.findall(r'url_path="([\w-]+)"', app)}


def test_the_server_finds_every_pages_modules_as_it_starts():
    modules_for.cache_clear()
    assert find_modules() > 0
    info = modules_for.cache_info()
    assert info.currsize == len({tuple(sorted({*EVERY_PAGE, *k})) for k in LIGHT_RUN_KINDS.values()})
    head_html("/tune", "")   # a visit then reads nothing
    assert modules_for.cache_info().misses == info.misses
