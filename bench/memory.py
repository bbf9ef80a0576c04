"""Does a closed session give its memory back? Visitors upload a data file on the Train page, leave, and the
server's resident memory is followed until it settles.

    python -m bench memory [--visitors 15] [--rounds 2] [--ttl SECONDS] [--follow 180] [--json]

A fresh `streamlit run` server (bench/harness.py's AppServer) and headless Chromium. First one visitor
opens the Train page and leaves (so the page's modules are loaded: the baseline is a server that has served
the page). Then `--visitors` visitors, each in their own browser context (their own session), open the Train
page and upload a 4.9 MB CSV of 100,000 rows (the largest the page takes), and wait for the page's "Loaded"
message; then every context is closed, and the server is followed for `--follow` seconds; `--rounds` times on
the same server. Reported for each round: the server's resident memory (VmRSS) before the visitors, with all of
them loaded, and every 10 s after they left; the uploaded bytes Streamlit still holds (its /_stcore/metrics);
and when the memory came back to within 10% of the round's increase. A second round that ends where the first
did shows the memory is reused, not lost (what a process keeps from its first visitors, it keeps once).
`--ttl` passes `server.disconnectedSessionTTL` (default: the app's .streamlit/config.toml). Traffic goes to
127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import urllib.request
from pathlib import Path

from bench.harness import ARTIFACTS, count, seconds, served_chromium, wait_for_app

ROWS = 100_000
LOADED = "Loaded mine.csv"


def upload_file(path: Path) -> Path:
    """A valid data CSV of ROWS rows, padded with a comment column to 4.9 MB."""
    pad = "x" * 35
    lines = ["red,green,blue,label,note"] + [f"{i % 256},{(i * 7) % 256},{(i * 13) % 256},{i % 2},{pad}"
                                              for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


def uploaded_bytes(url: str) -> int:
    """The bytes of uploaded files Streamlit's upload manager holds (0 when it holds none)."""
    with urllib.request.urlopen(url + "/_stcore/metrics", timeout=10) as r:
        text = r.read().decode()
    found = re.findall(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text)
    return sum(int(v) for v in found)


def visit(browser, url: str, csv: Path | None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url + "/train")
    page.wait_for_selector("text=Train", timeout=120_000)
    wait_for_app(page, 120_000)
    if csv is not None:
        page.locator(".st-key-data_file input[type=file]").set_input_files(str(csv))
        page.wait_for_selector(f"text={LOADED}", timeout=120_000)
        wait_for_app(page, 120_000)
    return context


def measure(visitors: int, rounds: int, ttl: int | None, follow: float) -> dict:
    ARTIFACTS.mkdir(exist_ok=True)
    csv = upload_file(ARTIFACTS / "mine.csv")
    out: dict = {"visitors": visitors, "ttl_s": ttl, "upload_mb": round(csv.stat().st_size / 1e6, 2), "rounds": []}
    with served_chromium(*(["--server.disconnectedSessionTTL", str(ttl)] if ttl is not None else [])) as (server, browser):
        visit(browser, server.url, None).close()
        for _ in range(rounds):
            r = {"rss_before_mb": round(server.rss_mb(), 1)}
            contexts = [visit(browser, server.url, csv) for _ in range(visitors)]
            r["rss_loaded_mb"] = round(server.rss_mb(), 1)
            r["uploads_held_mb_loaded"] = round(uploaded_bytes(server.url) / 1e6, 1)
            for c in contexts:
                c.close()
            left = time.monotonic()
            trace = []
            while (t := time.monotonic() - left) <= follow:
                trace.append({"s": round(t), "rss_mb": round(server.rss_mb(), 1),
                              "uploads_held_mb": round(uploaded_bytes(server.url) / 1e6, 1)})
                time.sleep(10)
            r["after_left"] = trace
            grown = r["rss_loaded_mb"] - r["rss_before_mb"]
            back = [p["s"] for p in trace if p["rss_mb"] - r["rss_before_mb"] <= 0.1 * grown]
            r["returned_within_10pct_after_s"] = back[0] if back else None
            out["rounds"].append(r)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visitors", type=count(1, 200), default=15)
    ap.add_argument("--rounds", type=count(), default=2)
    ap.add_argument("--ttl", type=count(0, 86_400), help="server.disconnectedSessionTTL in seconds (default: the app's config)")
    ap.add_argument("--follow", type=seconds(), default=180.0, help="seconds to follow the memory after they left")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = measure(a.visitors, a.rounds, a.ttl, a.follow)
    if a.json:
        print(json.dumps(res))
        return
    print(f"{res['visitors']} visitors a round, each uploading {res['upload_mb']} MB on the Train page "
          f"(disconnectedSessionTTL: {res['ttl_s'] if res['ttl_s'] is not None else 'as configured'})")
    for i, r in enumerate(res["rounds"], start=1):
        print(f"round {i}: server memory {r['rss_before_mb']} MB before -> {r['rss_loaded_mb']} MB with every upload "
              f"loaded ({r['uploads_held_mb_loaded']} MB of uploads held)")
        for p in r["after_left"]:
            print(f"  {p['s']:4d} s after they left: {p['rss_mb']} MB, uploads held {p['uploads_held_mb']} MB")
        when = r["returned_within_10pct_after_s"]
        print("  back within 10% of the increase " + (f"after {when} s" if when is not None else "not within the time followed"))


if __name__ == "__main__":
    main()
