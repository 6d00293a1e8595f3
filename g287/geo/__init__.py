"""Geography: counties and states with FIPS codes, county matching, coverage, and offline SVG/PNG maps.

The functions other layers (the command line, the web pages) call — stable, returning plain data or strings:
- reference: `county(fips)`, `counties_of_state(usps, vintage)`, `counties_in(vintage)`, `vintage_on(date)`
- store: `county_of_raw_row(session, raw_row_id)`, `county_of_agency(session, agency_id)`, `unmatched(session)`,
  `rematch(db, actor)`
- coverage: `coverage(session, as_of, vintage, model)` -> dict
- maps: `render_map(session, level, as_of=None, model=None, measure="moas", state=None)` -> SVG string
  `map_figure(...)` (same arguments) -> MapFigure: the map area alone, and its texts for a page to set in HTML
- raster: `svg_to_png(svg)` -> PNG bytes
"""
