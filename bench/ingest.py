"""Benchmark: ingest every bundled ICE publication into a fresh SQLite database, per file and in total, beside
the time pandas.read_excel(engine="openpyxl") takes merely to read the same files.

Targets (issue 2): at least 20,000 source rows per second end to end, and at least 5x faster than the
openpyxl reading baseline. Each measurement runs in a fresh process (cold caches), REPEAT times; medians are
reported. Module imports are outside both timings, and g287's modules are byte-compiled first, as those of an
installed package are (pandas and openpyxl are, in site-packages): with PYTHONDONTWRITEBYTECODE set, the modules an
ingest imports on first use would otherwise be compiled from source inside the timing. The same ingest is also
timed in one process (no reading worker), to show what the two-process pipeline gains on the machine.
Run: .venv/bin/python -m bench.ingest   (needs the `bench` extra: pandas, openpyxl)
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import append_table_row, code_measured, machine, machine_parts, write_section

REPEAT = 15

INGEST = r"""
import json, sys, time
from pathlib import Path
from g287.access import Actor
from g287.db.engine import Database
from g287.registry.batch import expand_paths, ingest_many, sort_for_ingest
from g287.config import BUNDLED_PUBLICATIONS_DIR as ICE
db = Database("sqlite:///" + sys.argv[1])          # fresh database, migrated before timing
files = sort_for_ingest(expand_paths([str(ICE / "participating"), str(ICE / "pending")]))
times = {}
last = [time.perf_counter()]
def done(path, result):
    now = time.perf_counter(); times[path.name] = (now - last[0], result.source_rows); last[0] = now
start = last[0] = time.perf_counter()
results, errors = ingest_many(db, files, Actor.command_line(), on_result=done)
total = time.perf_counter() - start
assert not errors and len(results) == len(files)
print(json.dumps({"total": total, "files": times, "rows": sum(r.source_rows for r in results)}))
"""

# The same ingest with no reading worker (the batch uses one only with more than one core): what the two-process
# pipeline gains on the machine.
ONE_PROCESS = INGEST.replace("import json, sys, time\n", "import json, os, sys, time\nos.cpu_count = lambda: 1\n", 1)
assert ONE_PROCESS != INGEST

PANDAS = r"""
import json, time
import pandas
import openpyxl  # read_excel imports it on first use: outside the timing, as g287's own imports are
from g287.registry.batch import expand_paths, sort_for_ingest
from g287.config import BUNDLED_PUBLICATIONS_DIR as ICE
files = sort_for_ingest(expand_paths([str(ICE / "participating"), str(ICE / "pending")]))
times = {}
start = time.perf_counter()
for path in files:
    t = time.perf_counter()
    pandas.read_excel(path, engine="openpyxl")
    times[path.name] = time.perf_counter() - t
print(json.dumps({"total": time.perf_counter() - start, "files": times}))
"""


ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=ENVIRONMENT)
    return json.loads(out.stdout)


RUNS_INTRODUCTION = """
### Every recorded run

Each run of `bench/ingest.py` adds a line here and keeps the others: this project's machines differ by a factor of
three in speed (see the baseline column), so one run shows one machine. The lines before 2026-11-30 07:00 were
taken from the history of this file. The code measured is named by the latest commit that changed g287/ (earlier
lines measured earlier, slower code). Throughput in source rows per second; × is the openpyxl reading baseline's
time over g287's.
"""
RUNS_HEADER = ["run (UTC)", "CPU", "Linux", "code measured", "g287 (ms)", "pandas + openpyxl (ms)", "rows/s", "×"]
RUNS_ALIGNMENT = ["---", "---", "---", "---", "---:", "---:", "---:", "---:"]


def across_runs(runs: list[str]) -> str:
    """One line on how the recorded runs of the same code compare: the latest code's runs, on whatever machines."""
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in runs]
    latest = [c for c in cells if c[3] == cells[-1][3]]
    speeds = sorted(float(c[6].replace(",", "")) for c in latest)
    ratios = sorted(float(c[7]) for c in latest)
    bases = sorted(float(c[5]) for c in latest)
    if len(latest) < 2:
        return (
            f"- This code ({cells[-1][3]}) has one recorded run; the {len(cells) - 1} other runs below measured other code."
        )
    return (
        f"- The {len(latest)} recorded runs of this code ({cells[-1][3]}): {speeds[0]:,.0f}–{speeds[-1]:,.0f} rows/s and "
        f"{ratios[0]:.1f}–{ratios[-1]:.1f}× the baseline, on machines where the baseline took {bases[0]:.0f}–{bases[-1]:.0f} ms."
    )


