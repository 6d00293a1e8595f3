"""Signed MOA uploads (content-addressed, PDFs only, size-limited) and how the workflow meets the registry: the
registry agency of an applicant, agreements with their source, and applicant agencies linked when a publication
names them."""

import datetime as dt
import io

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from g287.db.models.audit import AuditEvent
from g287.db.models.program import ApplicantAgency
from g287.db.models.registry import Agency, Agreement
from g287.errors import NotFound
from g287.program import agencies, moas, storage
from g287.registry.ingest import ingest_file
from tests.conftest import ICE
from tests.program.world import ADMIN, OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build

PENDING = ICE / "pending" / "pendingAgencies07112025am_b.xlsx"


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_uploads_are_kept_once_by_content(program_files):
    content = SIGNED_PDF.read_bytes()
    first = storage.store_signed_moa(content)
    again = storage.store_signed_moa(content)
    assert first == again and first.pages >= 1
    files = list((program_files / "signed-moas").rglob("*.pdf"))
    assert [f.name for f in files] == [f"{first.sha256}.pdf"]
    assert storage.read_signed_moa(first.sha256) == content


def test_a_missing_file_is_named_by_its_setting_not_by_the_server_path(program_files):
    """The message reaches the public (the signed MOA's page answers 404 with it): it names the setting, never
    where the server keeps its files."""
    stored = storage.store_signed_moa(SIGNED_PDF.read_bytes())
    next((program_files / "signed-moas").rglob("*.pdf")).unlink()
    with pytest.raises(NotFound) as refused:
        storage.read_signed_moa(stored.sha256)
    assert "G287_PROGRAM_FILES_DIR" in str(refused.value) and str(program_files) not in str(refused.value)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "empty"),
        (b"<html>not a pdf</html>", "not a PDF"),
        (b"%PDF-1.7\n" + b"\x00" * 200, "cannot be read"),
        (None, "encrypted"),
    ],
)
def test_bad_uploads_are_refused(program_files, content, problem):
    with pytest.raises(storage.UploadRejected, match=problem):
        storage.store_signed_moa(encrypted_pdf() if content is None else content)
    assert not (program_files / "signed-moas").exists()


def test_upload_size_limit(program_files, monkeypatch):
    monkeypatch.setenv("G287_MAX_UPLOAD_MB", "0.1")
    with pytest.raises(storage.UploadRejected, match="the limit is 0.1 MB"):
        storage.store_signed_moa(SIGNED_PDF.read_bytes())


def test_signatories_and_dates_are_checked(sqlite_db):
    from g287.program.validation import InvalidInput

    with sqlite_db.session() as session:
        w = build(session, "drafted")
        for kwargs, field in (
            ({"signatories": SIGNATORIES[:1]}, "signatories"),
            ({"signatories": [{"name": "", "title": "Sheriff", "party": "agency"}, SIGNATORIES[1]]}, "signatories[0].name"),
            ({"signatories": [{**SIGNATORIES[0], "party": "mayor"}, SIGNATORIES[1]]}, "signatories[0].party"),
            ({"signed_on": TODAY + dt.timedelta(days=1)}, "signed_on"),
            ({"signed_on": "yesterday"}, "signed_on"),
        ):
            arguments = {"pdf": SIGNED_PDF.read_bytes(), "signed_on": TODAY, "signatories": SIGNATORIES, "today": TODAY, **kwargs}
            with pytest.raises(InvalidInput) as error:
                moas.record_signed_moa(session, OFFICER, w.tfm, **arguments)
            assert field in error.value.fields


def test_an_agreement_ice_already_lists_keeps_its_source(db):
    ingest_file(db, PENDING, ADMIN)  # ICE's pending list names agencies and their (unsigned) agreements
    with db.session() as session:
        listed = session.scalars(select(Agreement).where(Agreement.signed_on.is_(None))).first()
        registry_agency = session.get(Agency, listed.agency_id)
        agency = agencies.create_agency(session, ADMIN, registry_agency.name.upper(), registry_agency.state_usps, "county")
        assert agency.registry_agency_id == registry_agency.id and agency.link_rule == agencies.RULE_SAME_KEY
        w = build(session, "agencies")
        from g287.program import applications
        from tests.program.world import letter

        application = applications.submit_letter(session, ADMIN, agency.id, letter(models=[listed.model]), today=TODAY)
        moa = applications.moas_of(session, application.id)[0]
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY)
        moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
        assert moa.registry_agreement_id == listed.id
        # ICE's record keeps what ICE published; the date recorded here stays with the registry's MOA.
        assert (listed.origin, listed.signed_on) == ("ice", None)
        assert moa.signed_on == TODAY
        assert w.agency_a != agency.id


def test_an_applicant_is_linked_when_a_publication_names_it(db):
    with db.session() as session:
        agency = agencies.create_agency(session, ADMIN, "MADISON COUNTY SHERIFFS OFFICE", "AL", "county")
        assert agency.registry_agency_id is None  # nothing ingested yet
    ingest_file(db, PENDING, ADMIN)  # lists "Madison County Sheriff's Office", ALABAMA
    with db.session() as session:
        linked = session.get(ApplicantAgency, agency.id)
        assert linked.link_rule == agencies.RULE_SAME_KEY
        assert session.get(Agency, linked.registry_agency_id).name == "Madison County Sheriff's Office"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "agency.link")).one()
        assert event.actor == "system" and event.object_id == str(agency.id)
