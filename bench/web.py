"""Benchmark of the public site: requests per second and p50/p99 latency at 32 concurrent connections for
/api/v1/stats, /api/v1/agencies?state=FL and the home page, served by `g287 serve`, and for the equivalent SQL
queries served by Datasette on the same SQLite file, in the same run. Target: at least 1.5x Datasette's
throughput with p99 under 50 ms.

Needs wrk (Debian package `wrk`) and the bench extra (`scripts/venv bench`, which installs Datasette).
Run: .venv/bin/python -m bench.web [--seconds 10] [--workers 2]; results go to docs/benchmarks.md (section web).
Every request goes to 127.0.0.1 only; each load run stops after --seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.report import machine, write_section

CONNECTIONS = 32
LATEST = "(SELECT seq FROM publications WHERE series = 'ice/{kind}' ORDER BY seq DESC LIMIT 1)"
IN_FORCE = "l.series = 'ice/{kind}' AND l.first_seq <= " + LATEST + " AND l.last_seq >= " + LATEST

# The figures of /api/v1/stats (MOAs, agencies and states by model, for both lists in force), in one query.
STATS_SQL = " UNION ALL ".join(
    f"SELECT '{kind}' AS list, r.model, count(*) AS rows, count(DISTINCT n.agency_id) AS agencies, count(DISTINCT r.state_usps) AS states "
    f"FROM listing_runs l JOIN raw_rows r ON r.id = l.raw_row_id LEFT JOIN agency_names n ON n.id = r.agency_name_id "
    f"WHERE {IN_FORCE.format(kind=kind)} GROUP BY r.model"
    for kind in ("participating", "pending")
)
# The first page of /api/v1/agencies?state=FL: Florida's agencies in the participating list in force, with their models.
AGENCIES_SQL = (
    "SELECT a.id, a.name, a.agency_type, a.county_text, group_concat(r.model) AS models, group_concat(r.signed_on) AS signed "
    "FROM listing_runs l JOIN raw_rows r ON r.id = l.raw_row_id JOIN agency_names n ON n.id = r.agency_name_id JOIN agencies a ON a.id = n.agency_id "
    f"WHERE r.state_usps = 'FL' AND {IN_FORCE.format(kind='participating')} GROUP BY a.id ORDER BY a.name LIMIT 100"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def wrk(url: str, seconds: int) -> dict:
    """Requests per second and latency percentiles (ms) from one wrk run."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    percentiles = {}
    for label, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        percentiles[label] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": rps, "p50": percentiles["50"], "p99": percentiles["99"], "errors": int(errors[1]) if errors else 0, "socket_errors": socket_errors[1] if socket_errors else ""}


