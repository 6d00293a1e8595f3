"""GeoJSON of the states and counties with their figures, as of a date.

The map shapes bundled with g287 (g287/data/geo/shapes.json, from us-atlas) are not longitude and latitude: they
are screen coordinates of d3's Albers USA projection (scale 1300, translated to a 975 x 610 frame; Alaska and
Hawaii moved and scaled into insets), simplified and quantized (4 units per pixel). GeoJSON (RFC 7946) wants
WGS 84 longitude and latitude, so every point is projected back by inverting that projection exactly (the
conic equal-area projections of the lower 48 states, Alaska and Hawaii, each with its own parameters). What
cannot be recovered is the detail simplification removed: the boundaries are good for a map, off by up to a few
kilometres, and not for measuring. A county drawn with another county's shape (a predecessor's, or Connecticut's
planning regions drawn as the state) has no geometry here (null), with the reason in its properties.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache

from g287.geo import reference
from g287.geo.maps import shapes

ALBERS_SCALE = 1300.0
ALBERS_TRANSLATE = (487.5, 305.0)
DECIMALS = 4  # ~10 m: far below what simplification removed
GEOMETRY_NOTE = (
    "Coordinates: WGS 84 longitude/latitude recovered by inverting the Albers USA projection of the map shapes bundled "
    "with g287 (us-atlas 3.0.1, Census 2017 cartographic boundaries, simplified): for maps, off by up to a few "
    "kilometres, not for measuring."
)


@dataclass(frozen=True)
class ConicEqualArea:
    """d3's conicEqualArea with a rotation (degrees of longitude), a center (in the rotated frame), two standard
    parallels, a scale and a translation; y grows downward, as on a screen."""

    rotate: float
    center: tuple[float, float]
    parallels: tuple[float, float]
    scale: float
    translate: tuple[float, float]

    @property
    def constants(self) -> tuple[float, float, float]:
        sy0 = math.sin(math.radians(self.parallels[0]))
        n = (sy0 + math.sin(math.radians(self.parallels[1]))) / 2
        c = 1 + sy0 * (2 * n - sy0)
        return n, c, math.sqrt(c) / n

    def _raw(self, lam: float, phi: float) -> tuple[float, float]:
        n, c, r0 = self.constants
        r = math.sqrt(c - 2 * n * math.sin(phi)) / n
        return r * math.sin(lam * n), r0 - r * math.cos(lam * n)

    def _offset(self) -> tuple[float, float]:
        cx, cy = self._raw(math.radians(self.center[0]), math.radians(self.center[1]))
        return self.translate[0] - self.scale * cx, self.translate[1] + self.scale * cy

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        lam = math.radians(((lon + self.rotate + 180) % 360) - 180)
        x, y = self._raw(lam, math.radians(lat))
        dx, dy = self._offset()
        return dx + self.scale * x, dy - self.scale * y

    def invert(self, px: float, py: float) -> tuple[float, float]:
        n, c, r0 = self.constants
        dx, dy = self._offset()
        x, y = (px - dx) / self.scale, (dy - py) / self.scale
        r0y = r0 - y
        sign = (r0y > 0) - (r0y < 0)
        lam = math.atan2(x, abs(r0y)) * sign
        if r0y * n < 0:
            lam -= math.pi * ((x > 0) - (x < 0)) * sign
        phi = math.asin(max(-1.0, min(1.0, (c - (x * x + r0y * r0y) * n * n) / (2 * n))))
        lon = math.degrees(lam / n) - self.rotate
        return ((lon + 180) % 360) - 180, math.degrees(phi)


def _albers_usa(k: float = ALBERS_SCALE, t: tuple[float, float] = ALBERS_TRANSLATE) -> dict[str, ConicEqualArea]:
    x, y = t
    return {
        "lower48": ConicEqualArea(96, (-0.6, 38.7), (29.5, 45.5), k, (x, y)),
        "alaska": ConicEqualArea(154, (-2, 58.5), (55, 65), k * 0.35, (x - 0.307 * k, y + 0.201 * k)),
        "hawaii": ConicEqualArea(157, (-3, 19.9), (8, 18), k, (x - 0.205 * k, y + 0.212 * k)),
    }


PROJECTIONS = _albers_usa()


def invert_albers_usa(px: float, py: float) -> tuple[float, float]:
    """Longitude and latitude of a point of the 975 x 610 Albers USA frame (d3's geoAlbersUsa.invert)."""
    x = (px - ALBERS_TRANSLATE[0]) / ALBERS_SCALE
    y = (py - ALBERS_TRANSLATE[1]) / ALBERS_SCALE
    if 0.120 <= y < 0.234 and -0.425 <= x < -0.214:
        return PROJECTIONS["alaska"].invert(px, py)
    if 0.166 <= y < 0.234 and -0.214 <= x < -0.115:
        return PROJECTIONS["hawaii"].invert(px, py)
    return PROJECTIONS["lower48"].invert(px, py)


_COMMAND = re.compile(r"([Mlz])([^Mlz]*)")
_NUMBER = re.compile(r"-?\d+")


def rings_of_path(d: str) -> list[list[tuple[int, int]]]:
    """The rings of the bundled path data: an absolute move, relative lines, a close (see g287/geo/build.py)."""
    rings: list[list[tuple[int, int]]] = []
    x = y = 0
    for command, arguments in _COMMAND.findall(d):
        numbers = [int(v) for v in _NUMBER.findall(arguments)]
        if command == "M":
            x, y = numbers[0], numbers[1]
            rings.append([(x, y)])
        elif command == "l":
            for i in range(0, len(numbers) - 1, 2):
                x, y = x + numbers[i], y + numbers[i + 1]
                rings[-1].append((x, y))
    return [r for r in rings if len(r) >= 3]


def _signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def _contains(ring: list[tuple[float, float]], point: tuple[float, float]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


@cache
def geometry_of(d: str) -> str:
    """A GeoJSON MultiPolygon (as JSON text) of bundled path data: rings inside another ring are its holes;
    exterior rings counterclockwise and holes clockwise in longitude/latitude (RFC 7946)."""
    scale = float(shapes()["scale"])
    rings = []
    for ring in rings_of_path(d):
        points = [invert_albers_usa(x / scale, y / scale) for x, y in ring]
        rings.append([(round(lon, DECIMALS), round(lat, DECIMALS)) for lon, lat in points])
    rings.sort(key=lambda r: -abs(_signed_area(r)))
    polygons: list[list[list[tuple[float, float]]]] = []
    for ring in rings:
        # The smallest polygon already seen (rings come largest first) whose exterior holds this ring: the ring is
        # its hole (an independent city inside its county), unless it lies in one of its holes (an island in it).
        host = next((p for p in reversed(polygons) if _contains(p[0], ring[0])), None)
        if host is not None and not any(_contains(h, ring[0]) for h in host[1:]):
            host.append(ring)
        else:
            polygons.append([ring])
    coordinates = []
    for polygon in polygons:
        oriented = []
        for index, ring in enumerate(polygon):
            clockwise = _signed_area(ring) < 0
            wanted_clockwise = index > 0
            ordered = ring if clockwise == wanted_clockwise else ring[::-1]
            oriented.append([list(p) for p in ordered + ordered[:1]])
        coordinates.append(oriented)
    return json.dumps({"type": "MultiPolygon", "coordinates": coordinates}, separators=(",", ":"))


def state_geometry(state_fips: str) -> str | None:
    shape = shapes()["states"].get(state_fips)
    return geometry_of(shape["d"]) if shape else None


def county_geometry(county: reference.County) -> tuple[str | None, str | None]:
    """The county's geometry (JSON text) and, when it has none of its own, why."""
    if county.shape != county.fips:
        return None, county.shape_note or "no boundaries of this county are bundled"
    shape = shapes()["counties"].get(county.fips)
    if shape is None:
        return None, "no boundaries of this county are bundled"
    if shape.get("marker"):
        return None, "smaller than the bundled boundaries' grid (drawn as a small square on the maps)"
    return geometry_of(shape["d"]), county.shape_note or None


def feature_collection(features: list[tuple[str | None, dict]], metadata: dict) -> bytes:
    """GeoJSON text of (geometry JSON text or None, properties) pairs; the geometries are inserted as
    pre-serialized JSON so each is computed once per process."""
    parts = []
    for geometry, properties in features:
        parts.append('{"type":"Feature","geometry":' + (geometry or "null") + ',"properties":' + json.dumps(properties, ensure_ascii=False, separators=(",", ":")) + "}")
    head = json.dumps({"type": "FeatureCollection", **metadata}, ensure_ascii=False, separators=(",", ":"))[:-1]
    return (head + ',"features":[' + ",".join(parts) + "]}").encode("utf-8")


def _publication(publication) -> dict | None:
    if publication is None:
        return None
    return {
        "id": publication.id, "file": publication.file_name, "published": publication.published_on.isoformat(), "half": publication.half,
        "source": "ICE" if publication.origin == "ice" else "this registry",
    }


def states_geojson(session, force, model: str | None = None) -> bytes:
    """Every state, DC and territory with its figures (MOAs, agencies, by model, pending listings, counties
    covered) as of the lists in force; the territories have no geometry (no boundaries are bundled)."""
    from g287.geo.coverage import coverage_or_none_covered
    from g287.registry.queries import Filters, figures_of, listings

    # The counties of each state are reference data, given on every date; the figures of a list not in force are
    # null, as in /api/v1/states: 0 would say that the list holds no agency of the state.
    covered = coverage_or_none_covered(session, force.as_of, None, model)["by_state"]
    participating_rows = listings(session, force.participating, Filters(model=model)) if force.participating else []
    pending_rows_all = listings(session, force.pending, Filters(model=model)) if force.pending else []
    participating, pending = _by_state(participating_rows), _by_state(pending_rows_all)
    participating_unnamed = sum(1 for row in participating_rows if not row.state)
    pending_unnamed = sum(1 for row in pending_rows_all if not row.state)
    features = []
    for info in reference.states().values():
        rows, pending_rows = participating.get(info.usps, []), pending.get(info.usps, [])
        counts = figures_of(rows)
        c = covered.get(info.usps) or {}
        held = force.participating is not None
        properties = {
            "usps": info.usps, "fips": info.fips, "name": info.name, "category": info.category,
            "moas": counts["rows"] if held else None, "agencies": counts["agencies"] if held else None,
            "by_model": counts["by_model"] if held else None, "by_agency_type": counts["by_agency_type"] if held else None,
            "pending_listings": len(pending_rows) if force.pending is not None else None,
            "counties_total": c.get("counties_total"),
            "counties_with_any_agency": c.get("counties_with_any_agency") if held else None,
            "counties_with_county_agency": c.get("counties_with_county_agency") if held else None,
            "listings_not_located": c.get("listings_not_located") if held else None,
        }
        geometry = state_geometry(info.fips)
        if geometry is None:
            properties["geometry_note"] = "no boundaries of this territory are bundled"
        features.append((geometry, properties))
    metadata = _metadata(force, model)
    # Listings whose STATE names no state (#N/A, a misspelling) are on no feature: counted here, never left out unsaid;
    # null for a list not in force, as the features' figures (0 said that a list held none).
    known = reference.states()
    metadata["listings_of_no_known_state"] = {
        kind: sum(len(rows) for usps, rows in grouped.items() if usps not in known) + unnamed if publication is not None else None
        for kind, (grouped, unnamed), publication in (
            ("participating", (participating, participating_unnamed), force.participating),
            ("pending", (pending, pending_unnamed), force.pending),
        )
    }
    return feature_collection(features, metadata)


def counties_geojson(session, force, *, state: str | None = None, model: str | None = None, vintage: str | None = None) -> bytes:
    """Every county of the vintage (of one state, when given) with its figures as of the lists in force."""
    from g287.registry.counties import county_figures

    table = county_figures(session, force, vintage=vintage, state=state, model=model)
    features = []
    for item in table["counties"]:
        geometry, note = county_geometry(reference.county(item["fips"], table["vintage"]))
        features.append((geometry, {**item, "geometry_note": note} if note else item))
    metadata = _metadata(force, model)
    metadata.update(
        vintage=table["vintage"], vintage_description=table["vintage_description"], state=state,
        listings_not_located=table["listings_not_located"],
        definitions="moas: participating listings located in the county by its COUNTY text (MOAs as ICE counts them); listings with no county, a county text that could not be matched to one county, or a county not in the vintage counted, are not located (listings_not_located) and never placed by guessing.",
    )
    return feature_collection(features, metadata)


def _by_state(rows) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for row in rows:
        if row.state:
            grouped.setdefault(row.state, []).append(row)
    return grouped


def _metadata(force, model: str | None) -> dict:
    return {
        "as_of": force.as_of.isoformat(),
        "model": model,
        "source": "ICE's lists of 287(g) participating and pending agencies",
        "participating_publication": _publication(force.participating),
        "pending_publication": _publication(force.pending),
        "coordinates": GEOMETRY_NOTE,
    }
