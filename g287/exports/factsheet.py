"""The fact sheet: a one-page summary of the figures in force on a date, generated from the data (never typed),
as data for the HTML page and as a PDF drawn with fpdf2 (offline, no browser)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

from fpdf import FPDF
from sqlalchemy.orm import Session

from g287 import __version__, days
from g287.catalog import catalog
from g287.errors import NotFound
from g287.geo import reference
from g287.geo.maps import MAP_HEIGHT, UNMATCHED_ON_THE_WEB, WIDTH, age_note, date_text, list_title, map_figure, publication_name, render_map
from g287.geo.raster import svg_to_png
from g287.registry import figures
from g287.registry.publications import distinct_label, label, named_apart
from g287.registry.queries import data_version, publications_in_force, state_figures, state_name
from g287.wording import counted, noun
from g287.xmlchars import xml_text

TOP_STATES = 10
MAP_HEIGHT_MM = 62
MAP_ASPECT = WIDTH / MAP_HEIGHT  # the map area's width over its height


def factsheet(session: Session, as_of: dt.date | None = None) -> dict:
    """Everything the fact sheet shows, each figure with its publication, and the map of MOAs by state."""
    # One date for the title, the figures and the map: without one, the map was drawn "as of" the list's own
    # publication date under a title saying today's.
    day = as_of or days.today()
    force = publications_in_force(session, day)
    try:
        map_svg = render_map(session, "state", day, None, "moas", None, map_id="factsheet-map", web=True)
        # The PDF draws the map area alone as an image and sets its title, legend and notes as text: drawn inside
        # the image, the legend shrank with it to about 3 pt.
        figure = map_figure(session, "state", day, None, "moas", None, map_id="factsheet-map")
    except NotFound:
        map_svg = figure = None  # no participating list in force: the sheet says so
    stats = figures.stats(session, day)
    per_state = state_figures(session, force.participating)
    counted_usps = {s.usps for s in reference.counted_states()}
    territories = sorted(usps for usps in per_state if usps not in counted_usps)
    top, tie = _top_states(per_state)
    models = []
    p, q = stats["participating"], stats["pending"]
    for code, model in catalog().models.items():
        moas = p["by_model"].get(code, 0) if p else 0
        models.append({"code": code, "name": model.name, "moas": moas, "moas_text": counted(moas, "MOA"), "summary": model.summary.text, "sources": [s.title for s in model.summary.sources]})
    # States are the 50 and DC, in the figures as on the map; the territories are counted apart, beside them.
    places = {"states": len(per_state) - len(territories), "territories": len(territories)}
    return {
        "as_of": stats["as_of"],
        **_title(force, as_of),
        "stats": stats,
        "participating": force.participating,
        "pending": force.pending,
        "participating_label": label(force.participating) if force.participating else None,
        "pending_label": label(force.pending) if force.pending else None,
        "models": models,
        # MOAs whose SUPPORT TYPE gives none of the three models: counted in the MOAs, under no model, said beside
        # the three (which alone summed to fewer MOAs than the sheet's count, the rest unsaid).
        "model_unknown_text": _model_unknown(p),
        "top_states": [{"usps": usps, "name": state_name(usps) or usps, **counts} for usps, counts in top],
        "top_states_tie": tie,
        "states_listed": len(per_state),
        "states_listed_text": figures.in_places(places),
        "cards": _cards(p, q),
        "pending_by_model": ", ".join(f"{m} {n:,}" for m, n in q["by_model"].items()) if q else "",
        "territories": territories,
        "map_svg": map_svg,
        "map": figure,
        **_generated(data_version(session).modified_at),
    }


# The PDF's creation date when no change of the data is recorded (an empty registry): a fixed time, as the
# workbooks' parts carry one (1980-01-01, Excel's), never the moment of writing.
NO_CHANGE_RECORDED = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


def _generated(changed: dt.datetime | None) -> dict:  # aware, UTC: data_version
    """When the sheet's data last changed (as the site's Last-Modified gives it), and its words: the sheet is dated
    by its data, never by the moment it is made, so that the same data always gives the same PDF, byte for byte
    (its creation date is that time too). Made twice from the same data, it said two times."""
    when = f" (last changed {changed:%Y-%m-%d %H:%M} UTC)" if changed else ""
    return {
        "version": __version__,
        "data_changed_at": changed or NO_CHANGE_RECORDED,
        "generated": f"Generated from the data{when} by g287 {__version__}",
    }


def _model_unknown(p: dict | None) -> str | None:
    unknown = p["by_model"].get("unknown", 0) if p else 0
    if not unknown:
        return None
    return f"Model unknown: {counted(unknown, 'MOA')} whose SUPPORT TYPE gives none of the three models (counted in the MOAs above; see the quality register)."


def _title(force, as_of: dt.date | None) -> dict:
    """The sheet's title names the list its figures come from, never "as of" a day: printed in November, a sheet of
    July's list titled with the day read as November's figures. `lead` says which list and why that one (the latest
    held, or the one in force on the date chosen); `age_note` how old the latest is when it is not today's."""
    publication = force.participating or force.pending
    chosen = f"{force.as_of.isoformat()}-" if as_of is not None else ""
    if publication is None:
        return {
            "title": f"The 287(g) program: no list of ICE's held on or before {date_text(force.as_of)}", "title_file": None, "lead": "", "why": "", "age_note": None,
            "file_name": f"g287-factsheet-{force.as_of.isoformat()}-no-list.pdf",
        }
    # Named by its file too when another list of its series has its date and half (ICE's two files of 3 July 2025,
    # pm), as its distinct label names it: by date alone, the title and the lead were either file's.
    named = distinct_label(publication)
    apart = named_apart(publication, named)
    if force.participating is not None:
        title = f"The 287(g) program in {list_title(publication.published_on, apart)}"
    else:
        title = f"The 287(g) program in ICE's pending list of {date_text(publication.published_on)}{apart}"
    why = "the latest this registry holds" if as_of is None else f"the list in force on {date_text(as_of)}"
    return {
        "title": title,
        "title_file": publication.file_name if apart else None,  # in the title (and the map's), which the PDF may cut
        "lead": f"Figures from {publication_name(publication, named)}, {why}.",
        "why": why,  # the page says it beside the list's name in its source line (printed, the sheet fits one page)
        "age_note": age_note(publication, as_of, days.today(), force.is_newest(publication.kind)),
        # Named by its list, as titled (and by the date chosen, when one is): a name with the day of the download
        # said that July's figures were November's.
        "file_name": f"g287-factsheet-{chosen}{'' if force.participating else 'pending-'}list-{publication.published_on.isoformat()}{publication.half or ''}{_file_apart(publication, apart)}.pdf",
    }


