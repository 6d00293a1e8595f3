"""The fact sheet's file name: ICE's two lists of 3 July 2025 (pm), participatingAgencies07032025pm.xlsx and its
__v2, gave sheets of one name (g287-factsheet-2025-07-03-list-2025-07-03pm.pdf), so that a journalist downloading
both kept only the second. A list sharing its date and half names its file and its publication too, in a name fit
for a Content-Disposition header and a disk."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import warnings

from g287.exports.factsheet import factsheet
from g287.exports.ice_workbook import write_ice_workbook
from g287.registry.ingest import ingest_file
from g287.registry.publications import list_publications
from tests.history.builders import row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from g287.web.app import create_app

DAY = dt.date(2025, 7, 3)


def names_in_header(disposition: str) -> tuple[str, str]:
    """The header's two forms of the name: the ASCII fallback (filename) and the exact one (filename*)."""
    fallback = re.fullmatch(r"inline; filename=\"([^\"]*)\"; filename\*=UTF-8''([^;\s\"]+)", disposition)
    assert fallback, disposition
    return fallback[1], urllib.parse.unquote(fallback[2])


def ids_by_file(db) -> dict[str, int]:
    with db.session() as session:
        return {p.file_name: p.id for p in list_publications(session, origin="ice")}


def test_the_bundled_list_sharing_its_date_and_half_names_its_file_in_the_sheets_name(sqlite_site):
    v2 = ids_by_file(sqlite_site.db)["participatingAgencies07032025pm__v2.xlsx"]
    answer = sqlite_site.get("/factsheet.pdf", params={"as_of": DAY.isoformat()})
    assert answer.status_code == 200
    name = f"g287-factsheet-2025-07-03-list-2025-07-03pm-participatingAgencies07032025pm__v2-publication-{v2}.pdf"
    assert names_in_header(answer.headers["content-disposition"]) == (name, name)
    # A list alone on its date and half: named as before.
    answer = sqlite_site.get("/factsheet.pdf", params={"as_of": "2025-07-09"})
    assert names_in_header(answer.headers["content-disposition"]) == ("g287-factsheet-2025-07-09-list-2025-07-09am.pdf",) * 2


def test_each_list_of_one_date_and_half_gives_a_sheet_of_its_own_name(db, actor, tmp_path):
    """Each list of 3 July 2025 (pm) in force in turn (the later modified workbook comes after): ICE's first file
    alone, its __v2, a copy of hostile name (a quote, a control character, a letter beyond ASCII), and a second file
    named as ICE's first. Four sheets, four names; in the header, an ASCII fallback and the exact name."""
    hostile = 'participatingAgencies07032025pm "copia" ñ\x1b.xlsx'
    files = [
        ("first", "participatingAgencies07032025pm.xlsx"),
        ("second", "participatingAgencies07032025pm__v2.xlsx"),
        ("third", hostile),
        ("fourth", "participatingAgencies07032025pm.xlsx"),  # the first's name: apart by its publication only
    ]
    names, ids = [], []
    for hour, (folder, file) in enumerate(files):
        (tmp_path / folder).mkdir()
        rows = [row("TX", f"Police Department {n}", "TFM") for n in range(hour + 1)]
        write_ice_workbook(tmp_path / folder / file, "participating", rows, modified=dt.datetime(2025, 7, 3, 15 + hour))
        result = ingest_file(db, tmp_path / folder / file, actor)
        assert result.status == "ingested", result
        ids.append(result.publication_id)
        with db.session() as session:
            names.append(factsheet(session, DAY)["file_name"])
        if file == hostile:
            with TestClient(create_app(db)) as site:
                disposition = site.get("/factsheet.pdf", params={"as_of": DAY.isoformat()}).headers["content-disposition"]
    lead = "g287-factsheet-2025-07-03-list-2025-07-03pm"
    assert names == [
        f"{lead}.pdf",  # alone on its date and half
        f"{lead}-participatingAgencies07032025pm__v2-publication-{ids[1]}.pdf",
        f"{lead}-participatingAgencies07032025pm_copia_ñ-publication-{ids[2]}.pdf",
        f"{lead}-participatingAgencies07032025pm-publication-{ids[3]}.pdf",
    ]
    fallback, exact = names_in_header(disposition)
    assert exact == names[2]
    assert fallback == f"{lead}-participatingAgencies07032025pm_copia_n-publication-{ids[2]}.pdf"
    assert all(" " <= c < "\x7f" for c in disposition) and disposition.count('"') == 2


def test_a_long_file_name_is_cut_in_the_sheets_name(db, actor, tmp_path):
    """A name of 137 characters, 237 bytes (any name can be ingested): the sheet's name keeps 80 bytes of it, and stays
    within the 255 bytes a file system takes, whatever the name's characters."""
    for hour, file in enumerate(["participatingAgencies07032025pm.xlsx", "participatingAgencies07032025pm_" + "é" * 100 + ".xlsx"]):
        write_ice_workbook(tmp_path / file, "participating", [row("TX", f"Police Department {hour}", "TFM")], modified=dt.datetime(2025, 7, 3, 15 + hour))
        assert ingest_file(db, tmp_path / file, actor).status == "ingested"
    with db.session() as session:
        name = factsheet(session, DAY)["file_name"]
    second = ids_by_file(db)["participatingAgencies07032025pm_" + "é" * 100 + ".xlsx"]
    assert name == "g287-factsheet-2025-07-03-list-2025-07-03pm-participatingAgencies07032025pm_" + "é" * 24 + f"-publication-{second}.pdf"
    assert len(name.encode("utf-8")) < 255
