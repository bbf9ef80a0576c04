"""Tell a page's HTML where the server is, so a visit to a page's own address connects at once.

Streamlit's page cannot tell from its address alone whether `/train` is the app's Train page or an app served
under the base path `/train`, so before it connects it asks both, in that order: `/train/_stcore/health`
(a 404 here) and then, after a fixed 100 ms retry delay, `/_stcore/health` (Streamlit's known behaviour,
streamlit/streamlit#7074). Every first visit to a page other than Predict paid that delay: about an eighth
of a bare Streamlit page's whole first visit.

The server does know: it serves the app at its base path (`server.baseUrlPath`, which a proxy in front must
pass through unchanged, docs/serving.md). So `PageBase` adds one small script to the page's HTML, before
Streamlit's own, that sets Streamlit's embedding configuration `window.__streamlit.BACKEND_BASE_URL` to the
page's origin and that base path; the page then asks the base path first, which answers. The script sets it
only when the address the browser shows is the one the server answered (a proxy that strips a prefix would
make them differ, and then the page probes as before), and never over a configuration a host page set.

Only the app's HTML at the base path or one level below it (a page: `/`, `/train`, `/fontnet/teach`) is
changed, and only when its path is plain letters, digits, `-` and `_`, so nothing from the address reaches
the script unchecked; the body is asked for uncompressed (it is a few kilobytes) and its length corrected.
"""

from __future__ import annotations

import json
import re

PAGE_PATH = re.compile(r"^(/[A-Za-z0-9_-]+)?/?$")
SCRIPT = ("<script>(function(){{var p=location.pathname.replace(/\\/+$/,'')||'/';"
          "if(p==={served}&&!window.__streamlit)window.__streamlit={{BACKEND_BASE_URL:location.origin+{base}}};"
          "}})()</script>")


def base_of(base_path: str | None) -> str:
    """'/fontnet' for the base path 'fontnet' (or '/fontnet/'), '' for none."""
    base = (base_path or "").strip("/")
    return f"/{base}" if base else ""


def page_script(served_path: str, base_path: str | None) -> bytes | None:
    """The script for the page the server answered at `served_path`, or None where the path is not one of the
    app's pages under `base_path` (or not plain enough to write into a script)."""
    base = base_of(base_path)
    if not (served_path == base or served_path.startswith(base + "/")):
        return None
    if not PAGE_PATH.match(served_path[len(base):]):
        return None
    served = served_path.rstrip("/") or "/"
    return SCRIPT.format(served=json.dumps(served), base=json.dumps(base or "/")).encode()


class PageBase:
    """ASGI middleware: `PageBase(app, base_path)` adds `page_script` to the app's HTML at a page's address."""

    def __init__(self, app, base_path: str | None = None) -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope, receive, send) -> None:
        script = (page_script(scope.get("path", ""), self.base_path)
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
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", [])]
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
