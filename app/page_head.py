"""A page's HTML is told where the server is, so a first visit to a page's address connects at once.

Streamlit's page cannot tell from its address alone whether `/train` is the app's Train page or an app served
under the base path `/train`, so before it connects it asks both, in that order: `/train/_stcore/health` (a 404
here) and then, after a fixed 100 ms retry delay, `/_stcore/health` (Streamlit's known behaviour,
streamlit/streamlit#7074). Every first visit to a page other than Predict paid that delay, about a tenth of a
bare Streamlit page's whole first visit. The server does know: it serves the app at its base path
(`server.baseUrlPath`, which a proxy in front must pass through unchanged, docs/serving.md). So the page gets a
small script, first in its head, that sets Streamlit's embedding configuration
`window.__streamlit.BACKEND_BASE_URL` to the page's origin and that base path, and the page asks the base path
first, which answers. Streamlit reads that setting only to choose the addresses it probes (and, with a host's
configuration, which this app never sets, for its embedding handshake). The script sets it only when the address
the browser shows is the one the server answered (a proxy that strips a prefix would make them differ, and then
the page probes as before), and never over a configuration a host page set.

Only the app's HTML at the base path or one level below it (a page: `/`, `/train`, `/fontnet/teach`) is changed,
and only when its path is plain letters, digits, `-` and `_`, so nothing from the address reaches the page
unchecked; the body is asked for uncompressed (it is a few kilobytes) and its length corrected.

The head also gets one style rule, hiding the app's invisible components (the first-paint, keyboard and
session checks each run mounts above the page; a fourth, the Teach page's class seat cookie, sits in its class
box): their own style sheets hide them too, but only once each component's code has arrived, and until then each
left a gap above the page, so a first visit's title and main control were drawn 48 px lower and then jumped up,
on about one visit in two (`python -m bench first-visit`).

An earlier version also named the code of each page's first-run elements (`<link rel="modulepreload">`); in full
test runs a page then sometimes never drew its elements, so it names none (docs/measurements.md).
"""

from __future__ import annotations

import json
import re

PAGE_PATH = re.compile(r"^(/[A-Za-z0-9_-]+)?/?$")
# the keys of the app's components that draw nothing (app/first_paint.py, app/access.py, app/session_reset.py,
# and the class seat's cookie on Teach, app/classroom.py)
HIDDEN_KEYS = ("fontnet_first_paint", "fontnet_access", "fontnet_session_check", "fontnet_seat_cookie")
STYLE = "<style>" + ",".join(f".st-key-{key}" for key in HIDDEN_KEYS) + "{display:none}</style>"
SCRIPT = ("<script>(function(){{var p=location.pathname.replace(/\\/+$/,'')||'/';"
          "if(p==={served}&&!window.__streamlit)window.__streamlit={{BACKEND_BASE_URL:location.origin+{base}}};"
          "}})()</script>")


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


def head_script(served_path: str, base_path: str | None) -> bytes | None:
    """For the page the server answered at `served_path`: the script that goes first in its head (it must run
    before Streamlit's code), and the style rule; None where the path is not one of the app's pages."""
    if page_of(served_path, base_path) is None:
        return None
    served = served_path.rstrip("/") or "/"
    return (SCRIPT.format(served=json.dumps(served), base=json.dumps(base_of(base_path) or "/")) + STYLE).encode()


class PageHead:
    """ASGI middleware: `PageHead(app, base_path)` puts `head_script` first in the app's HTML at a page's address."""

    def __init__(self, app, base_path: str | None = None) -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope, receive, send) -> None:
        script = (head_script(scope.get("path", ""), self.base_path)
                  if scope["type"] == "http" and scope.get("method") == "GET" else None)
        if script is None:
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
                if start is not None:   # any other kind of answer: the held start first, then it, unchanged
                    await send(start)
                    start = None
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = list(start.get("headers", []))
            html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            plain = not any(k.lower() == b"content-encoding" for k, _ in headers)
            if start["status"] == 200 and html and plain and b"<head>" in body:
                body = body.replace(b"<head>", b"<head>" + script, 1)
                # the stored file's validators no longer describe this body
                drop = {b"content-length", b"etag", b"last-modified"}
                headers = [(k, v) for k, v in headers if k.lower() not in drop]
                headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
