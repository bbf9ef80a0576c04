"""What a page's HTML is given before Streamlit's own code: where the server is, and the code its first run needs.

**Where the server is.** Streamlit's page cannot tell from its address alone whether `/train` is the app's Train
page or an app served under the base path `/train`, so before it connects it asks both, in that order:
`/train/_stcore/health` (a 404 here) and then, after a fixed 100 ms retry delay, `/_stcore/health` (Streamlit's
known behaviour, streamlit/streamlit#7074). Every first visit to a page other than Predict paid that delay, about
an eighth of a bare Streamlit page's whole first visit. The server does know: it serves the app at its base path
(`server.baseUrlPath`, which a proxy in front must pass through unchanged, docs/serving.md). So the page gets a
small script that sets Streamlit's embedding configuration `window.__streamlit.BACKEND_BASE_URL` to the page's
origin and that base path, and the page asks the base path first, which answers. The script sets it only when the
address the browser shows is the one the server answered (a proxy that strips a prefix would make them differ,
and then the page probes as before), and never over a configuration a host page set.

**The code its first run needs.** Streamlit's page fetches the code for a kind of element (a number box, a colour
picker, a component) when the first one arrives, module after module (a number box is 21 small modules), while
the script run's elements wait. A first visit's first run is light (app/first_paint.py): it draws a bare page's
kinds (title, words, buttons), the app's components and its main control's kind, and `LIGHT_RUN_KINDS` says which
for each page (tests/test_first_paint.py checks it against the pages). So the page's HTML names those kinds'
modules, `<link rel="modulepreload">` each, as Streamlit's own page does for its main code, and the browser
fetches them while the server runs the script. The modules are read from Streamlit's own files (a kind's module
and everything it imports, less what Streamlit's page preloads already); a kind this Streamlit does not have is
not named, and the page fetches what it needs as before.

Only the app's HTML at the base path or one level below it (a page: `/`, `/train`, `/fontnet/teach`) is changed,
and only when its path is plain letters, digits, `-` and `_`, so nothing from the address reaches the page
unchecked; the body is asked for uncompressed (it is a few kilobytes) and its length corrected.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

PAGE_PATH = re.compile(r"^(/[A-Za-z0-9_-]+)?/?$")
SCRIPT = ("<script>(function(){{var p=location.pathname.replace(/\\/+$/,'')||'/';"
          "if(p==={served}&&!window.__streamlit)window.__streamlit={{BACKEND_BASE_URL:location.origin+{base}}};"
          "}})()</script>")

# Each page (its address below the base path) -> the kinds of element its first script run draws beyond a bare
# page's title, words and buttons and the app's components (EVERY_PAGE).
LIGHT_RUN_KINDS: dict[str, tuple[str, ...]] = {
    "": ("color_picker",),          # Predict: the colour is the question
    "teach": ("html",),             # the colour to judge, drawn as HTML
    "class": ("radio", "checkbox"),  # joining or opening a room (the page is drawn whole at once)
    "train": (),
    "tune": ("number_input",),      # its first weight
    "backprop": ("color_picker",),  # the sample's colour
    "activations": ("slider",),
    "digits": (),
}
EVERY_PAGE = ("component", "button")   # streamlit_app.py's components (app/access.py, first_paint, session_reset)
MODULES = {   # a kind -> its module in Streamlit's page code (static/static/js/<module>.<hash>.js)
    "component": "BidiComponent", "button": "Button", "color_picker": "ColorPicker", "number_input": "NumberInput",
    "slider": "Slider", "radio": "Radio", "checkbox": "Checkbox", "html": "rehype-raw",
}
IMPORTS = re.compile(r'(?:\bfrom|\bimport)\s*"\./([\w.-]+\.js)"')   # static imports only, not import("...")


def base_of(base_path: str | None) -> str:
    """'/fontnet' for the base path 'fontnet' (or '/fontnet/'), '' for none."""
    base = (base_path or "").strip("/")
    return f"/{base}" if base else ""


def page_of(served_path: str, base_path: str | None) -> str | None:
    """The page's address below the base path ('' for the base itself), or None where `served_path` is not one
    (outside the base path, deeper, a file, or not plain enough to write into the page)."""
    base = base_of(base_path)
    if not (served_path == base or served_path.startswith(base + "/")):
        return None
    rest = served_path[len(base):]
    return rest.strip("/") if PAGE_PATH.match(rest) else None


@functools.cache
def static_js() -> Path:
    from streamlit import file_util

    return Path(file_util.get_static_dir()) / "static" / "js"


@functools.cache
def modules_for(kinds: tuple[str, ...], js: Path | None = None) -> tuple[str, ...]:
    """The file names of the modules `kinds` need, found in Streamlit's page code `js` (a kind's module and, over
    and over, what it imports), less those Streamlit's index.html preloads already; sorted."""
    js = js or static_js()
    try:
        files = {p.name: p for p in js.glob("*.js")}
        preloaded = set(re.findall(r'/js/([\w.-]+\.js)"', (js.parent.parent / "index.html").read_text("utf-8")))
    except OSError:
        return ()
    seen: set[str] = set()
    todo = [name for kind in kinds for name in files if name.startswith(MODULES.get(kind, "\0") + ".")]
    while todo:
        name = todo.pop()
        if name in seen or name not in files:
            continue
        seen.add(name)
        try:
            todo += IMPORTS.findall(files[name].read_text("utf-8"))
        except OSError:
            continue
    return tuple(sorted(seen - preloaded))


def page_kinds(page: str) -> tuple[str, ...]:
    return tuple(sorted({*EVERY_PAGE, *LIGHT_RUN_KINDS.get(page, ())}))


def find_modules() -> int:
    """Find every page's modules now (the server does this as it starts, so a first visit does not wait while
    Streamlit's files are read); returns how many modules are named in all."""
    return sum(len(modules_for(page_kinds(page))) for page in LIGHT_RUN_KINDS)


def head_html(served_path: str, base_path: str | None) -> tuple[bytes, bytes] | None:
    """For the page the server answered at `served_path`: what goes first in its head (the base-path script, which
    must run before Streamlit's code) and what goes last (its first run's modules, named after Streamlit's own, so
    that the browser fetches Streamlit's main code first); None where the path is not one of the app's pages."""
    page = page_of(served_path, base_path)
    if page is None:
        return None
    base = base_of(base_path)
    served = served_path.rstrip("/") or "/"
    first = SCRIPT.format(served=json.dumps(served), base=json.dumps(base or "/"))
    last = "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">'
                   for name in modules_for(page_kinds(page)))
    return first.encode(), last.encode()


class PageHead:
    """ASGI middleware: `PageHead(app, base_path)` puts `head_html` in the app's HTML at a page's address."""

    def __init__(self, app, base_path: str | None = None) -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope, receive, send) -> None:
        head = (head_html(scope.get("path", ""), self.base_path)
                if scope["type"] == "http" and scope.get("method") == "GET" else None)
        if head is None:
            await self.app(scope, receive, send)
            return
        scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"])
        start: dict | None = None
        chunks: list[bytes] = []

        async def rewrite(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = list(start.get("headers", []))
            html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            plain = not any(k.lower() == b"content-encoding" for k, _ in headers)
            if start["status"] == 200 and html and plain and b"<head>" in body and b"</head>" in body:
                first, last = head
                body = body.replace(b"<head>", b"<head>" + first, 1).replace(b"</head>", last + b"</head>", 1)
                # the stored file's validators no longer describe this body
                drop = {b"content-length", b"etag", b"last-modified"}
                headers = [(k, v) for k, v in headers if k.lower() not in drop]
                headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
