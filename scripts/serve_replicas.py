"""N copies of FontNet behind HAProxy on this machine: the topology of deploy/compose and deploy/kubernetes,
without containers.

    bash scripts/serve-replicas N [PORT] [--base-path PATH] [--postgres DIR | --database-url URL]
        N replicas (1-16) behind the proxy on PORT (default 8501); with --base-path the app is served under
        /PATH/ (each replica runs with --server.baseUrlPath PATH), as behind a proxy that serves other things
        beside it. The class database (rooms and answers, fontnet/store.py) that every replica shares:
        --postgres DIR   a local PostgreSQL in DIR started with scripts/postgres (created if new, kept after;
                         the server is stopped when this script stops)
        --database-url URL   a PostgreSQL already running (postgresql+psycopg://user:password@host:port/db)
        neither          the SQLite file in the cache directory, which replicas on one machine can share
        Either way each replica gets FONTNET_DATABASE_URL; the URL in use is printed on start.

It keeps the default model's file (`python -m fontnet prepare`, so the replicas read it rather than all train
it at once), starts N `streamlit run` processes on free loopback ports, waits until each answers
/_stcore/health, then starts HAProxy (Debian's package) on PORT. The proxy
- keeps each visitor on one replica with a cookie (`fontnet_replica=r1`, `r2`, ...), so the WebSocket that
  carries their session goes to the process that served their page; a new visitor goes to the replica with
  the fewest open connections;
- names the replica in every answer (header `X-FontNet-Replica`), for tests and for whoever is debugging;
- checks /_stcore/health every second and sends no one to a replica that failed two checks in a row; a
  visitor whose replica is gone is sent to a live one (`option redispatch`), where Streamlit starts them a
  fresh session (the page says so: app/session_reset.py);
- passes WebSocket upgrades through and keeps an idle WebSocket open for an hour (a long live run);
- with a base path: passes every request under /PATH/ through unchanged (Streamlit expects the prefix),
  sends / to /PATH/, answers 404 for anything else and checks /PATH/_stcore/health (its cookie, Path=/,
  goes with every request under /PATH/).
Every replica gets the same cookie secret (Streamlit signs its XSRF cookie with it: a visitor moved to another
replica can still upload) and the same default-model cache directory. HAProxy's statistics, as CSV, are at
the address printed on start.

Each process it started is stopped by its process id on Ctrl-C or TERM. A replica that dies is reported and
left dead (the proxy routes around it); if the proxy dies, everything is stopped. Bad arguments: one line,
exit 2.
"""

from __future__ import annotations

import ctypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fontnet.store import URL_ENV as STORE_URL_ENV  # noqa: E402
from fontnet.store import default_url  # noqa: E402

USAGE = ("usage: scripts/serve-replicas N [PORT] [--base-path PATH] [--postgres DIR | --database-url URL]  (N "
         "replicas from 1 to 16; the proxy's PORT, default 8501; PATH: serve the app under /PATH/)")
MAX_REPLICAS = 16
DEFAULT_PORT = 8501
COOKIE = "fontnet_replica"
HEADER = "X-FontNet-Replica"
START_TIMEOUT_S = 120
COMPOSE_SLOTS = 10  # the most replicas the Compose proxy will find
BASE_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


class UsageError(ValueError):
    """A bad command-line argument: reported in one line, exit status 2."""


def parse_base_path(raw: str) -> str:
    """A base path such as `fontnet` or `/apps/fontnet/` as Streamlit's `server.baseUrlPath` takes it: its
    segments joined by '/', without leading or trailing slashes; raises UsageError naming the problem."""
    segments = raw.strip("/").split("/")
    if not raw.strip("/") or not all(BASE_SEGMENT.fullmatch(s) and s not in {".", ".."} for s in segments):
        raise UsageError(f"--base-path {raw!r} is not a path of letters, digits, '.', '-' and '_' "
                         "(segments joined by '/')")
    return "/".join(segments)


@dataclass(frozen=True)
class Options:
    """What the command line asked for. `postgres`: a directory for a local PostgreSQL; `database_url`: one
    already running; neither: the SQLite file in the cache directory."""

    replicas: int
    port: int = DEFAULT_PORT
    base_path: str = ""
    postgres: str = ""
    database_url: str = ""