FILE_PART_BYTES = 80  # of a list's file name in the sheet's own: the whole stays within 255 bytes, any file system's limit


def _file_apart(publication, apart: str) -> str:
    """What the sheet's file name adds to its list's date and half when another list of its series has them too
    (ICE's two files of 3 July 2025, pm): the list's file name, without its extension and with any character that
    is not a letter, a digit, "-", "_" or "." as "_" (no quote, control or path character reaches the download's
    header or a disk), cut to FILE_PART_BYTES; then the publication's id (its page is /publications/ID), which
    tells apart what the name alone may not: two files of one name, names cut alike, "x.xlsx" and "x.csv".
    Without it the two sheets of 3 July 2025 had one name, and the second download replaced the first."""
    if not apart:
        return ""
    stem = re.sub(r"[^\w.-]+", "_", publication.file_name.rsplit(".", 1)[0]).strip("._-")
    stem = stem.encode("utf-8")[:FILE_PART_BYTES].decode("utf-8", "ignore").rstrip("._-")
    return f"-{stem}-publication-{publication.id}" if stem else f"-publication-{publication.id}"


def _top_states(per_state: dict[str, dict]) -> tuple[list[tuple[str, dict]], str]:
    """The TOP_STATES states with the most MOAs, with every state tied with the last of them (cut at the 10th row,
    a tie dropped states with as many MOAs as one shown, by their code), and the words saying the tie ("" if none)."""
    ranked = sorted(per_state.items(), key=lambda kv: (-kv[1]["rows"], kv[0]))
    if len(ranked) <= TOP_STATES:
        return ranked, ""
    last = ranked[TOP_STATES - 1][1]["rows"]
    top = [kv for kv in ranked if kv[1]["rows"] >= last]
    if len(top) == TOP_STATES:
        return top, ""
    place = next(i for i, (_, counts) in enumerate(ranked) if counts["rows"] == last) + 1
    tied = sum(1 for _, counts in ranked if counts["rows"] == last)
    return top, f"{tied} tie for {_ordinal(place)} place with {counted(last, 'MOA')} each, all shown"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _cards(p: dict | None, q: dict | None) -> list[dict]:
    """The headline figures as (value, caption): the participating list's, with the pending listings; or, before
    any participating list, the pending list's own. Never a card without a figure. The states are the 50 and DC:
    the territories named are said in the states' caption, never counted among them."""
    if p:
        cards = [(p["moas"], noun(p["moas"], "MOA")), (p["agencies"], noun(p["agencies"], "agency")), (p["states"], noun(p["states"], "state") + _territories_beside(p))]
        if q:
            cards.append((q["listings"], noun(q["listings"], "pending listing")))
    elif q:
        cards = [(q["listings"], noun(q["listings"], "pending listing")), (q["agencies"], noun(q["agencies"], "pending agency", "pending agencies")), (q["states"], noun(q["states"], "state") + _territories_beside(q))]
    else:
        cards = []
    return [{"value": f"{value:,}", "caption": caption} for value, caption in cards]


