"""The MOA links of the registry's own participating list (g287 program publish). With the site's address
(G287_SITE_URL), each row whose signed PDF the site serves links it from its MOA cell ("link", as ICE's cells say),
so that the list read back (g287 ingest --origin registry) keeps the address and registers no "no MOA document link"
for the row; without it the cell stays empty and each row is registered, as before."""

import datetime as dt
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from fastapi.testclient import TestClient

from g287.db.models.documents import DocumentAddress, DocumentRowLink
from g287.db.models.program import ProgramMoa
from g287.documents.links import link_unlinked_rows
from g287.exports.ice_workbook import rows_of_publication
from g287.db.models.registry import Agreement, Publication
from g287.program import publish
from g287.registry import quality
from g287.registry.batch import ingest_many
from g287.web.app import create_app
from tests.conftest import make_database
from tests.program.world import ADMIN, build

MOMENT = dt.datetime(2025, 7, 1, 14, 30, tzinfo=dt.timezone.utc)
NO_LINK = "no MOA document link"


def _publish(db, folder) -> tuple[Path, int]:
    """The participating workbook published, and the MOA it lists (the world's signed TFM)."""
    with db.session() as session:
        world = build(session, "signed")
    result = publish.publish(db, ADMIN, directory=folder, now=MOMENT)
    participating = next(item for item in result.lists if item.kind == "participating")
    assert participating.status == "published" and participating.rows == 1
    return Path(participating.file), world.tfm


def _read_back(path: Path, tmp_path: Path, actor) -> tuple[list[str | None], list[str]]:
    """The list ingested into a database of its own as `g287 ingest --origin registry` does: its agreements' MOA
    addresses and its register's problems."""
    other, close = make_database("sqlite", tmp_path / "reader")
    try:
        results, errors = ingest_many(other, [path], actor, origin="registry")
        assert errors == [] and len(results) == 1
        with other.session() as session:
            publication = session.get(Publication, results[0].publication_id)
            assert publication.origin == "registry"
            addresses = [a.moa_url for a in session.query(Agreement).filter_by(origin="registry")]
            return addresses, [e.problem for e in quality.register(session, publication)]
    finally:
        close()


def _link_targets(path: Path) -> list[str]:
    """The addresses the sheet's hyperlinks point to, as Excel reads them (the sheet's relationships)."""
    with zipfile.ZipFile(path) as book:
        if "xl/worksheets/_rels/sheet1.xml.rels" not in book.namelist():  # a sheet with no link has none
            return []
        rels = book.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    return re.findall(r'Target="([^"]*)" TargetMode="External"', rels)