def _take_option(argv: list[str], name: str, example: str) -> str | None:
    """Remove `name VALUE` from argv and return VALUE (None when absent); raises UsageError without a value."""
    if name not in argv:
        return None
    i = argv.index(name)
    if i + 1 >= len(argv) or argv[i + 1].startswith("--") or not argv[i + 1].strip():
        raise UsageError(f"{name} needs a value, such as {name} {example}")
    value = argv[i + 1]
    del argv[i:i + 2]
    if name in argv:
        raise UsageError(f"{name} is given twice")
    return value


def parse_database_url(raw: str) -> str:
    """A PostgreSQL URL as the store takes it; raises UsageError naming the problem (without the password)."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise UsageError("--database-url is not a URL such as postgresql+psycopg://user:password@host:5432/fontnet") \
            from None
    if url.drivername != "postgresql+psycopg" or not url.host or not url.database:
        raise UsageError(f"--database-url must be postgresql+psycopg://user:password@host:port/database, got "
                         f"{url.render_as_string(hide_password=True)!r}")
    return raw


def parse_args(argv: list[str]) -> Options:
    """What `N [PORT] [--base-path PATH] [--postgres DIR | --database-url URL]` asks for; raises UsageError
    naming the problem."""
    argv = list(argv)
    raw_base = _take_option(argv, "--base-path", "fontnet")
    base_path = parse_base_path(raw_base) if raw_base is not None else ""
    postgres = _take_option(argv, "--postgres", "/tmp/fontnet-pg") or ""
    database_url = _take_option(argv, "--database-url", "postgresql+psycopg://user:password@host:5432/fontnet")
    if postgres and database_url is not None:
        raise UsageError("give --postgres DIR or --database-url URL, not both")
    database_url = parse_database_url(database_url) if database_url is not None else ""
    if not 1 <= len(argv) <= 2 or any(a.startswith("-") and not a.lstrip("-").isdigit() for a in argv):
        raise UsageError(USAGE)
    n, port = argv[0], argv[1] if len(argv) == 2 else str(DEFAULT_PORT)
    if not n.isdigit() or not 1 <= int(n) <= MAX_REPLICAS:
        raise UsageError(f"N={n!r} is not a whole number from 1 to {MAX_REPLICAS}")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UsageError(f"PORT={port!r} is not a port number from 1 to 65535")
    return Options(int(n), int(port), base_path, postgres, database_url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def haproxy_config(servers: str, bind: str, stats_bind: str, *, header: str, dynamic_cookie_key: str = "",
                   preamble: str = "", base_path: str = "") -> str:
    """HAProxy's configuration: the `servers` lines behind `bind`, with what the proxy must do for Streamlit.

    One home for the proxy's rules: the loopback replicas here (`local_haproxy_config`) and the Compose file's
    proxy (`compose_haproxy_config`, kept in deploy/compose/haproxy.cfg) differ only in how servers are found.
    With `base_path` the app is served under /`base_path`/ by replicas started with that server.baseUrlPath.
    """
    prefix = f"/{base_path}" if base_path else ""
    cookie = f"cookie {COOKIE} insert indirect nocache httponly attr SameSite=Lax"
    routing = ""
    if base_path:
        routing = f"""
    # the app is served under {prefix}/ and expects the prefix itself (Streamlit's server.baseUrlPath): its
    # pages, {prefix}/_stcore/ (the WebSocket, uploads, health), {prefix}/media/, {prefix}/app/static/ and
    # {prefix}/api/live/ (the live charts' feed) pass through unchanged; anything else is not the app's
    acl app path {prefix}
    acl app path_beg {prefix}/
    http-request redirect location {prefix}/ code 302 if {{ path / }}
    http-request return status 404 content-type text/plain string "Not found: FontNet is at {prefix}/" if !app"""
    if dynamic_cookie_key:  # servers found by DNS have no fixed name: the cookie holds a keyed hash of their address
        cookie += f" dynamic\n    dynamic-cookie-key {dynamic_cookie_key}"
    return f"""{header}
