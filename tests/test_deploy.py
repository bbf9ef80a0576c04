"""The ways to serve many visitors (deploy/, scripts/serve-replicas): manifests that parse and hold together,
HAProxy configurations that HAProxy accepts, and the script's command line.

Docker and Kubernetes do not run where these tests run; the browser tests run the same topology through
scripts/serve-replicas (tests/browser/test_replicas.py).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import jsonpatch
import pytest
import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HEALTH = "/_stcore/health"


def _load_script():
    spec = importlib.util.spec_from_file_location("serve_replicas", ROOT / "scripts" / "serve_replicas.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


serve_replicas = _load_script()


def haproxy_check(config: str, tmp_path: Path) -> subprocess.CompletedProcess:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    assert os.access(haproxy, os.X_OK), "haproxy is missing: bash scripts/test installs it"
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(config)
    return subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "FONTNET_COOKIE_SECRET": "0123456789abcdef"})


def directives(config: str, section: str) -> list[str]:
    """The lines of one section (`backend replicas`, ...) without comments."""
    lines, inside = [], False
    for line in config.splitlines():
        if line and not line[0].isspace():
            inside = line.strip() == section
        elif inside and line.strip() and not line.strip().startswith("#"):
            lines.append(" ".join(line.split()))
    return lines


# ---- HAProxy ---------------------------------------------------------------------------------------
def local_config(base_path: str = "") -> str:
    return serve_replicas.local_haproxy_config([("r1", 40001), ("r2", 40002)], 18501, 18502, base_path)


@pytest.mark.parametrize("name", ["local", "compose", "base path"])
def test_haproxy_accepts_the_configuration(name, tmp_path):
    config = {"local": local_config, "base path": lambda: local_config("fontnet"),
              "compose": (DEPLOY / "compose" / "haproxy.cfg").read_text}[name]()
    out = haproxy_check(config, tmp_path)
    assert out.returncode == 0 and "Configuration file is valid" in out.stdout, out.stderr


def test_the_compose_proxy_is_the_generated_one():
    # one home for the proxy's rules: regenerate with `python scripts/serve_replicas.py --compose-config`
    assert (DEPLOY / "compose" / "haproxy.cfg").read_text() == serve_replicas.compose_haproxy_config()


@pytest.mark.parametrize("name", ["local", "compose"])
def test_the_proxy_is_sticky_checks_health_and_keeps_websockets_open(name):
    config = local_config() if name == "local" else serve_replicas.compose_haproxy_config()
    backend = directives(config, "backend replicas")
    defaults = directives(config, "defaults")
    assert any(re.match(r"cookie fontnet_replica insert indirect nocache\b", d) for d in backend)
    assert "http-check send meth GET uri /_stcore/health" in backend and "http-check expect status 200" in backend
    assert any(d.startswith("default-server check ") for d in backend)
    assert "http-response set-header X-FontNet-Replica %[srv_name]" in backend
    assert "option redispatch" in defaults and "timeout tunnel 1h" in defaults
    servers = [d for d in backend if d.startswith(("server ", "server-template "))]
    if name == "local":  # each replica named in its own cookie
        assert servers == ["server r1 127.0.0.1:40001 cookie r1", "server r2 127.0.0.1:40002 cookie r2"]
    else:  # found through Docker's DNS, the cookie a keyed hash of the address
        assert servers == ["server-template fontnet 10 fontnet:8501 resolvers docker init-addr none"]
        assert any(d.endswith(" dynamic") for d in backend if d.startswith("cookie "))
    assert not any(d.startswith(("acl ", "http-request ")) for d in directives(config, "frontend fontnet"))


def test_under_a_base_path_the_proxy_passes_the_prefix_through_and_checks_health_there():
    config = local_config("fontnet")
    frontend, backend = directives(config, "frontend fontnet"), directives(config, "backend replicas")
    # everything under /fontnet/ reaches the replicas unchanged (no path rewriting: Streamlit expects the prefix)
    assert frontend[-1] == "default_backend replicas"
    assert ["acl app path /fontnet", "acl app path_beg /fontnet/"] == [d for d in frontend if d.startswith("acl ")]
    assert not any(word in config for word in ("replace-path", "set-path", "replace-uri", "set-uri"))
    assert "http-request redirect location /fontnet/ code 302 if { path / }" in frontend
    assert any(d.startswith("http-request return status 404 ") and d.endswith(" if !app") for d in frontend)
    assert "http-check send meth GET uri /fontnet/_stcore/health" in backend


# ---- Compose ---------------------------------------------------------------------------------------
def test_compose_runs_replicas_of_the_image_behind_the_proxy():
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    app, proxy = compose["services"]["fontnet"], compose["services"]["proxy"]
    assert (DEPLOY / "compose" / app["build"]["context"] / "Dockerfile").resolve() == ROOT / "Dockerfile"
    assert app["deploy"]["replicas"] >= 2 and "ports" not in app  # reached only through the proxy
    assert app["expose"] == ["8501"]
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]  # one secret for every replica
    healthcheck = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if HEALTH in line)
    assert "'http://localhost:8501' + ('/' + base if base else '') + '/_stcore/health'" in healthcheck
    assert "base = os.environ.get('STREAMLIT_SERVER_BASE_URL_PATH', '').strip('/')" in healthcheck
    assert proxy["image"].startswith("haproxy:")
    assert proxy["depends_on"]["fontnet"]["condition"] == "service_healthy"
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy["volumes"]
    assert "FONTNET_COOKIE_SECRET" in proxy["environment"]  # the dynamic cookie key
    assert "8080:8080" in proxy["ports"] and "*:8080" in serve_replicas.compose_haproxy_config()


def test_compose_replicas_share_one_postgresql_that_keeps_its_data_and_says_when_it_is_ready():
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    app, db = compose["services"]["fontnet"], compose["services"]["db"]
    assert db["image"].split(":")[0] == "postgres" and ":" in db["image"]   # the official image, a pinned major
    [volume] = db["volumes"]
    name, target = volume.split(":")
    assert target == "/var/lib/postgresql/data" and name in compose["volumes"]   # a named volume: data survives
    assert "pg_isready" in " ".join(db["healthcheck"]["test"]) and "ports" not in db   # not published to the host
    # every replica gets the URL of that service, with the same user, database and password
    url = make_url(app["environment"]["FONTNET_DATABASE_URL"].replace(
        "${FONTNET_DB_PASSWORD:?set FONTNET_DB_PASSWORD to a random string}", "PASSWORD"))
    env = db["environment"]
    assert url.drivername == "postgresql+psycopg" and (url.host, url.port) == ("db", 5432)
    assert (url.username, url.database) == (env["POSTGRES_USER"], env["POSTGRES_DB"]) and url.password == "PASSWORD"
    assert env["POSTGRES_PASSWORD"].startswith("${FONTNET_DB_PASSWORD:?")   # no password written in the file
    assert app["depends_on"]["db"]["condition"] == "service_healthy"


# ---- Kubernetes ------------------------------------------------------------------------------------
def kustomized() -> list[dict]:
    """deploy/kubernetes/kustomization.yaml built as kustomize builds it: its resources, each patch (JSON
    Patch, RFC 6902) applied to the resource its target names."""
    k = yaml.safe_load((DEPLOY / "kubernetes" / "kustomization.yaml").read_text())
    docs = [d for r in k["resources"] for d in yaml.safe_load_all((DEPLOY / "kubernetes" / r).read_text()) if d]
    for p in k["patches"]:
        targets = [i for i, d in enumerate(docs)
                   if (d["kind"], d["metadata"]["name"]) == (p["target"]["kind"], p["target"]["name"])]
        assert len(targets) == 1, p["target"]
        docs[targets[0]] = jsonpatch.apply_patch(docs[targets[0]], yaml.safe_load(p["patch"]))
    return docs


K8S_BASE_PATH = "/fontnet"


@pytest.fixture(scope="module", params=["root", "base path"])
def k8s(request) -> dict[str, dict]:
    """The manifests at a host's root (fontnet.yaml) or under a path of a shared host (kustomization.yaml);
    "prefix" is that path."""
    if request.param == "root":
        docs = [d for d in yaml.safe_load_all((DEPLOY / "kubernetes" / "fontnet.yaml").read_text()) if d]
    else:
        docs = kustomized()
    return {"prefix": "" if request.param == "root" else K8S_BASE_PATH, **{d["kind"]: d for d in docs}}


def test_kubernetes_deployment_probes_health_and_requests_resources(k8s):
    dep = k8s["Deployment"]["spec"]
    assert dep["replicas"] >= 2
    assert dep["selector"]["matchLabels"].items() <= dep["template"]["metadata"]["labels"].items()
    [container] = dep["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8501}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == k8s["prefix"] + HEALTH and get["port"] in ports, probe
    # readiness notices a dead replica before liveness restarts it
    ready, live = container["readinessProbe"], container["livenessProbe"]
    assert ready["periodSeconds"] * ready["failureThreshold"] < live["periodSeconds"] * live["failureThreshold"]
    requests = container["resources"]["requests"]
    assert set(requests) >= {"cpu", "memory"}
    env = {e["name"]: e for e in container["env"]}
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]["key"] == "cookie-secret"
    # the class database every pod shares: its URL (with a password) from the Secret, never in the manifest
    assert env["FONTNET_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "fontnet", "key": "database-url"}
    assert "value" not in env["FONTNET_DATABASE_URL"]


def test_kubernetes_service_and_ingress_reach_the_pods_with_cookie_affinity(k8s):
    pod_labels = k8s["Deployment"]["spec"]["template"]["metadata"]["labels"]
    service = k8s["Service"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    [port] = service["spec"]["ports"]
    assert port["targetPort"] == "http"
    assert k8s["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    ingress = k8s["Ingress"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"] and backend["port"]["name"] == port["name"]
    notes = {k.removeprefix("nginx.ingress.kubernetes.io/"): v for k, v in ingress["metadata"]["annotations"].items()}
    assert notes["affinity"] == "cookie" and notes["session-cookie-change-on-failure"] == "true"
    assert notes["session-cookie-name"] == serve_replicas.COOKIE
    # a live run's WebSocket can be quiet for a while: an hour, not ingress-nginx's 60 s
    assert int(notes["proxy-read-timeout"]) >= 3600 and int(notes["proxy-send-timeout"]) >= 3600
    assert int(notes["proxy-body-size"].rstrip("m")) >= 5  # the app's upload limit is 5 MB
    assert all(isinstance(v, str) for v in notes.values())  # Kubernetes wants annotation values as strings
    # the prefix goes to the pods as it came: Streamlit expects it (server.baseUrlPath)
    assert "rewrite-target" not in notes and "use-regex" not in notes
    [path] = ingress["spec"]["rules"][0]["http"]["paths"]
    assert path["path"] == (k8s["prefix"] or "/") and path["pathType"] == "Prefix"


def test_under_a_path_the_pods_serve_the_app_under_the_ingress_path_and_the_cookie_stays_there():
    kinds = {d["kind"]: d for d in kustomized()}
    [container] = kinds["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    ingress = kinds["Ingress"]
    [path] = ingress["spec"]["rules"][0]["http"]["paths"]
    assert "/" + env["STREAMLIT_SERVER_BASE_URL_PATH"].strip("/") == path["path"] == K8S_BASE_PATH
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/session-cookie-path"] == K8S_BASE_PATH
    # the base manifests are untouched: the root variant keeps serving at /
    root = {d["kind"]: d for d in yaml.safe_load_all((DEPLOY / "kubernetes" / "fontnet.yaml").read_text()) if d}
    assert "STREAMLIT_SERVER_BASE_URL_PATH" not in {e["name"] for e in
                                                     root["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]}


# ---- scripts/serve-replicas: its command line --------------------------------------------------------
@pytest.mark.parametrize("args", [[], ["0"], ["17"], ["two"], ["-1"], ["2.5"], ["2", "99999"], ["2", "http"],
                                  ["2", "0"], ["2", "8501", "3"], ["2", "--base-path"], ["2", "--base-path", "/"],
                                  ["2", "--base-path", "a b"], ["2", "--base-path", "../x"], ["2", "--base-path", "a//b"],
                                  ["2", "--base-path", "x?y"], ["2", "--port", "8501"], ["2", "--postgres"],
                                  ["2", "--postgres", "a", "--postgres", "b"], ["2", "--database-url"],
                                  ["2", "--database-url", "nothing"], ["2", "--database-url", "sqlite:///x.db"],
                                  ["2", "--database-url", "postgresql+psycopg://u:p@/db"],
                                  ["2", "--postgres", "/tmp/x", "--database-url", "postgresql+psycopg://u:p@h/db"]])
def test_bad_arguments_get_one_line_and_status_2(args):
    out = subprocess.run([sys.executable, "scripts/serve_replicas.py", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr, out.stderr


def test_a_port_in_use_gets_one_line_and_status_2():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = subprocess.run([sys.executable, "scripts/serve_replicas.py", "2", str(port)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and out.stderr.strip() == f"port {port} is already in use"


def test_arguments_parse():
    Options = serve_replicas.Options
    assert serve_replicas.parse_args(["2"]) == Options(2, 8501, "")
    assert serve_replicas.parse_args(["16", "9000"]) == Options(16, 9000, "")
    assert serve_replicas.parse_args(["2", "--base-path", "/fontnet/"]) == Options(2, 8501, "fontnet")
    assert serve_replicas.parse_args(["--base-path", "apps/font-net_1", "3", "9000"]) == Options(3, 9000, "apps/font-net_1")
    assert serve_replicas.parse_args(["2", "--postgres", "/tmp/pg", "9000"]) == Options(2, 9000, postgres="/tmp/pg")
    url = "postgresql+psycopg://fontnet:secret@db.example.org:5432/fontnet"
    assert serve_replicas.parse_args(["--database-url", url, "3"]) == Options(3, 8501, database_url=url)


def test_a_bad_database_url_is_reported_without_its_password():
    out = subprocess.run([sys.executable, "scripts/serve_replicas.py", "2", "--database-url",
                          "mysql://fontnet:hunter2@h/db"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "hunter2" not in out.stderr and "mysql://fontnet:***@h/db" in out.stderr


# ---- scripts/start: the port it passes to Streamlit -------------------------------------------------------
@pytest.mark.parametrize("args", [["--server.port", "99999"], ["--server.port=abc"], ["--server.port="],
                                  ["--server.headless", "true", "--server.port"], ["--server.port=-1"]])
def test_start_refuses_a_port_that_is_not_one_before_any_set_up(args):
    """Streamlit answers --server.port 99999 with an OverflowError traceback; the script checks first (and so
    before installing anything: this returns at once)."""
    out = subprocess.run(["bash", "scripts/start", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("scripts/start: --server.port '") and "is not a port number from 0 to 65535" in line