def _territories_beside(list_figures: dict) -> str:
    return f" (and {counted(list_figures['territories'], 'territory', 'territories')})" if list_figures.get("territories") else ""


_LATIN1 = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


def _text(value) -> str:
    """The PDF's built-in fonts cover Latin-1; other characters become '?' rather than failing, and control
    characters (a file name may hold one) a space, as in the map on the same page."""
    return xml_text(value).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


# Layouts tried in turn, roomiest first, until the whole sheet fits one page: the line height of the title, the
# map's height, the line height of the models' summaries, and the height and font size of the states table's rows.
# The fourth is for a title on two lines (one naming its list's file too: ICE's list of 3 July 2025, pm, and its
# __v2), which the others left without room for the definitions; the fifth for a list named so whose file name is
# longer than ICE's, which takes a line more in the lead, the source line and the map's title (LONGEST_NAME_MM).
# When even the most compact does not fit, the sheet flows on: the table continues on a second page (its header
# repeated), the definitions below it.
LAYOUTS = (
    {"title": 9, "map": MAP_HEIGHT_MM, "summary": 4.2, "row": 4.6, "font": 9},
    {"title": 9, "map": 56, "summary": 4.0, "row": 4.2, "font": 8.5},
    {"title": 9, "map": 50, "summary": 3.8, "row": 3.9, "font": 8},
    {"title": 7.5, "map": 50, "summary": 3.6, "row": 3.6, "font": 8},
    {"title": 7.5, "map": 44, "summary": 3.4, "row": 3.3, "font": 7.5},
)
MARGIN_MM = 15
TOP_MM = 14
BOTTOM_MM = 10  # nothing is drawn below pdf.h - BOTTOM_MM
DEFINITIONS_LINE_MM = 3.6
COLUMNS = [("State", 0.34), ("MOAs", 0.13), ("Agencies", 0.13), ("JEM", 0.13), ("TFM", 0.13), ("WSO", 0.14)]