def test_with_the_site_address_the_list_links_each_signed_moa_and_registers_no_missing_link(db, tmp_path, actor, monkeypatch):
    monkeypatch.setenv("G287_SITE_URL", "https://g287.example.org/")
    path, moa_id = _publish(db, tmp_path / "lists")
    address = f"https://g287.example.org/program/moas/{moa_id}/signed.pdf"
    assert _link_targets(path) == [address]
    addresses, problems = _read_back(path, tmp_path, actor)
    assert addresses == [address] and NO_LINK not in problems
    with db.session() as session:  # publish ingests the list into its own database too: its listing has the link
        publication = session.query(Publication).filter_by(origin="registry", kind="participating").one()
        assert [row.moa_url for row in rows_of_publication(session, publication)] == [address]
        assert NO_LINK not in [e.problem for e in quality.register(session, publication)]
    # The address is the site's public page of the signed PDF, which anyone may read.
    with TestClient(create_app(db)) as client:
        response = client.get(urlsplit(address).path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"


def test_without_the_site_address_each_row_is_registered_as_having_no_link(db, tmp_path, actor, monkeypatch):
    monkeypatch.delenv("G287_SITE_URL", raising=False)
    path, _ = _publish(db, tmp_path / "lists")
    assert _link_targets(path) == []
    addresses, problems = _read_back(path, tmp_path, actor)
    assert addresses == [None] and problems.count(NO_LINK) == 1


def test_an_moa_with_no_signed_pdf_is_not_linked(sqlite_db, tmp_path, actor, monkeypatch):
    """The site serves no PDF for it (a 404): its row is not linked to one. The services always keep the PDF of an
    MOA recorded as signed; this one lost it by hand."""
    monkeypatch.setenv("G287_SITE_URL", "https://g287.example.org")
    with sqlite_db.session() as session:
        world = build(session, "signed")
        session.get(ProgramMoa, world.tfm).signed_pdf_sha256 = None
    result = publish.publish(sqlite_db, ADMIN, directory=tmp_path / "lists", now=MOMENT)
    path = Path(next(item.file for item in result.lists if item.kind == "participating"))
    assert _link_targets(path) == []
    assert _read_back(path, tmp_path, actor)[1].count(NO_LINK) == 1


@pytest.mark.parametrize(
    "setting, site",
    [
        ("HTTPS://G287.Example.org:8443/", "https://G287.Example.org:8443"),  # a port, capitals, a final slash
        ("https://régistre.example", "https://régistre.example"),  # a host not in ASCII
        ("http://[2001:db8::1]:8000", "http://[2001:db8::1]:8000"),  # an IPv6 host: xlsxwriter wrote %5b2001:db8::1%5d
        ("http://[::1]/", "http://[::1]"),
    ],
)
def test_the_link_is_the_site_address_exactly_whatever_its_characters(sqlite_db, tmp_path, actor, monkeypatch, setting, site):
    """G287_SITE_URL is scheme and host only (a path is refused: test_serve, test_exports), so the MOA's id, a
    number, is the only other part of the address."""
    monkeypatch.setenv("G287_SITE_URL", setting)
    path, moa_id = _publish(sqlite_db, tmp_path / "lists")
    address = f"{site}/program/moas/{moa_id}/signed.pdf"
    assert [cell.hyperlink.target for cell in openpyxl.load_workbook(path).active["G"][1:]] == [address]
    addresses, problems = _read_back(path, tmp_path, actor)
    assert addresses == [address] and NO_LINK not in problems


def test_with_an_ipv6_site_address_the_list_unchanged_is_not_published_again(sqlite_db, tmp_path, monkeypatch):
    """The list read back carried another address than the one written (%5b...%5d for the brackets), so each
    `program publish` found the list changed and published it again, with nothing changed."""
    monkeypatch.setenv("G287_SITE_URL", "http://[2001:db8::1]:8000")
    _publish(sqlite_db, tmp_path / "lists")
    again = publish.publish(sqlite_db, ADMIN, directory=tmp_path / "lists", now=MOMENT + dt.timedelta(days=1))
    assert [(item.kind, item.status) for item in again.lists] == [("participating", "unchanged"), ("pending", "unchanged")]


def test_the_document_archive_leaves_the_registry_s_own_links_alone(db, tmp_path, actor, monkeypatch):
    """The archive holds the documents ICE's lists link; the registry's own list links the site's copies of MOAs the
    program holds already, which `g287 documents sync` would otherwise fetch from the site itself."""
    monkeypatch.setenv("G287_SITE_URL", "https://g287.example.org")
    path, moa_id = _publish(db, tmp_path / "lists")
    assert _link_targets(path) == [f"https://g287.example.org/program/moas/{moa_id}/signed.pdf"]
    with db.session() as session:
        assert session.query(DocumentAddress).count() == 0 and session.query(DocumentRowLink).count() == 0
        # Nor later, by the pass that links the rows stored before the archive existed.
        assert link_unlinked_rows(session.connection()) == 0
        assert session.query(DocumentAddress).count() == 0


def _agreements_shown(db, agency_id: int) -> list[tuple[str, str | None, str, str | None]]:
    """The agency's agreements as its API resource gives them (model, MOA address, source, signed), as the SQLite
    download's agreements table holds them (the agency's page names the registry's own agreements apart, without
    their address)."""
    with TestClient(create_app(db)) as client:
        detail = client.get(f"/api/v1/agencies/{agency_id}").json()
    return [(g["model"], g["moa_url"], g["source"], g["signed"]) for g in detail["agreements"]]


def test_the_publishing_database_shows_the_moa_address_its_list_gives_as_a_database_ingesting_the_list_does(db, tmp_path, actor, monkeypatch):
    """The agreement recorded here (origin "registry", created when the MOA was recorded as signed, with no address)
    kept no MOA address when publish ingested the registry's list, which never updated agreements; a database
    ingesting the same list from scratch created it with the list's address. So the agency's API resource (and the
    agreements table of /exports/g287.sqlite) gave the signed MOA's address in one and not in the other. The registry's own agreements (no list of ICE's holds them) now take the
    facts of the registry's latest participating list, as ICE's agreements take ICE's."""
    monkeypatch.setenv("G287_SITE_URL", "https://g287.example.org")
    with db.session() as session:
        moa_id = build(session, "signed").tfm
        agency_id = session.get(Agreement, session.get(ProgramMoa, moa_id).registry_agreement_id).agency_id
    paths = [Path(item.file) for item in publish.publish(db, ADMIN, directory=tmp_path / "lists", now=MOMENT).lists]
    address = f"https://g287.example.org/program/moas/{moa_id}/signed.pdf"
    published_here = _agreements_shown(db, agency_id)
    other, close = make_database("sqlite", tmp_path / "reader")
    try:
        assert ingest_many(other, paths, actor, origin="registry")[1] == []
        with other.session() as session:
            [other_agency_id] = {a.agency_id for a in session.query(Agreement).filter_by(origin="registry")}
        read_elsewhere = _agreements_shown(other, other_agency_id)
    finally:
        close()
    assert [(model, url, source) for model, url, source, _signed in published_here] == [("TFM", address, "this registry"), ("WSO", None, "this registry")]
    assert published_here == read_elsewhere


def test_the_registry_s_list_leaves_an_agreement_it_created_once_ice_lists_it(sqlite_db, tmp_path, actor):
    """An agreement a registry list created (origin "registry") that ICE's lists hold since is ICE's record: a later
    registry list gives it nothing, as it gives nothing to an agreement ICE's list created."""
    from g287.exports.ice_workbook import IceRow, write_ice_workbook

    def listed(address: str, name: str) -> Path:
        row = IceRow("OHIO", "Franklin County Sheriff's Office", "County", "Franklin", "Task Force Model", dt.date(2025, 5, 1), address)
        write_ice_workbook(tmp_path / name, "participating", [row], modified=dt.datetime(2025, 7, 1, 9))
        return tmp_path / name

    for path, origin in (
        (listed("https://g287.example.org/program/moas/1/signed.pdf", "participatingAgencies07012025am_registry.xlsx"), "registry"),
        (listed("https://www.ice.gov/doc-lib/franklin.pdf", "participatingAgencies07022025am.xlsx"), "ice"),
        (listed("https://g287.example.org/program/moas/2/signed.pdf", "participatingAgencies07032025am_registry.xlsx"), "registry"),
    ):
        assert ingest_many(sqlite_db, [path], actor, origin=origin)[1] == []
    with sqlite_db.session() as session:
        [agreement] = session.query(Agreement).all()
        assert (agreement.origin, agreement.moa_url) == ("registry", "https://www.ice.gov/doc-lib/franklin.pdf")
