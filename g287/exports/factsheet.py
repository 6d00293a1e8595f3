"""The fact sheet: a one-page summary of the figures in force on a date, generated from the data (never typed),
as data for the HTML page and as a PDF drawn with fpdf2 (offline, no browser)."""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF
from sqlalchemy.orm import Session

from g287 import __version__
from g287.catalog import catalog
from g287.errors import NotFound
from g287.geo import reference
from g287.geo.maps import render_map
from g287.geo.raster import svg_to_png
from g287.registry import figures
from g287.xmlchars import xml_text
from g287.registry.publications import label
from g287.registry.queries import publications_in_force, state_figures, state_name

TOP_STATES = 10
MAP_HEIGHT_MM = 62


def factsheet(session: Session, as_of: dt.date | None = None) -> dict:
    """Everything the fact sheet shows, each figure with its publication, and the map of MOAs by state."""
    # One date for the title, the figures and the map: without one, the map was drawn "as of" the list's own
    # publication date under a title saying today's.
    day = as_of or dt.date.today()
    force = publications_in_force(session, day)
    try:
        map_svg = render_map(session, "state", day, None, "moas", None, map_id="factsheet-map")
    except NotFound:
        map_svg = None  # no participating list in force: the sheet says so
    stats = figures.stats(session, day)
    per_state = state_figures(session, force.participating)
    counted = {s.usps for s in reference.counted_states()}
    territories = sorted(usps for usps in per_state if usps not in counted)
    top = sorted(per_state.items(), key=lambda kv: (-kv[1]["rows"], kv[0]))[:TOP_STATES]
    models = []
    p = stats["participating"]
    for code, model in catalog().models.items():
        models.append({"code": code, "name": model.name, "moas": p["by_model"].get(code, 0) if p else 0, "summary": model.summary.text, "sources": [s.title for s in model.summary.sources]})
    return {
        "as_of": stats["as_of"],
        "stats": stats,
        "participating": force.participating,
        "pending": force.pending,
        "participating_label": label(force.participating) if force.participating else None,
        "pending_label": label(force.pending) if force.pending else None,
        "models": models,
        "top_states": [{"usps": usps, "name": state_name(usps) or usps, **counts} for usps, counts in top],
        "states_listed": len(per_state),
        # ICE's count of states (stats) takes in the territories; the map counts the 50 states and DC only:
        # each figure says which it is, so the two can be told apart on one page.
        "states_caption": "states and territories" if territories else "states",
        "territories": territories,
        "states_on_map": len(per_state) - len(territories),
        "map_svg": map_svg,
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
    }


_LATIN1 = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


def _text(value) -> str:
    """The PDF's built-in fonts cover Latin-1; other characters become '?' rather than failing, and control
    characters (a file name may hold one) a space, as in the map on the same page."""
    return xml_text(value).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def factsheet_pdf(sheet: dict) -> bytes:
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 14, 15)
    pdf.add_page()
    pdf.set_title(_text(f"The 287(g) program as of {sheet['as_of']}"))
    pdf.set_creator(f"g287 {sheet['version']}")
    width = pdf.w - 30
    p, q = sheet["stats"]["participating"], sheet["stats"]["pending"]

    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(width, 9, _text(f"The 287(g) program as of {sheet['as_of']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(width, 4.5, _text("Figures from U.S. Immigration and Customs Enforcement's published lists of 287(g) participating and pending agencies, as held by the g287 registry. One MOA is one row of ICE's participating list, as ICE counts them."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if not p:
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(width, 8, _text(f"No participating list had been published on or before {sheet['as_of']}."), new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())

    boxes = [(f"{p['moas']:,}", "MOAs"), (f"{p['agencies']:,}", "agencies"), (str(p["states"]), sheet["states_caption"])]
    if q:
        boxes.append((f"{q['listings']:,}", "pending listings"))
    box = width / len(boxes)
    top = pdf.get_y()
    for index, (value, caption) in enumerate(boxes):
        x = 15 + index * box
        pdf.set_fill_color(244, 244, 246)
        pdf.rect(x + 1, top, box - 2, 20, style="F")
        pdf.set_xy(x + 1, top + 2)
        pdf.set_font("Helvetica", "B", 20)
        pdf.cell(box - 2, 9, value, align="C")
        pdf.set_xy(x + 1, top + 12)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(box - 2, 5, caption, align="C")
    pdf.set_xy(15, top + 22)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(width, 4, _text(f"Source: ICE's participating list of {sheet['participating_label']} ({p['publication']})" + (f"; pending: ICE's pending list of {sheet['pending_label']} ({q['publication']})." if q else ".")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    if sheet["map_svg"]:
        top = pdf.get_y()
        pdf.image(io.BytesIO(svg_to_png(sheet["map_svg"], zoom=1.4)), x=15, y=top, w=width, h=MAP_HEIGHT_MM, keep_aspect_ratio=True)
        pdf.set_y(top + MAP_HEIGHT_MM + 1)

    _heading(pdf, width, "The three models")
    for model in sheet["models"]:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(width, 5, _text(f"{model['name']} ({model['code']}): {model['moas']:,} MOAs"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(width, 4.2, _text(f"{model['summary']} (Source: {'; '.join(model['sources'])}.)"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    _heading(pdf, width, "By agency type")
    pdf.set_font("Helvetica", "", 9)
    types = {"county": "County", "municipality": "Municipality", "state_agency": "State agency", "other": "Other", "unknown": "Unknown"}
    pdf.cell(width, 5, _text(", ".join(f"{types.get(k, k)}: {v:,}" for k, v in p["by_agency_type"].items() if v)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)

    _heading(pdf, width, f"States with the most MOAs ({sheet['states_listed']} {sheet['states_caption']} listed)")
    pdf.set_font("Helvetica", "B", 9)
    columns = [("State", 0.34), ("MOAs", 0.13), ("Agencies", 0.13), ("JEM", 0.13), ("TFM", 0.13), ("WSO", 0.14)]
    for name, share in columns:
        pdf.cell(width * share, 5, name, border="B", align="L" if name == "State" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in sheet["top_states"]:
        values = [row["name"], f"{row['rows']:,}", f"{row['agencies']:,}"] + [f"{row['by_model'].get(m, 0):,}" for m in ("JEM", "TFM", "WSO")]
        for (name, share), value in zip(columns, values):
            pdf.cell(width * share, 4.6, _text(value), align="L" if name == "State" else "R")
        pdf.ln()

    pdf.set_xy(15, pdf.h - 24)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(
        width, 3.6,
        _text(
            "Definitions: MOAs are the rows of ICE's participating list in force on the date (the latest published on or before it); "
            "agencies and states are the distinct agencies and states those rows name; pending listings are the rows of ICE's pending list in force. "
            + (
                f"The states counted include the territories ({', '.join(sheet['territories'])}), as ICE counts them; the map counts and draws "
                f"the 50 states and DC only ({sheet['states_on_map']} of 51 with an agreement). "
                if sheet["territories"]
                else ""
            )
            + f"Generated from the data by g287 {sheet['version']} on {sheet['generated']}; never typed by hand. g287 describes the program; it does not argue for or against it."
        ),
        new_x="LMARGIN", new_y="NEXT",
    )
    return bytes(pdf.output())


def _heading(pdf: FPDF, width: float, text: str) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_text_color(11, 87, 164)
    pdf.cell(width, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
