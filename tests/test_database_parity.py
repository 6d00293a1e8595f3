"""SQLite and PostgreSQL give the same answers: times, ties and orders that each database would settle its own way."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, text

from g287.db.models.audit import AuditEvent
from g287.registry.ingest import ingest_file
from g287.registry.publications import PublicationInfo, list_publications
from tests.conftest import ICE

UTC = dt.timezone.utc


def test_times_come_back_aware_and_in_utc_from_both_databases(db, actor):
    """SQLite returned stored times naive ("2025-05-15T23:33:17"), PostgreSQL aware ("...+00:00"), so the same
    publication was written two ways by `g287 publications --json`, the API and the pages."""
    ingest_file(db, ICE / "pending" / "pendingAgencies05152025am.xlsx", actor)
    with db.session() as session:
        (publication,) = list_publications(session)
        info = PublicationInfo.of(publication)
    assert info.source_modified_at == "2025-05-14T23:43:33+00:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", info.imported_at)  # as README writes a time
    assert publication.imported_at.tzinfo is not None and publication.imported_at.utcoffset() == dt.timedelta(0)


def test_a_time_with_another_offset_is_stored_as_the_same_moment(db):
    """SQLite kept a time's clock reading and dropped its offset: 10:00-05:00 came back as 10:00 (UTC), five hours
    early; PostgreSQL kept the moment."""
    eastern = dt.timezone(dt.timedelta(hours=-5))
    with db.session(writing=True) as session:
        session.add(AuditEvent(at=dt.datetime(2025, 7, 3, 22, 30, tzinfo=eastern), actor="system", action="test.time", object_type="test"))
    with db.session() as session:
        at = session.scalars(select(AuditEvent.at).where(AuditEvent.action == "test.time")).one()
    assert at == dt.datetime(2025, 7, 4, 3, 30, tzinfo=UTC)
    assert at.utcoffset() == dt.timedelta(0)


def test_times_are_utc_whatever_the_postgresql_session_time_zone(db):
    """PostgreSQL returns a time in the session's time zone (the server's setting): read in New York, a time was
    written with -04:00 where SQLite writes UTC."""
    with db.session(writing=True) as session:
        session.add(AuditEvent(at=dt.datetime(2025, 7, 4, 3, 30, tzinfo=UTC), actor="system", action="test.zone", object_type="test"))
    with db.session() as session:
        if db.dialect_name == "postgresql":
            session.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
        at = session.scalars(select(AuditEvent.at).where(AuditEvent.action == "test.zone")).one()
    assert at.isoformat() == "2025-07-04T03:30:00+00:00"


def test_merges_made_at_one_moment_are_listed_in_the_order_they_were_made(db, actor):
    """An agency absorbed with several names gives one merge per name, all at one moment: ordered by their time
    only, they came in the order each database happened to read them (PostgreSQL: as its rows lie in the table,
    which a restored or rewritten table need not keep in the order of their ids; SQLite: by id)."""
    from g287.db.models.history import IdentityMerge
    from g287.db.models.registry import AgencyName
    from g287.history.review import merges_of

    ingest_file(db, ICE / "pending" / "pendingAgencies05152025am.xlsx", actor)
    at = dt.datetime(2025, 6, 1, 12, tzinfo=UTC)
    with db.session(writing=True) as session:
        survivor, first, second = session.execute(select(AgencyName.agency_id, AgencyName.id).order_by(AgencyName.id).limit(3)).all()
        for merge_id, (agency_id, name_id) in ((1002, second), (1001, first)):  # the later merge lies first
            session.add(IdentityMerge(id=merge_id, agency_name_id=name_id, from_agency_id=agency_id, to_agency_id=survivor[0], rule="test", confidence=1.0, evidence={}, actor="test", at=at))
            session.flush()
    with db.session() as session:
        names = {name_id: name for name_id, name in session.execute(select(AgencyName.id, AgencyName.name))}
        listed = [m["name"] for m in merges_of(session, survivor[0])]
    assert listed == [names[first[1]], names[second[1]]]


def test_the_program_lists_names_in_the_same_order_whatever_the_postgresql_collation(db, actor):
    """PostgreSQL orders text by its collation, SQLite by code point: in a database made with the usual en_US
    collation "de Soto" came before "DeKalb" (case and punctuation ignored) only on PostgreSQL. The column's
    collation stands in for the database's here."""
    from g287.db.models.program import ApplicantAgency
    from g287.program.agencies import list_agencies

    names = ["DeKalb County Sheriff", "Saint Lucie Police", "St. Lucie County Sheriff", "de Soto County Sheriff", "Éloy Police"]
    with db.session(writing=True) as session:
        if db.dialect_name == "postgresql":
            session.execute(text('ALTER TABLE applicant_agencies ALTER COLUMN name TYPE varchar(255) COLLATE "en-US-x-icu"'))
        for index, name in enumerate(reversed(names)):
            session.add(ApplicantAgency(name=name, name_key=f"key{index}", state_usps="FL", agency_type="county", created_at=dt.datetime.now(UTC)))
    with db.session() as session:
        listed = [a.name for a in list_agencies(session, actor)]
    assert listed == sorted(names)