def computed_ms(url: str, times: int = 7) -> float:
    """Median time (ms) of requests whose response is not cached yet: an unused parameter makes each URL new."""
    spent = []
    for index in range(times):
        separator = "&" if "?" in url else "?"
        started = time.perf_counter()
        urllib.request.urlopen(f"{url}{separator}uncached={time.time_ns()}{index}", timeout=30).read()
        spent.append((time.perf_counter() - started) * 1000)
    return sorted(spent)[len(spent) // 2]


UNCACHED_PAGES = [
    "/", "/?level=county", "/?as_of=2025-05-29&model=TFM", "/states/FL", "/counties/12057", "/pending", "/changes", "/about",
    "/exports/feed.atom", "/exports/counties.geojson", "/api/v1/timeline", "/api/v1/diff?from=2025-05-16&to=2025-07-09", "/api/v1/counties",
]


def _first_agency(base: str) -> int:
    import json

    with urllib.request.urlopen(base + "/api/v1/agencies?state=FL&limit=1", timeout=30) as answer:
        return json.load(answer)["items"][0]["id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each load run")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of g287 serve")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    datasette = Path(sys.executable).with_name("datasette")
    if not datasette.exists():
        raise SystemExit("Datasette is needed: scripts/venv bench")
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="g287-bench-web-"))
    database = folder / "g287.sqlite"
    g287 = Path(sys.executable).with_name("g287")
    subprocess.run([str(g287), "--database", str(database), "bootstrap"], check=True, capture_output=True)
    ours_port, theirs_port = free_port(), free_port()
    # several workers must share one key to accept each other's forms (g287 serve refuses otherwise)
    environment = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{database}", G287_SECRET_KEY=os.environ.get("G287_SECRET_KEY") or secrets.token_urlsafe(48))
    ours = subprocess.Popen([str(g287), "serve", "--port", str(ours_port), "--workers", str(options.workers)], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    theirs = subprocess.Popen([str(datasette), "serve", str(database), "--port", str(theirs_port), "--setting", "sql_time_limit_ms", "10000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base, other = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{theirs_port}"
        wait_for(base + "/static/site.css")
        wait_for(other + "/g287.json")
        first_home = computed_ms(base + "/", times=1)  # the first page a worker renders after starting
        uncached_rows = []
        agency = _first_agency(base)
        for path in UNCACHED_PAGES + [f"/agencies/{agency}"]:
            uncached_rows.append(f"| `{path}` | {computed_ms(base + path):.0f} |")
            print(uncached_rows[-1], flush=True)
        cases = [
            ("/api/v1/stats", base + "/api/v1/stats", other + "/g287.json?" + urllib.parse.urlencode({"sql": STATS_SQL, "_shape": "array"})),
            ("/api/v1/agencies?state=FL", base + "/api/v1/agencies?state=FL", other + "/g287.json?" + urllib.parse.urlencode({"sql": AGENCIES_SQL, "_shape": "array"})),
            ("home page", base + "/", other + "/g287?" + urllib.parse.urlencode({"sql": STATS_SQL})),
        ]
        rows, verdicts = [], []
        for name, mine, equivalent in cases:
            for url in (mine, equivalent):  # check they answer, and measure the steady state (each worker warm)
                for _ in range(2 * options.workers):
                    with urllib.request.urlopen(url, timeout=30) as answer:
                        assert answer.status == 200, url
            cold = computed_ms(mine)
            a = wrk(mine, options.seconds)
            b = wrk(equivalent, options.seconds)
            ratio = a["rps"] / b["rps"]
            ok = ratio >= 1.5 and a["p99"] < 50 and a["errors"] == 0
            verdicts.append(ok)
            rows.append(
                f"| {name} | {a['rps']:,.0f} | {a['p50']:.1f} | {a['p99']:.1f} | {cold:.0f} | {b['rps']:,.0f} | {b['p50']:.1f} | {b['p99']:.1f} | {ratio:.1f}x | {'met' if ok else 'NOT met'} |"
            )
            print(rows[-1], flush=True)
        load_after = os.getloadavg()[0]
    finally:
        for process in (ours, theirs):
            process.terminate()
        for process in (ours, theirs):
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    markdown = "\n".join(
        [
            "## Web: the site and API against Datasette",
            "",
            f"Machine: {machine()}. Load average (1 min) before the run {load_before:.1f}, after it {load_after:.1f}: other "
            "processes on the machine share its 2 cores and show in the p99.",
            "",
            f"Every bundled publication ingested into one SQLite file; `g287 serve --workers {options.workers}` and `datasette serve` "
            f"on that same file, loaded one after the other by `wrk -t2 -c{CONNECTIONS} -d{options.seconds}s` from the same machine "
            "(which shares the 2 cores with the servers). Datasette answers the equivalent SQL query: the figures of both lists in "
            "force by model for `/api/v1/stats` (JSON), Florida's agencies in the participating list in force with their models "
            "for `/api/v1/agencies?state=FL` (JSON), and the same figures query rendered as its HTML page for the home page. "
            "Target: at least 1.5x Datasette's requests per second, and p99 under 50 ms. Run: `.venv/bin/python -m bench.web`.",
            "",
            "| request | g287 req/s | p50 ms | p99 ms | g287 uncached ms | Datasette req/s | p50 ms | p99 ms | throughput ratio | target |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            *rows,
            "",
            "Why it is fast: a response depends only on the request and the data, so each is computed once per data version and "
            "then served from memory, with its ETag (see `g287/web/http.py`); the data version is re-read at most once a second. "
            "\"Uncached\" is the median time of one request whose response is not cached yet (a query string never asked before), "
            "one request at a time: what the first visitor of a new date or filter waits.",
            "",
            "Uncached rendering of the other pages and resources (median of 7, ms; the home page draws the national map, "
            "computes coverage twice — of the 3,141 counties of 2000 and of the vintage of the date —, the timeline and the "
            f"diff of the latest two lists). The very first home page a worker rendered after starting took {first_home:.0f} ms "
            "(reading the reference data and the map shapes once per process).",
            "",
            "| page | uncached ms |",
            "|---|---:|",
            *uncached_rows,
        ]
    )
    write_section("web", markdown)
    print("all targets met" if all(verdicts) else "some targets NOT met")


if __name__ == "__main__":
    main()