# A list's file name is set whole on the printed sheet up to LONGEST_NAME_MM wide at 9 pt (ICE's
# participatingAgencies07032025pm__v2.xlsx: 62 mm); a wider one is cut in its middle, its start and its end kept
# (the end is where a copy's suffix is, __v2, and the extension). Any name can be ingested: one of 120 characters,
# set whole, took a line more in the lead, the source line and each title, and pushed the definitions onto a second
# page. In the sheet's title and the map's, a name is cut further when it would take them past TITLE_LINES and
# MAP_TITLE_LINES lines (ICE's __v2 takes two and three). Widths and lines are measured, not counted in
# characters: a W is nearly twice as wide as an x.
LONGEST_NAME_MM = 100
TITLE_LINES = 2
MAP_TITLE_LINES = 3
SHORTEST_CUT = 12  # characters of a cut name kept, at the least, around its "..."


def _longest_cut(name: str, fits) -> str:
    """`name` whole when it `fits`, else the longest cut of it that does (SHORTEST_CUT characters at the least)."""
    if len(name) <= SHORTEST_CUT + 3 or fits(name):
        return name

    def cut(keep: int) -> str:
        end = keep // 3
        return f"{name[:keep - end]}...{name[len(name) - end:]}"

    shortest, longest = SHORTEST_CUT, len(name) - 1  # by halves: a name may be 255 characters long
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if fits(cut(middle)):
            shortest = middle
        else:
            longest = middle - 1
    return cut(shortest)


def _fitted(pdf: FPDF, width: float, text: str, name: str | None, most_lines: int) -> str:
    """`text` as set on at most `most_lines` lines `width` mm wide in the font set, the file name in it (`name`,
    its last occurrence) cut as little as that takes (_longest_cut). A text too long even so keeps the shortest cut:
    the layouts that follow make the room, else the sheet flows on."""
    if not name or name not in text:
        return text
    head, tail = text.rsplit(name, 1)
    return head + _longest_cut(name, lambda short: len(pdf.multi_cell(width, 1, _text(head + short + tail), dry_run=True, output="LINES")) <= most_lines) + tail


class _Overflow(Exception):
    """The sheet does not fit one page in the layout tried."""


def factsheet_pdf(sheet: dict, method_page: str | None = None) -> bytes:
    """The sheet as a one-page PDF. On paper the map's note that the unmatched county texts are "listed on the
    method page" leads nowhere: it names the page's address (`method_page`, the site's /about#unmatched when the
    site makes the PDF), or else the command that lists them."""
    figure = sheet.get("map")
    if figure is not None:
        where = f"{UNMATCHED_ON_THE_WEB}, {method_page}" if method_page else "listed by the command `g287 counties unmatched`"
        figure = dataclasses.replace(figure, caption=[line.replace(UNMATCHED_ON_THE_WEB, where) for line in figure.caption])
        sheet = dict(sheet, map=figure)
    map_png = svg_to_png(figure.svg, zoom=1.4) if figure is not None else None
    sheet = _names_cut(sheet)
    for layout in LAYOUTS:
        try:
            return bytes(_draw(sheet, map_png, layout, one_page=True).output())
        except _Overflow:
            continue
    return bytes(_draw(sheet, map_png, LAYOUTS[-1], one_page=False).output())


