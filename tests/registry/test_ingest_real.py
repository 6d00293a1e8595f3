"""Ingesting ICE's real publications: the figures ICE published, and every quirk the samples hold."""

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import func, select, text

from g287.db.models.registry import Agency, AgencyName, Agreement, Publication, PublicationRows, QualityIssue, RawRow
from g287.registry import figures, quality
from g287.registry.batch import expand_paths
from g287.registry.ingest import ingest_file
from g287.registry.publications import in_force, list_publications, resolve
from g287.registry.runs import decode_row_map
from tests.conftest import ICE, ICE_CSV, ROOT, make_database, snapshot

SHARED = ROOT.parent / "shared" / "data" / "ice"


def test_bundled_copies_are_the_published_files():
    """The repository's copies are byte for byte the files in ../shared/data/ice (when that folder is here)."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data/ice is not on this machine (a fresh clone): nothing to compare")
    for original in expand_paths([str(SHARED)]):
        relative = original.relative_to(SHARED)
        # The archive's CSV conversions are test data here (tests/data/ice-csv), apart from ICE's own files.
        copy = ICE_CSV / relative.name if relative.parts[0] == "csv" else ICE / relative
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(original.read_bytes()).hexdigest()


def test_29_may_2025_figures(bundled_db):
    with bundled_db.session() as session:
        result = figures.stats(session, dt.date(2025, 5, 29))
    p = result["participating"]
    assert p["publication"] == "participatingAgencies05292025am.xlsx"
    assert p["moas"] == 635
    assert p["states"] == 40
    assert p["by_model"] == {"JEM": 100, "TFM": 307, "WSO": 228}
    assert sum(p["by_agency_type"].values()) == 635
    assert 0 < p["agencies"] < 635
    assert result["pending"]["publication"] == "pendingAgencies05152025am.xlsx"
    assert result["pending"]["listings"] == 92


def test_every_publication_reproduces_its_own_row_count(bundled_db):
    """Each publication lists exactly its rows with data; every other source row has a register entry."""
    with bundled_db.session() as session:
        for publication in list_publications(session):
            rows = figures.listed(session, publication)
            assert len(rows) == publication.listing_count
            skipped = session.scalar(
                select(func.coalesce(func.sum(QualityIssue.rows_skipped), 0)).where(
                    QualityIssue.publication_id == publication.id, QualityIssue.category == "not_a_listing"
                )
            )
            assert publication.listing_count + skipped == publication.source_rows, publication.file_name


@pytest.mark.parametrize(
    "file, rows",
    [
        ("participatingAgencies05162025am.xlsx", 571),
        ("participatingAgencies05292025am.xlsx", 635),
        ("participatingAgencies06172025pm.xlsx", 706),
        ("participatingAgencies06202025am.xlsx", 719),
        ("participatingAgencies07032025pm.xlsx", 753),
        ("participatingAgencies07032025pm__v2.xlsx", 777),
        ("participatingAgencies07092025am.xlsx", 807),
        ("pendingAgencies05152025am.xlsx", 92),
        ("pendingAgencies05302025pm.xlsx", 82),
        ("pendingAgencies07032025pm.xlsx", 47),
        ("pendingAgencies07112025am_b.xlsx", 39),
    ],
)
def test_listing_counts(bundled_db, file, rows):
    with bundled_db.session() as session:
        assert resolve(session, file).listing_count == rows


def register_of(db, file):
    with db.session() as session:
        return quality.register(session, resolve(session, file))


def test_trailing_formatted_rows_are_not_listings(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies05162025am.xlsx") if e.category == "not_a_listing"]
    assert [(e.row, e.rows_skipped, e.raw_value) for e in entries] == [(573, 14, "rows 573-586")]


def test_hidden_rows_are_listings(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies06202025am.xlsx") if "hidden" in e.problem]
    assert len(entries) == 1 and entries[0].problem.startswith("371 rows hidden")
    with bundled_db.session() as session:
        assert resolve(session, "participatingAgencies06202025am.xlsx").listing_count == 719
    pending = [e for e in register_of(bundled_db, "pendingAgencies07032025pm.xlsx") if "hidden" in e.problem]
    assert pending[0].problem.startswith("32 rows hidden")


def test_error_cells_are_unknown_not_names(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies05162025am.xlsx") if e.problem == "Excel error value instead of county"]
    assert len(entries) == 165
    assert {e.raw_value for e in entries} == {"#N/A"} and {e.column for e in entries} == {"COUNTY"}
    with bundled_db.session() as session:
        assert session.scalar(select(func.count()).select_from(RawRow).where(RawRow.county_text == "#N/A")) == 0
        assert session.scalar(select(func.count()).select_from(Agency).where(Agency.county_text.like("#%"))) == 0


def test_placeholder_county(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies05162025am.xlsx") if e.problem == "placeholder instead of county"]
    assert [(e.row, e.raw_value) for e in entries] == [(305, "N/A")]
    with bundled_db.session() as session:
        assert session.scalar(select(func.count()).select_from(RawRow).where(RawRow.county_text == "N/A")) == 0


def test_dates_with_typos_and_impossible_years(bundled_db):
    may = {e.row: e for e in register_of(bundled_db, "participatingAgencies05162025am.xlsx") if e.column == "SIGNED"}
    assert may[545].raw_value == "05/082025" and may[545].action == "read as 2025-05-08"
    july = {e.row: e for e in register_of(bundled_db, "participatingAgencies07092025am.xlsx") if e.column == "SIGNED"}
    assert july[730].raw_value == "7/72025" and july[730].action == "read as 2025-07-07"
    assert july[617].raw_value == "5025-07-07" and july[617].action == "signed date unknown" and july[617].category == "unknown"


def test_misspelled_state_repaired_and_registered(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies07032025pm__v2.xlsx") if e.column == "STATE"]
    assert [(e.row, e.raw_value, e.action) for e in entries] == [(723, "UTAHJ", "read as Utah")]
    with bundled_db.session() as session:
        raw = session.scalars(select(RawRow).where(RawRow.content.like('%"UTAHJ"%'))).one()
        assert raw.state_usps == "UT"


# The COUNTY texts of the bundled lists that name no county of their state, by list: (row, text, category). A
# misspelling with one reading (g287/data/geo/county_fixes.csv) is repaired; the others stay unknown. Counted by
# hand with openpyxl; "Alleghany County" is a Virginia county as written, and only Pennsylvania's is misspelled.
MISNAMED_COUNTIES = {
    "pendingAgencies05152025am.xlsx": {(63, "Allegancy", "repaired")},
    "participatingAgencies05162025am.xlsx": {(337, "Berrian County", "repaired"), (378, "Albemarle County", "unknown")},
    "participatingAgencies05292025am.xlsx": {(377, "Berrian County", "repaired"), (420, "Albemarle County", "unknown")},
    "pendingAgencies05302025pm.xlsx": set(),
    "participatingAgencies06172025pm.xlsx": {(9, "Frankin County", "repaired"), (400, "Berrian County", "repaired"), (448, "Albemarle County", "unknown")},
    "participatingAgencies06202025am.xlsx": {(9, "Frankin County", "repaired"), (406, "Berrian County", "repaired"), (457, "Albemarle County", "unknown")},
    "participatingAgencies07032025pm.xlsx": {
        (9, "Frankin County", "repaired"), (208, "Hopewell County", "repaired"), (416, "Berrian County", "repaired"),
        (470, "Albemarle County", "unknown"), (710, "Hopewell County", "repaired"), (712, "Hopewell County", "repaired"),
    },
    "participatingAgencies07032025pm__v2.xlsx": {
        (10, "Frankin County", "repaired"), (432, "Berrian County", "repaired"), (489, "Albemarle County", "unknown"),
        (734, "Hopewell County", "repaired"), (735, "Hopewell County", "repaired"), (736, "Hopewell County", "repaired"),
    },
    "pendingAgencies07032025pm.xlsx": {(30, "McCorkmick County", "repaired")},
    "participatingAgencies07092025am.xlsx": {
        (14, "Frankin County", "repaired"), (443, "Berrian County", "repaired"), (504, "Albemarle County", "unknown"),
        (571, "McCorkmick County", "repaired"), (765, "Hopewell County", "repaired"), (766, "Hopewell County", "repaired"),
        (767, "Hopewell County", "repaired"),
    },
    "pendingAgencies07112025am_b.xlsx": {
        (7, "Layafette County", "repaired"), (8, "Bowie County", "unknown"), (16, "German Coast County", "unknown"), (27, "Alleghany County", "repaired"),
    },
}


def test_misspelled_and_misplaced_counties_are_registered_in_every_list(bundled_db):
    """Each list's COUNTY texts that name no county of the row's state are registered with the text as published,
    repaired when one county is meant and unknown otherwise; their rows are listings all the same."""
    with bundled_db.session() as session:
        files = {p.file_name for p in list_publications(session)}
    assert files == set(MISNAMED_COUNTIES)
    for file, expected in MISNAMED_COUNTIES.items():
        entries = [e for e in register_of(bundled_db, file) if e.column == "COUNTY" and "does not exist in" in e.problem]
        assert {(e.row, e.raw_value, e.category) for e in entries} == expected, file
        assert len(entries) == len(expected), file
        assert all(e.rows_skipped == 0 for e in entries)
        for e in entries:
            assert e.action.startswith("read as ") if e.category == "repaired" else e.action.startswith("county unknown"), (file, e)
    with bundled_db.session() as session:
        counties = set(session.scalars(select(RawRow.county_text).where(RawRow.county_text.is_not(None))))
    assert {text for rows in MISNAMED_COUNTIES.values() for _row, text, _category in rows} <= counties  # kept as published


def test_spaces_repaired_and_registered(bundled_db):
    pending = register_of(bundled_db, "pendingAgencies07112025am_b.xlsx")
    model = [e for e in pending if e.column == "SUPPORT TYPE" and e.category == "repaired"]
    assert [e.row for e in model] == [6, 8, 15, 22, 25, 26, 27]
    assert all(e.raw_value == "Task Force Model " and e.action == "repaired to 'Task Force Model'" for e in model)
    entries = register_of(bundled_db, "participatingAgencies06202025am.xlsx")
    agency = [e for e in entries if e.column == "LAW ENFORCEMENT AGENCY" and e.raw_value == "Hollywood Police Department "]
    assert [e.row for e in agency] == [143] and agency[0].action == "repaired to 'Hollywood Police Department'"
    with bundled_db.session() as session:
        assert session.scalar(select(func.count()).select_from(AgencyName).where(AgencyName.name.like("% "))) == 0


def test_curly_and_straight_apostrophes_are_one_agency(bundled_db):
    with bundled_db.session() as session:
        names = session.scalars(select(AgencyName).where(AgencyName.state_usps == "WY", AgencyName.key == "laramie county sheriffs office")).all()
        assert len(names) >= 1
        assert len({n.agency_id for n in names}) == 1
        curly = session.scalars(select(AgencyName).where(AgencyName.name == "Laramie County Sheriff’s Office")).one()
        assert curly.agency_id == names[0].agency_id


def test_every_agency_key_is_the_key_of_its_current_name(bundled_db):
    """An agency renamed by a later list (or by joining a renamed agency) gets the key of its new name with it."""
    from g287.registry.names import agency_key

    with bundled_db.session() as session:
        agencies = session.execute(select(Agency.name, Agency.key)).all()
    assert ("Melbourne Police Department", "melbourne police department") in agencies  # "City of Melbourne Police Department" before
    assert [(name, key) for name, key in agencies if key != agency_key(name)] == []


def test_safety_redirects_unwrapped_and_never_stored(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies07092025am.xlsx") if "safety redirect" in e.problem]
    assert entries and entries[0].problem == "207 links wrapped in an e-mail safety redirect"
    with bundled_db.session() as session:
        catoosa = session.scalars(select(RawRow.moa_url).where(RawRow.moa_url.like("%CatoosaCoSheriffsOfficeGA_WSO%"))).first()
        assert catoosa == "https://www.ice.gov/doclib/287gMOA/CatoosaCoSheriffsOfficeGA_WSO_MOA_05.22.25.pdf"
    everything = json.dumps(snapshot(bundled_db))
    for forbidden in ("safelinks", "ERO287g", "Webmaster.ICE", "ice.dhs.gov", "sdata="):
        assert forbidden not in everything


def test_people_in_workbook_metadata_are_not_stored(bundled_db):
    """Who created and last saved each workbook (docProps/core.xml), and the personal OneDrive folder of the one who
    saved four of them (absPath in xl/workbook.xml, named by a staff number and mailbox), reach no table."""
    import zipfile

    people = ("Spina", "Carpenter", "0976077672", "ice_dhs_gov", "icegov-my.sharepoint", "sharepoint.com")
    metadata = ""
    for path in expand_paths([str(ICE)]):
        with zipfile.ZipFile(path) as archive:
            metadata += archive.read("docProps/core.xml").decode() + archive.read("xl/workbook.xml").decode()
    assert all(person in metadata for person in people)  # the workbooks do name them
    everything = json.dumps(snapshot(bundled_db))
    for person in people:
        assert person not in everything


def test_hyperlinks_become_document_addresses(bundled_db):
    with bundled_db.session() as session:
        publication = resolve(session, "participatingAgencies05292025am.xlsx")
        with_url = session.scalar(
            text(
                "SELECT count(*) FROM listing_runs lr JOIN raw_rows r ON r.id = lr.raw_row_id "
                "WHERE lr.series = 'ice/participating' AND lr.first_seq <= :s AND lr.last_seq >= :s AND r.moa_url IS NOT NULL"
            ),
            {"s": publication.seq},
        )
        assert with_url == 425  # the workbook holds 425 hyperlinks, one per linked MOA
        sumner = session.scalars(select(RawRow.moa_url).where(RawRow.moa_url.like("%SumnerCoSOTN_WSO%"))).first()
        assert sumner == "https://www.ice.gov/doclib/287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf"
    typed = [e for e in register_of(bundled_db, "participatingAgencies05162025am.xlsx") if e.problem.startswith("the address is written")]
    assert [e.row for e in typed] == [264]
    addendum = [e for e in register_of(bundled_db, "participatingAgencies05162025am.xlsx") if "names an addendum" in e.problem]
    assert [e.raw_value for e in addendum] == ["link\xa0|\xa0addendum"] * len(addendum) and addendum  # as the cell holds it


def test_addendum_links_from_july(bundled_db):
    with bundled_db.session() as session:
        assert session.scalar(select(func.count()).select_from(RawRow).where(RawRow.addendum_url.is_not(None))) > 0
        assert session.scalar(select(func.count()).select_from(Agreement).where(Agreement.addendum_url.like("https://www.ice.gov/%"))) > 0


def test_duplicate_agreement_counted_as_ice_counts_it(bundled_db):
    entries = [e for e in register_of(bundled_db, "participatingAgencies07092025am.xlsx") if e.category == "duplicate"]
    assert [e.row for e in entries] == [303]
    assert "same agreement" in entries[0].problem
    with bundled_db.session() as session:
        st_cloud = session.scalars(
            select(Agency).where(Agency.state_usps == "FL", Agency.name == "St. Cloud Police Department", Agency.merged_into_id.is_(None))
        ).one()
        agreements = session.scalars(select(Agreement).where(Agreement.agency_id == st_cloud.id, Agreement.merged_into_id.is_(None))).all()
        assert [a.model for a in agreements] == ["TFM"]  # two rows, one agreement
        assert agreements[0].moa_url  # the row that links the signed MOA is preferred
        publication = resolve(session, "participatingAgencies07092025am.xlsx")
        rows = figures.listed(session, publication)
        assert sum(1 for r in rows if r.agency_id == st_cloud.id) == 2  # both rows counted, as ICE counts


# Rows that list an agreement another row of the same list lists, by list: {duplicate row: first row}. In May and
# June the same agency is spelled two ways in one list ("City of St. Cloud Police Department", row 51 of 16 May, and
# "St. Cloud Police Department", row 238; "City of Zephyrhills Police Department" and "Zephyrhills Police
# Department" in June); from July both rows say "St. Cloud Police Department". Counted by hand with openpyxl.
DUPLICATE_ROWS = {
    "participatingAgencies05162025am.xlsx": {238: 51},
    "participatingAgencies05292025am.xlsx": {257: 56},
    "participatingAgencies06172025pm.xlsx": {271: 63, 323: 64},
    "participatingAgencies06202025am.xlsx": {277: 65, 329: 66},
    "participatingAgencies07032025pm.xlsx": {552: 549},
    "participatingAgencies07032025pm__v2.xlsx": {296: 295},
    "participatingAgencies07092025am.xlsx": {303: 302},
}


def test_duplicates_of_every_list_are_registered_and_counted_even_when_spelled_differently(bundled_db):
    with bundled_db.session() as session:
        publications = list_publications(session)
    for publication in publications:
        entries = [e for e in register_of(bundled_db, publication.file_name) if e.category == "duplicate"]
        expected = DUPLICATE_ROWS.get(publication.file_name, {})
        assert {e.row: e.problem for e in entries} == {
            row: f"row {row} lists the same agreement (agency and model) as row {first}" for row, first in expected.items()
        }, publication.file_name
        assert all(e.action == "counted as a listing, as ICE counts rows; one agreement" for e in entries)
        with bundled_db.session() as session:
            raw_of = {m.row_number: m.raw_row_id for m in decode_row_map(session.get(PublicationRows, publication.id).row_map)}
            agency_of = {r.raw_row_id: r.agency_id for r in figures.listed(session, publication)}
            for row, first in expected.items():  # both rows are listings, of one agency (whatever the names say)
                # the live agency of these two rows only: looking it up for every listed row (5,000 lookups in all)
                # was nearly all of the test's time
                live = [_live_agency(session, agency_of[raw_of[r]]) for r in (row, first)]
                assert live[0] == live[1] is not None, (publication.file_name, row)


def _live_agency(session, agency_id):
    while agency_id is not None and (merged := session.get(Agency, agency_id).merged_into_id) is not None:
        agency_id = merged
    return agency_id


def test_same_name_published_twice_orders_by_workbook_metadata(bundled_db):
    with bundled_db.session() as session:
        first = resolve(session, "participatingAgencies07032025pm.xlsx")
        second = resolve(session, "participatingAgencies07032025pm__v2.xlsx")
        assert first.source_modified_at < second.source_modified_at
        assert first.seq < second.seq
        assert in_force(session, "participating", dt.date(2025, 7, 3)).id == second.id
        assert figures.stats(session, dt.date(2025, 7, 3))["participating"]["moas"] == 777


def test_suffixes_tolerated(bundled_db):
    with bundled_db.session() as session:
        b = resolve(session, "pendingAgencies07112025am_b.xlsx")
        assert (b.kind, b.published_on, b.half) == ("pending", dt.date(2025, 7, 11), "am")


def test_as_of_picks_pm_after_am_and_nothing_before_the_first(bundled_db):
    with bundled_db.session() as session:
        assert figures.stats(session, dt.date(2025, 5, 1))["participating"] is None
        assert figures.stats(session, dt.date(2025, 5, 16))["participating"]["moas"] == 571
        assert figures.stats(session, dt.date(2025, 7, 10))["participating"]["moas"] == 807


def test_csv_exports_give_the_same_figures_as_the_workbooks(db, actor):
    ingest_file(db, ICE_CSV / "participatingAgencies05162025am.csv", actor)
    ingest_file(db, ICE_CSV / "pendingAgencies05152025am.csv", actor)
    with db.session() as session:
        csv_figures = figures.stats(session, dt.date(2025, 5, 16))
        csv_register = quality.register(session, resolve(session, "participatingAgencies05162025am.csv"))
    ingest_file(db, ICE / "participating" / "participatingAgencies05162025am.xlsx", actor)
    ingest_file(db, ICE / "pending" / "pendingAgencies05152025am.xlsx", actor)
    with db.session() as session:
        xlsx = figures.participating_figures(session, resolve(session, "participatingAgencies05162025am.xlsx"))
        xlsx_pending = figures.pending_figures(session, resolve(session, "pendingAgencies05152025am.xlsx"))
    for key in ("moas", "states", "agencies", "by_model", "by_agency_type"):
        assert csv_figures["participating"][key] == xlsx[key]
    assert csv_figures["pending"]["listings"] == xlsx_pending["listings"] == 92
    trailing = [e for e in csv_register if e.category == "not_a_listing"]
    assert [(e.row, e.rows_skipped) for e in trailing] == [(573, 14)]
    assert any(e.problem == "a CSV file carries no hyperlinks" for e in csv_register)
    assert sum(1 for e in csv_register if e.problem == "Excel error value instead of county") == 165


def test_ingesting_again_changes_nothing(db, actor):
    path = ICE / "pending" / "pendingAgencies05302025pm.xlsx"
    first = ingest_file(db, path, actor)
    before = snapshot(db)
    again = ingest_file(db, path, actor)
    assert (first.status, again.status) == ("ingested", "unchanged")
    assert again.publication_id == first.publication_id and "nothing changed" in again.notes[0]
    assert snapshot(db) == before


def test_a_different_file_with_the_same_name_is_a_new_publication(db, actor, tmp_path):
    original = ICE / "participating" / "participatingAgencies07032025pm.xlsx"
    ingest_file(db, original, actor)
    renamed = tmp_path / "participatingAgencies07032025pm.xlsx"
    renamed.write_bytes((ICE / "participating" / "participatingAgencies07032025pm__v2.xlsx").read_bytes())
    result = ingest_file(db, renamed, actor)
    assert result.status == "ingested"
    with db.session() as session:
        same_name = session.scalars(select(Publication).where(Publication.file_name == "participatingAgencies07032025pm.xlsx")).all()
        assert len(same_name) == 2


def test_out_of_order_ingest_gives_the_same_figures(db, actor):
    """Runs split and join correctly when an older publication arrives after newer ones."""
    files = sorted((ICE / "participating").glob("*.xlsx"))
    for path in reversed(files):
        ingest_file(db, path, actor)
    with db.session() as session:
        for publication in list_publications(session, "participating"):
            assert len(figures.listed(session, publication)) == publication.listing_count
        assert figures.stats(session, dt.date(2025, 5, 29))["participating"]["by_model"] == {"JEM": 100, "TFM": 307, "WSO": 228}
        order = [p.file_name for p in list_publications(session, "participating")]
    assert order == [p.name for p in files]


def test_audit_event_for_each_ingest(db, actor):
    result = ingest_file(db, ICE / "pending" / "pendingAgencies07032025pm.xlsx", actor)
    with db.engine.connect() as conn:
        events = conn.execute(text("SELECT actor, action, object_id FROM audit_events")).all()
    assert events == [(actor.label, "publication.ingest", str(result.publication_id))]


@pytest.mark.parametrize("first", ["csv", "xlsx"])
def test_a_workbook_and_its_csv_export_of_one_day_are_ordered_alike_whatever_comes_first(db, actor, first):
    """The CSV carries no modification time and the workbook does: the workbook is the later of the two, whichever
    was ingested first (an ingestion time is no modification time), and its links reach the agreements."""
    files = {"csv": ICE_CSV / "participatingAgencies05162025am.csv", "xlsx": ICE / "participating" / "participatingAgencies05162025am.xlsx"}
    ingest_file(db, files[first], actor)
    ingest_file(db, files["xlsx" if first == "csv" else "csv"], actor)
    with db.session() as session:
        assert in_force(session, "participating", dt.date(2025, 5, 16)).file_name == "participatingAgencies05162025am.xlsx"
        linked = session.scalar(select(func.count()).select_from(Agreement).where(Agreement.moa_url.is_not(None), Agreement.merged_into_id.is_(None)))
    assert linked == 416  # as the workbook alone gives them (the CSV carries no links)


def test_wrapped_addresses_written_in_cells_are_never_stored(db, actor, tmp_path):
    identifiers = "data=05%7C02%7Cjohn.doe%40ice.dhs.gov%7Ctenant&sdata=secret&reserved=0"
    wrapped = f"https://nam12.SafeLinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2Fx.pdf&{identifiers}"
    path = tmp_path / "participatingAgencies06012025am.csv"
    path.write_text(
        "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
        f"Texas,Harris County Sheriff's Office,County,Harris,Task Force Model,3/1/2025,{wrapped}\n"
        f"Texas,Harris County Constable,County,Harris,Task Force Model,3/1/2025,MOA: {wrapped} (signed)\n",
        encoding="utf-8",
    )
    ingest_file(db, path, actor)
    with db.session() as session:
        stored = " ".join(session.scalars(select(RawRow.content)))
        register = " ".join(f"{e.raw_value} {e.problem}" for e in quality.register(session, resolve(session, path.name)))
    for text_kept in (stored, register):
        assert "john.doe" not in text_kept.lower() and "safelinks" not in text_kept.lower() and "sdata" not in text_kept
    assert "https://www.ice.gov/doclib/287gMOA/x.pdf" in stored
    assert "2 addresses written in cells wrapped in an e-mail safety redirect" in register


def _live_agreement_facts(db) -> dict:
    with db.session() as session:
        rows = session.execute(
            select(Agency.state_usps, Agency.key, Agreement.model, Agreement.signed_on, Agreement.moa_url, Agreement.addendum_url)
            .join(Agency, Agency.id == Agreement.agency_id)
            .where(Agreement.merged_into_id.is_(None), Agency.merged_into_id.is_(None))
        ).all()
    return {(state, key, model): (signed, moa, addendum) for state, key, model, signed, moa, addendum in rows}


def test_an_older_list_ingested_after_a_newer_one_gives_its_agreements_the_same_facts(db, actor, tmp_path):
    """Walworth County's WSO agreement is listed by the pending list of 30 May and the participating list of
    20 June (signed 2025-06-12), not by that of 9 July: ingesting 20 June after 9 July must still give it its date."""
    files = [ICE / "pending" / "pendingAgencies05302025pm.xlsx", ICE / "participating" / "participatingAgencies06202025am.xlsx", ICE / "participating" / "participatingAgencies07092025am.xlsx"]
    for path in (files[0], files[2], files[1]):
        ingest_file(db, path, actor)
    out_of_order = _live_agreement_facts(db)
    in_order_db, _close = make_database("sqlite", tmp_path / "in-order")  # a copy of the migrated template
    for path in files:
        ingest_file(in_order_db, path, actor)
    in_order = _live_agreement_facts(in_order_db)
    in_order_db.dispose()
    assert out_of_order[("WI", "walworth county sheriffs office", "WSO")] == (dt.date(2025, 6, 12), None, None)
    assert out_of_order == in_order


def test_the_entries_an_ingest_reports_are_the_entries_its_register_lists(db, actor):
    """The count an ingest prints is what `g287 quality` then lists for the publication, county matching's entries
    included (a first list, where every row is new, and a later one, whose rows mostly were stored before)."""
    for path in (ICE / "participating" / "participatingAgencies07092025am.xlsx", ICE / "participating" / "participatingAgencies07032025pm.xlsx"):
        result = ingest_file(db, path, actor)
        with db.session() as session:
            listed = quality.register(session, session.get(Publication, result.publication_id))
        assert result.quality_entries == len(listed)
        assert any("county" in (e.problem + e.action).lower() for e in listed)
