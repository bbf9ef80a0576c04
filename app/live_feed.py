"""Live updates outside Streamlit's script runs: while a run plays, its mounted chart panel polls a feed.

A page run hands the panel a `Feed` (kept in the visitor's `st.session_state`) and tells it what to serve.
The browser then asks `GET /api/live/<token>?run=<run id>&have=<points it holds>` about eight times a second.
Each answer trains the next chunk and returns only the points the browser lacks, with the progress bar's
numbers; when the run stops the browser stops asking and reruns the page, which draws everything whole.

So a live update costs one small HTTP request and the chunk's own work, not a Streamlit script run (which
re-sends the page's elements and costs the server about ten times as much). The token is random and only the
visitor's own page is given it; the registry holds feeds weakly, so a feed ends with its session. A feed
also knows whether its visitor is still there (`alive`: their session's connection is open): once they have
gone, its token answers 404 and trains nothing, even while Streamlit keeps the closed session for a while
(`server.disconnectedSessionTTL`, see app/server.py). Nothing here imports Streamlit's script-run API:
`streamlit_app.py` mounts `routes(base_path)` on the server.

Under a base path (`--server.baseUrlPath fontnet`) the browser asks `/fontnet/api/live/<token>`: the page
resolves the feed's relative address against its base. `st.App` mounts an app's own routes exactly as given
(only Streamlit's own routes get the prefix), so the route carries the base path itself; without it the
request would fall through to Streamlit's page, a 200 with HTML instead of the feed.
"""

from __future__ import annotations

import json
import secrets
import threading
import weakref
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "api/live"
MAX_HAVE = 10_000_000
_feeds: weakref.WeakValueDictionary[str, Feed] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()

# source(run, have) -> the answer: {"status", "progress", "charts", ...}; `run` and `have` are what the browser
# holds (the run id of its charts and how many points), so the answer carries what it lacks.
Source = Callable[[str, int], dict]


class Feed:
    """One visitor's live panel: a random token, and what it serves (set again on every page run). `alive()`
    says whether the visitor is still connected (None: always)."""

    def __init__(self, alive: Callable[[], bool] | None = None) -> None:
        self.token = secrets.token_urlsafe(24)
        self.alive = alive
        self._source: Source | None = None
        with _registry_lock:
            _feeds[self.token] = self

    @property
    def url(self) -> str:
        """Relative to the app's base URL, as the browser resolves it."""
        return f"{PATH}/{self.token}"

    def serve(self, source: Source | None) -> None:
        self._source = source

    def poll(self, run: str, have: int) -> dict | None:
        """The answer for a browser holding `have` points of run `run`; None when nothing is served."""
        source = self._source
        return None if source is None else source(run, have)


def find(token: str) -> Feed | None:
    with _registry_lock:
        return _feeds.get(token)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":"), allow_nan=False), status_code=status,
                    media_type="application/json", headers={"Cache-Control": "no-store"})


def live_endpoint(request: Request) -> Response:
    """GET <base path>/api/live/<token>?run=&have=: the next live update of the panel holding that token.

    404 for a token this process does not hold (a closed session, or another replica's) or whose visitor has
    gone (their connection closed: nothing more is trained for them), 400 for a malformed
    `have`, 204 when the panel has nothing to serve (its run is not playing). Runs in Starlette's thread pool:
    the chunk trains without the interpreter lock.
    """
    feed = find(request.path_params["token"])
    if feed is None or (feed.alive is not None and not feed.alive()):
        return _json({"error": "no such live panel here: reload the page"}, 404)
    try:
        have = int(request.query_params.get("have", "0"))
    except ValueError:
        return _json({"error": "have must be a whole number"}, 400)
    if not 0 <= have <= MAX_HAVE:
        return _json({"error": "have is out of range"}, 400)
    body = feed.poll(request.query_params.get("run", "")[:80], have)
    if body is None:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    return _json(body)


def routes(base_path: str = "") -> list[Route]:
    """The feed's route under the server's base path (`server.baseUrlPath`, slashes optional)."""
    base = base_path.strip("/")
    return [Route(f"{'/' + base if base else ''}/{PATH}/{{token}}", live_endpoint, methods=["GET"])]