def _names_cut(sheet: dict) -> dict:
    """The sheet with the file names of its lists cut to LONGEST_NAME_MM wherever the PDF sets them: its title and
    the map's, its lead and its source line, each name cut alike in all. The PDF's properties keep the whole title."""
    p, q = sheet["stats"]["participating"], sheet["stats"]["pending"]
    names = {sheet.get("title_file")} | {figures["publication"] for figures in (p, q) if figures}
    measure = FPDF(unit="mm")
    measure.set_font("Helvetica", "", 9)
    shortened = {name: _longest_cut(name, lambda short: measure.get_string_width(_text(short)) <= LONGEST_NAME_MM) for name in names if name}
    cuts = sorted(((name, short) for name, short in shortened.items() if short != name), key=lambda cut: -len(cut[0]))
    if not cuts:
        return sheet

    def cut(text: str) -> str:
        for name, short in cuts:  # the longest first: a name may hold another
            text = text.replace(name, short)
        return text

    stats = dict(sheet["stats"], **{kind: dict(figures, publication=cut(figures["publication"])) for kind, figures in (("participating", p), ("pending", q)) if figures})
    figure = sheet.get("map")
    return dict(
        sheet,
        full_title=sheet["title"],
        title=cut(sheet["title"]),
        title_file=cut(sheet["title_file"]) if sheet.get("title_file") else None,
        lead=cut(sheet["lead"]),
        stats=stats,
        map=dataclasses.replace(figure, title=cut(figure.title)) if figure is not None else None,
    )


def definitions(sheet: dict) -> str:
    """The definitions paragraph at the foot of the sheet."""
    if not sheet["stats"]["participating"]:
        lead = "Definitions: pending listings are the rows of ICE's pending list in force on the date (the latest held by this registry and published on or before it); agencies (as this registry counts them) and states are the distinct ones those rows name. "
    else:
        lead = (
            "Definitions: MOAs are the rows of ICE's participating list in force on the date (the latest held by this registry and published on or before it); "
            "agencies (as this registry counts them) and states are the distinct ones those rows name; pending listings are the rows of ICE's pending list in force. "
        )
    return _text(
        lead
        + (
            f"States are the 50 states and DC; the territories the rows name ({', '.join(sheet['territories'])}) are counted apart, "
            "and are not drawn on the map. "
            if sheet["territories"]
            else ""
        )
        + f"{sheet['generated']}; never typed by hand. g287 describes the program; it does not argue for or against it."
    )