PENDING_TWICE = (
    "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE\n"
    "NEW MEXICO,Española Police Department,Municipality,Rio Arriba County,Task Force Model\n"
    "TEXAS,Ábilene Police,Municipality,Taylor County,Task Force Model\n"
    "TEXAS,abilene police,Municipality,Taylor County,Task Force Model\n"
    "TEXAS,Abilene Police,Municipality,Taylor County,Warrant Service Officer\n"
)


def test_an_agencys_rows_and_an_agreements_name_do_not_depend_on_the_database(db, actor, tmp_path):
    """An agreement ICE lists twice at once under two names: its runs came in the order of each database's plan, so
    the agency's rows were listed in another order on each, and its lifecycle's name (the first of its latest rows)
    was "abilene police" on PostgreSQL's agency page but "Ábilene Police" in its agreements list and on SQLite."""
    from g287.history.agency import agency_history, find_agencies
    from g287.history.lifecycle import lifecycles

    path = tmp_path / "pendingAgencies07142025am.csv"
    path.write_text(PENDING_TWICE, encoding="utf-8")
    ingest_file(db, path, actor)
    with db.session() as session:
        (agency,) = find_agencies(session, "Abilene Police")
        history = agency_history(session, agency.id)
        every = lifecycles(session)
    (listing,) = history["listings"]
    assert [row["name"] for row in listing["rows"]] == ["Ábilene Police", "abilene police", "Abilene Police"]  # as the list gives them
    assert listing["row_numbers_first"] == [3, 4, 5]
    assert {a["model"]: a["lifecycle"]["name"] for a in history["agreements"]} == {"TFM": "Ábilene Police", "WSO": "Abilene Police"}
    assert every[(agency.id, "TFM")].name == "Ábilene Police"


def test_a_name_is_found_in_any_case_of_its_accented_letters(db, actor, tmp_path):
    """SQLite's lower() and LIKE fold the case of ASCII letters only: `g287 agency ÉLOY` found "Éloy Police
    Department" on PostgreSQL, and `g287 agency éloy` or `cañon` nothing on SQLite."""
    from g287.history.agency import find_agencies

    path = tmp_path / "participatingAgencies07152025am.csv"
    path.write_text(
        "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
        "ARIZONA,Éloy Police Department,Municipality,Pinal County,Task Force Model,2025-04-01,link pending\n"
        "COLORADO,CAÑON CITY POLICE DEPARTMENT,Municipality,Fremont County,Task Force Model,2025-04-01,link pending\n"
        "FLORIDA,Lake_City 100% Police,Municipality,Columbia County,Task Force Model,2025-04-01,link pending\n",
        encoding="utf-8",
    )
    ingest_file(db, path, actor)
    with db.session() as session:
        found = {text: [a.name for a in find_agencies(session, text)] for text in ("ÉLOY", "éloy", "cañon", "Cañon City", "e_c", "100%", "%")}
    assert found == {
        "ÉLOY": ["Éloy Police Department"],
        "éloy": ["Éloy Police Department"],
        "cañon": ["CAÑON CITY POLICE DEPARTMENT"],
        "Cañon City": ["CAÑON CITY POLICE DEPARTMENT"],
        "e_c": ["Lake_City 100% Police"],
        "100%": ["Lake_City 100% Police"],
        "%": ["Lake_City 100% Police"],
    }


def test_an_action_prefix_is_read_in_its_own_case_on_both_databases(db):
    """The audit log's `--action moa.` was a LIKE: case-insensitive on SQLite, so `--action MOA.` listed every moa.
    event there and none on PostgreSQL, while an exact action (`MOA.DRAFT`) matched nothing on either."""
    from g287.access import Actor
    from g287.program.audit_log import AuditFilter, read_events

    with db.session(writing=True) as session:
        for action in ("moa.draft", "moa_x.draft", "nominee.create"):
            session.add(AuditEvent(at=dt.datetime(2025, 7, 4, tzinfo=UTC), actor="system", action=action, object_type="test"))
    with db.session() as session:
        found = {prefix: [e["action"] for e in read_events(session, Actor.command_line(), AuditFilter(action=prefix))] for prefix in ("moa.", "MOA.", "moa_x.", "Nominee.")}
    assert found == {"moa.": ["moa.draft"], "MOA.": [], "moa_x.": ["moa_x.draft"], "Nominee.": []}