global
    maxconn 4096
{preamble}
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # an upgraded WebSocket (Streamlit's /_stcore/stream) may sit idle through a long live run
    timeout tunnel 1h
    timeout client-fin 10s
    timeout http-request 10s
    # a visitor whose replica is gone is sent to a live one
    option redispatch
    retries 2

frontend fontnet
    bind {bind}{routing}
    default_backend replicas

backend replicas
    # new visitors go to the replica with the fewest open connections (each visitor holds one WebSocket)
    balance leastconn
    # ... and stay there: which replica, in a cookie set on the first answer
    {cookie}
    option httpchk
    http-check send meth GET uri {prefix}/_stcore/health
    http-check expect status 200
    default-server check inter 1s fall 2 rise 2
    http-response set-header {HEADER} %[srv_name]
{servers}

listen stats
    bind {stats_bind}
    stats enable
    stats uri /
"""


def local_haproxy_config(replicas: list[tuple[str, int]], port: int, stats_port: int, base_path: str = "") -> str:
    """For `replicas` ((name, loopback port) pairs) behind 127.0.0.1:`port`: each named in its cookie."""
    return haproxy_config(
        "\n".join(f"    server {name} 127.0.0.1:{p} cookie {name}" for name, p in replicas),
        f"127.0.0.1:{port}", f"127.0.0.1:{stats_port}", base_path=base_path,
        header=f"# Written by scripts/serve-replicas: {len(replicas)} FontNet replicas behind one sticky proxy.")


def compose_haproxy_config() -> str:
    """deploy/compose/haproxy.cfg: up to 10 replicas of the `fontnet` service, found through Docker's DNS."""
    return haproxy_config(
        f"    server-template fontnet {COMPOSE_SLOTS} fontnet:8501 resolvers docker init-addr none",
        "*:8080", "*:8404", dynamic_cookie_key='"${FONTNET_COOKIE_SECRET}"',
        header="# The Compose proxy: FontNet's replicas behind one sticky HAProxy (deploy/compose/compose.yaml).\n"
               "# Generated: python scripts/serve_replicas.py --compose-config > deploy/compose/haproxy.cfg",
        preamble="""
# Docker's embedded DNS lists one address per running replica of the `fontnet` service
resolvers docker
    nameserver dns 127.0.0.11:53
    hold valid 5s
    hold obsolete 5s
""")


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if this script dies without stopping it (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A child in its own session (Ctrl-C reaches only this script, which stops the children in order)."""
    with open(log, "w") as fh:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=_die_with_parent, env=env)


def healthy(url: str) -> bool:
    """Whether the app at `url` (its base address) answers its health check."""
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def stop(procs: list[subprocess.Popen], timeout: float = 10) -> None:
    """TERM each process by its id, then KILL whichever has not exited within `timeout`."""
    for p in procs:
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()


def say(line: str) -> None:
    print(line, flush=True)


def start_postgres(where: str) -> str:
    """Start (or reuse) the local PostgreSQL in `where` with scripts/postgres; its URL. RuntimeError if it fails."""
    out = subprocess.run(["bash", "scripts/postgres", "start", where], cwd=ROOT, capture_output=True, text=True)
    url = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    if out.returncode != 0 or not url.startswith("postgresql"):
        raise RuntimeError((out.stderr.strip().splitlines() or ["scripts/postgres start failed"])[-1])
    return url


def stop_postgres(where: str) -> None:
    subprocess.run(["bash", "scripts/postgres", "stop", where], cwd=ROOT, capture_output=True, check=False)


def shown(url: str) -> str:
    """A database URL as printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def serve(o: Options) -> int:
    n, port, base_path = o.replicas, o.port, o.base_path
    haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if haproxy is None:
        print("haproxy is not installed: run `bash scripts/serve-replicas`, which installs it", file=sys.stderr)
        return 1
    if not port_is_free(port):
        print(f"port {port} is already in use", file=sys.stderr)
        return 2
    logs = Path(os.environ.get("FONTNET_REPLICA_LOGS") or tempfile.mkdtemp(prefix="fontnet-replicas-"))
    logs.mkdir(parents=True, exist_ok=True)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())

    subprocess.run([sys.executable, "-m", "fontnet", "prepare"], cwd=ROOT, check=False)
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    if o.postgres:
        try:
            env[STORE_URL_ENV] = start_postgres(o.postgres)
        except RuntimeError as e:
            print(f"--postgres {o.postgres}: {e}", file=sys.stderr)
            return 2
        say(f"database PostgreSQL in {o.postgres} (stopped on exit) {shown(env[STORE_URL_ENV])}")
    elif o.database_url:
        env[STORE_URL_ENV] = o.database_url
        say(f"database PostgreSQL {shown(o.database_url)}")
    else:  # $FONTNET_DATABASE_URL when set, else the SQLite file in the cache directory
        env[STORE_URL_ENV] = default_url()
        say(f"database {shown(env[STORE_URL_ENV])} (without --postgres DIR or --database-url URL: "
            f"{'$' + STORE_URL_ENV if os.environ.get(STORE_URL_ENV) else 'an SQLite file the replicas on this machine share'})")
    prefix = f"/{base_path}" if base_path else ""
    base_args = ["--server.baseUrlPath", base_path] if base_path else []
    replicas: dict[str, tuple[int, subprocess.Popen]] = {}
    proxy: subprocess.Popen | None = None
    try:
        for i in range(1, n + 1):
            name, rport = f"r{i}", free_port()
            replicas[name] = (rport, start(
                [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
                 "--server.address", "127.0.0.1", "--server.port", str(rport), "--server.fileWatcherType", "none",
                 "--browser.gatherUsageStats", "false", *base_args], logs / f"{name}.log", env))
            say(f"replica {name} pid {replicas[name][1].pid} http://127.0.0.1:{rport} log {logs / f'{name}.log'}")
        waiting = set(replicas)
        deadline = time.monotonic() + START_TIMEOUT_S
        while waiting and not stopping.is_set():
            for name in sorted(waiting):
                rport, proc = replicas[name]
                if proc.poll() is not None:
                    print(f"replica {name} exited with {proc.returncode} while starting; see {logs / f'{name}.log'}",
                          file=sys.stderr)
                    return 1
                if healthy(f"http://127.0.0.1:{rport}{prefix}"):
                    waiting.discard(name)
            if time.monotonic() > deadline:
                print(f"replicas {', '.join(sorted(waiting))} did not answer within {START_TIMEOUT_S} s", file=sys.stderr)
                return 1
            stopping.wait(0.2)
        if stopping.is_set():
            return 0

        stats_port = free_port()
        cfg = logs / "haproxy.cfg"
        cfg.write_text(local_haproxy_config([(name, rport) for name, (rport, _) in replicas.items()], port, stats_port,
                                            base_path))
        proxy = start([haproxy, "-db", "-f", str(cfg)], logs / "haproxy.log")
        while not stopping.is_set() and not healthy(f"http://127.0.0.1:{port}{prefix}"):
            if proxy.poll() is not None:
                print(f"haproxy exited with {proxy.returncode}; see {logs / 'haproxy.log'}", file=sys.stderr)
                return 1
            stopping.wait(0.1)
        say(f"proxy pid {proxy.pid} http://127.0.0.1:{port} statistics http://127.0.0.1:{stats_port}/;csv")
        say(f"ready: {n} replica{'s' if n > 1 else ''} at http://127.0.0.1:{port}{prefix}/ (Ctrl-C stops them all)")

        reported: set[str] = set()
        while not stopping.wait(0.5):
            if proxy.poll() is not None:
                print(f"haproxy exited with {proxy.returncode}; stopping the replicas", file=sys.stderr)
                return 1
            for name, (_, proc) in replicas.items():
                if proc.poll() is not None and name not in reported:
                    reported.add(name)
                    say(f"replica {name} (pid {proc.pid}) exited with {proc.returncode}; the proxy routes around it")
        return 0
    finally:
        stop(([proxy] if proxy else []) + [proc for _, proc in replicas.values()])
        if o.postgres:
            stop_postgres(o.postgres)
        say("stopped")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if argv == ["--compose-config"]:
        print(compose_haproxy_config(), end="")
        return 0
    try:
        options = parse_args(argv)
    except UsageError as e:
        print(e, file=sys.stderr)
        return 2
    return serve(options)


if __name__ == "__main__":
    sys.exit(main())