def _draw(sheet: dict, map_png: bytes | None, layout: dict, one_page: bool) -> FPDF:
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, TOP_MM, MARGIN_MM)
    pdf.add_page()
    pdf.set_title(_text(sheet.get("full_title", sheet["title"])))
    pdf.set_creator(f"g287 {sheet['version']}")
    pdf.set_creation_date(sheet["data_changed_at"])
    width = pdf.w - 2 * MARGIN_MM
    bottom = pdf.h - BOTTOM_MM
    p, q = sheet["stats"]["participating"], sheet["stats"]["pending"]

    def room(height: float) -> None:
        """Make room for `height` mm below the cursor: on this page, else (flowing) on a new one."""
        if pdf.get_y() + height <= bottom:
            return
        if one_page:
            raise _Overflow
        pdf.add_page()

    def lines(text: str, line: float) -> float:
        return len(pdf.multi_cell(width, line, text, dry_run=True, output="LINES")) * line

    pdf.set_font("Helvetica", "B", 18)
    # Wraps rather than running off the page; set flush left, as justified a title naming a file spread its first line.
    title = _fitted(pdf, width, sheet["title"], sheet.get("title_file"), TITLE_LINES)
    pdf.multi_cell(width, layout["title"], _text(title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(width, 4.5, _text(" ".join(filter(None, [
        sheet["lead"],
        "ICE (U.S. Immigration and Customs Enforcement) publishes the lists of 287(g) participating and pending agencies; the g287 registry keeps them. One MOA is one row of ICE's participating list, as ICE counts them.",
    ]))), new_x="LMARGIN", new_y="NEXT")
    if sheet["age_note"]:
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(width, 4.5, _text(sheet["age_note"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if not p and not q:
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(width, 6, _text(f"This registry holds no list of ICE's published on or before {sheet['as_of']}."), new_x="LMARGIN", new_y="NEXT")
        return pdf
    if not p:
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(width, 5.5, _text(f"This registry holds no participating list of ICE's published on or before {sheet['as_of']}; ICE's pending list in force on that date:"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    cards = sheet["cards"]
    box = width / len(cards)
    top = pdf.get_y()
    for index, card in enumerate(cards):
        x = MARGIN_MM + index * box
        pdf.set_fill_color(244, 244, 246)
        pdf.rect(x + 1, top, box - 2, 20, style="F")
        pdf.set_xy(x + 1, top + 2)
        pdf.set_font("Helvetica", "B", 20)
        pdf.cell(box - 2, 9, _text(card["value"]), align="C")
        pdf.set_xy(x + 1, top + 12)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(box - 2, 5, _text(card["caption"]), align="C")
    pdf.set_xy(MARGIN_MM, top + 22)
    pdf.set_font("Helvetica", "I", 8)
    if p:
        source = f"Source: ICE's participating list of {sheet['participating_label']} ({p['publication']})" + (f"; pending: ICE's pending list of {sheet['pending_label']} ({q['publication']})." if q else ".")
    else:
        source = f"Source: ICE's pending list of {sheet['pending_label']} ({q['publication']})."
    if p and sheet.get("map") is not None and len(sheet["map"].subtitle) > 1:
        # The counties' vintage and boundaries, which the map's image bore before its legend was set as text.
        source += " " + sheet["map"].subtitle[1]
    pdf.multi_cell(width, 4, _text(source), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    if p:
        if map_png:
            _map(pdf, sheet["map"], map_png, layout["map"], width, room, sheet.get("title_file"))

        room(7 + 5)
        _heading(pdf, width, "The three models")
        for model in sheet["models"]:
            pdf.set_font("Helvetica", "", 9)
            summary = _text(f"{model['summary']} (Source: {'; '.join(model['sources'])}.)")
            room(5 + lines(summary, layout["summary"]))
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(width, 5, _text(f"{model['name']} ({model['code']}): {model['moas_text']}"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(width, layout["summary"], summary, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        if sheet["model_unknown_text"]:
            pdf.set_font("Helvetica", "B", 10)
            room(lines(_text(sheet["model_unknown_text"]), 5))
            pdf.multi_cell(width, 5, _text(sheet["model_unknown_text"]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)

        room(7 + 5)
        _heading(pdf, width, "MOAs by agency type (TYPE column)")  # rows, not the agencies counted above
        pdf.set_font("Helvetica", "", 9)
        types = {"county": "County", "municipality": "Municipality", "state_agency": "State agency", "other": "Other", "unknown": "Unknown"}
        pdf.cell(width, 5, _text(", ".join(f"{types.get(k, k)}: {v:,}" for k, v in p["by_agency_type"].items() if v)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

        if sheet["top_states"]:
            room(7 + 5 + layout["row"] + (5 if sheet["top_states_tie"] else 0))
            _heading(pdf, width, f"States with the most MOAs ({sheet['states_listed_text']} listed)")
            if sheet["top_states_tie"]:
                pdf.set_font("Helvetica", "", 9)
                pdf.cell(width, 5, _text(sheet["top_states_tie"].capitalize() + "."), new_x="LMARGIN", new_y="NEXT")
            _table_header(pdf, width, layout)
            for row in sheet["top_states"]:
                if pdf.get_y() + layout["row"] > bottom:
                    room(layout["row"])  # raises on one page; else a new page...
                    _table_header(pdf, width, layout)  # ...with the header repeated
                values = [row["name"], f"{row['rows']:,}", f"{row['agencies']:,}"] + [f"{row['by_model'].get(m, 0):,}" for m in ("JEM", "TFM", "WSO")]
                for (name, share), value in zip(COLUMNS, values):
                    pdf.cell(width * share, layout["row"], _text(value), align="L" if name == "State" else "R")
                pdf.ln()
    elif sheet["pending_by_model"]:
        _heading(pdf, width, "Pending listings by model")
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(width, 5, _text(sheet["pending_by_model"]), new_x="LMARGIN", new_y="NEXT")

    # The definitions: at the foot of the page when there is room below what is drawn, else right below it (on a
    # new page when flowing); never at a fixed place over the table.
    text = definitions(sheet)
    pdf.set_font("Helvetica", "", 7.5)
    height = lines(text, DEFINITIONS_LINE_MM)
    pdf.set_y(pdf.get_y() + 3)
    first_page = pdf.page == 1
    room(height)
    if first_page and pdf.page == 1:
        pdf.set_y(max(pdf.get_y(), bottom - height))
    pdf.set_x(MARGIN_MM)
    pdf.multi_cell(width, DEFINITIONS_LINE_MM, text, new_x="LMARGIN", new_y="NEXT")
    return pdf


LEGEND_PT = 8  # the map's legend; its notes are set at NOTES_PT (the definitions' size), none below 7 pt
NOTES_PT = 7.5


def _map(pdf: FPDF, figure, png: bytes, height: float, width: float, room, title_file: str | None) -> None:
    """The map area as an image (its own aspect ratio, `height` mm high) and, on its right, its title, legend and
    notes set as text at a readable size; the block is as high as the taller of the two. `title_file`: the list's
    file name in the map's title, cut to keep the title within MAP_TITLE_LINES (see _fitted)."""
    image_width = height * MAP_ASPECT
    x = MARGIN_MM + image_width + 4
    panel = width - image_width - 4
    pdf.set_font("Helvetica", "B", 9)
    texts = [("B", 9, 3.8, _fitted(pdf, panel, figure.title, title_file, MAP_TITLE_LINES))]
    if figure.legend_title:
        texts.append(("B", LEGEND_PT, 3.6, figure.legend_title))
    notes = [("", NOTES_PT, 3.2, line) for line in figure.caption + figure.notes]

    def measured(style, size, line, text, indent=0.0) -> float:
        pdf.set_font("Helvetica", style, size)
        return len(pdf.multi_cell(panel - indent, line, _text(text), dry_run=True, output="LINES")) * line

    swatch = 5.0  # the swatch and the gap before its text
    needed = sum(measured(*t) for t in texts) + sum(measured("", LEGEND_PT, 3.8, item["text"], swatch) + 0.6 for item in figure.legend)
    needed += 1.5 + sum(measured(*n) for n in notes)
    block = max(height, needed)
    room(block + 1)
    top = pdf.get_y()
    pdf.image(io.BytesIO(png), x=MARGIN_MM, y=top, w=image_width, h=height, keep_aspect_ratio=True)
    pdf.set_xy(x, top)
    for style, size, line, text in texts:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(x)
        pdf.multi_cell(panel, line, _text(text), new_x="LEFT", new_y="NEXT")
    pdf.set_draw_color(119, 119, 119)
    pdf.set_line_width(0.15)
    pdf.set_font("Helvetica", "", LEGEND_PT)
    for item in figure.legend:
        y = pdf.get_y() + 0.3
        colour = item["colour"].lstrip("#")
        pdf.set_fill_color(*(int(colour[i:i + 2], 16) for i in (0, 2, 4)))
        pdf.rect(x, y + 0.4, 3.6, 3.0, style="DF")
        pdf.set_xy(x + swatch, y)
        pdf.multi_cell(panel - swatch, 3.8, _text(item["text"]), new_x="LEFT", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 1.5)
    for style, size, line, text in notes:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(x)
        pdf.multi_cell(panel, line, _text(text), new_x="LEFT", new_y="NEXT")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(MARGIN_MM, top + block + 1)


def _table_header(pdf: FPDF, width: float, layout: dict) -> None:
    pdf.set_font("Helvetica", "B", layout["font"])
    for name, share in COLUMNS:
        pdf.cell(width * share, 5, name, border="B", align="L" if name == "State" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", layout["font"])


def _heading(pdf: FPDF, width: float, text: str) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_text_color(11, 87, 164)
    pdf.cell(width, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