def _spread(totals) -> str:
    values = sorted(totals)
    return f"{values[0] * 1000:.0f}–{values[-1] * 1000:.0f}"


def main() -> None:
    import g287

    compileall.compile_dir(Path(g287.__file__).parent, quiet=1)
    ours, baseline, one_process = [], [], []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as folder:
            ours.append(run(INGEST, str(Path(folder) / "bench.sqlite")))
        with tempfile.TemporaryDirectory() as folder:
            one_process.append(run(ONE_PROCESS, str(Path(folder) / "bench.sqlite"))["total"])
        baseline.append(run(PANDAS))
    total = statistics.median(r["total"] for r in ours)
    base = statistics.median(r["total"] for r in baseline)
    rows = ours[0]["rows"]
    lines = [
        "## Ingest (issue 2)",
        "",
        f"Machine: {machine()}.",
        "",
        f"Every bundled ICE publication ({len(ours[0]['files'])} workbooks, {rows:,} source rows) ingested into a fresh SQLite",
        "database, end to end (reading, interpreting, writing, quality register, audit), each run in a fresh process;",
        f"median of {REPEAT} runs. Baseline: `pandas.read_excel(engine=\"openpyxl\")` merely reading the same files.",
        "",
        "| file | source rows | g287 ingest (ms) | pandas + openpyxl read (ms) |",
        "|---|---:|---:|---:|",
    ]
    for name in ours[0]["files"]:
        ms = statistics.median(r["files"][name][0] for r in ours) * 1000
        pandas_ms = statistics.median(r["files"][name] for r in baseline) * 1000
        lines.append(f"| {name} | {ours[0]['files'][name][1]:,} | {ms:.1f} | {pandas_ms:.1f} |")
    speed = rows / total
    ratio = base / total
    part = machine_parts()
    runs = append_table_row(
        "ingest-runs",
        RUNS_INTRODUCTION,
        RUNS_HEADER,
        RUNS_ALIGNMENT,
        [part["run"], part["cpu"], part["release"], code_measured(), f"{total * 1000:.0f}", f"{base * 1000:.0f}", f"{speed:,.0f}", f"{ratio:.1f}"],
    )
    lines += [
        f"| **total** | **{rows:,}** | **{total * 1000:.0f}** | **{base * 1000:.0f}** |",
        "",
        f"- Throughput: **{speed:,.0f} source rows per second** (target ≥ 20,000): {'met' if speed >= 20000 else 'NOT met'}.",
        f"- Against the openpyxl reading baseline: **{ratio:.1f}× {'faster' if ratio >= 1 else 'as fast'}** (target ≥ 5×): "
        f"{'met' if ratio >= 5 else 'NOT met'}.",
        f"- The same ingest in one process, with no reading worker: {statistics.median(one_process) * 1000:.0f} ms (median; runs "
        f"{_spread(one_process)}): the two-process pipeline saves {(1 - total / statistics.median(one_process)) * 100:.0f}% here.",
        f"- Spread of the {REPEAT} runs (total ms, fastest to slowest): g287 {_spread(r['total'] for r in ours)}; pandas + openpyxl "
        f"{_spread(r['total'] for r in baseline)}. The same code on this machine varies this much from run to run, and from one "
        "session's machine to the next; the two are measured in turns, so their ratio varies less than either.",
        "- Where the time goes, step by step in the writer and the reading worker: `.venv/bin/python -m bench.ingest_timeline`.",
        across_runs(runs),
    ]
    write_section("ingest", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
