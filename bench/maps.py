"""Benchmark: rendering the national county map from the bundled publications (median of runs) and its size.

    .venv/bin/python -m bench.maps [--runs N]

Targets (issue 4): the SVG stays under 600 KB and renders in under 200 ms. Writes the `maps` section of
docs/benchmarks.md; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.report import machine, write_section
from g287.access import Actor
from g287.config import BUNDLED_PUBLICATIONS_DIR
from g287.db.engine import Database
from g287.geo.maps import render_map
from g287.geo.raster import svg_to_png
from g287.registry.batch import expand_paths, ingest_many

SIZE_LIMIT = 600 * 1024
TIME_LIMIT = 0.200


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        files = expand_paths([str(BUNDLED_PUBLICATIONS_DIR / "participating"), str(BUNDLED_PUBLICATIONS_DIR / "pending")])
        ingest_many(db, files, Actor.command_line())
        with db.session() as session:
            cold_time, _ = timed(lambda: render_map(session, "county"), 1)  # loads the shapes and reference data
            county_time, svg = timed(lambda: render_map(session, "county"), args.runs)
            state_time, _ = timed(lambda: render_map(session, "state"), args.runs)
            page_time, _ = timed(lambda: render_map(session, "county", state="TX"), args.runs)
        png_time, png = timed(lambda: svg_to_png(svg), 3)
        db.dispose()
    size = len(svg.encode("utf-8"))
    ok = size < SIZE_LIMIT and county_time < TIME_LIMIT
    markdown = f"""## Maps (`bench/maps.py`)

{machine()}

The bundled publications ingested into SQLite; each map rendered {args.runs} times in one process (median;
the first call in the process, which loads the bundled shapes, is shown apart). Map of the latest list
(2025-07-09, 807 MOAs).

| map | median render time | target | size |
|---|---|---|---|
| national, counties (`render_map(session, "county")`) | {county_time * 1000:.1f} ms | < 200 ms | {size / 1024:.0f} KiB SVG (target < 600 KB) |
| national, counties, first call in a process (loads shapes and reference data) | {cold_time * 1000:.1f} ms | | |
| national, states | {state_time * 1000:.1f} ms | | |
| Texas, counties (a state page) | {page_time * 1000:.1f} ms | | |
| national counties as PNG (resvg, zoom 2, after the SVG) | {png_time * 1000:.0f} ms | | {len(png) / 1024:.0f} KiB |

Targets met: {"yes" if ok else "NO"}.
"""
    write_section("maps", markdown)
    print(markdown)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
