"""Signed MOA uploads (content-addressed, PDFs only, size-limited) and how the workflow meets the registry: the
registry agency of an applicant, agreements with their source, and applicant agencies linked when a publication
names them."""

import datetime as dt
import io
import threading
import time

import pytest
from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from g287.db.models.audit import AuditEvent
from g287.db.models.program import ApplicantAgency, ProgramMoa, User
from g287.db.models.registry import Agency, Agreement
from g287.errors import NotFound
from g287.program import accounts, agencies, moas, storage
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


def test_an_agreement_ice_already_lists_keeps_its_source(db, tmp_path, monkeypatch):
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
        listed_id = listed.id
    # Nor does the registry's own list, which lists it signed and linked: it gives its facts to the registry's own
    # agreements only (g287.registry.agencies.upkeep_agreements), never to one ICE's lists hold.
    monkeypatch.setenv("G287_SITE_URL", "https://g287.example.org")
    from g287.program import publish

    result = publish.publish(db, ADMIN, directory=tmp_path / "lists")
    assert ("participating", "published") in [(item.kind, item.status) for item in result.lists]
    with db.session() as session:
        agreement = session.get(Agreement, listed_id)
        assert (agreement.origin, agreement.signed_on, agreement.moa_url) == ("ice", None, None)


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


def test_an_agency_unlinked_by_hand_is_not_linked_again_by_an_ingest_or_a_signature(db, program_files):
    """A program officer unlinks an applicant from the registry's agency of the same name (a namesake, say): the next
    ingest naming it linked them again, as the system, and so did recording its signed MOA. Now neither does; the
    signature is refused until the office links it by hand, with no file kept; a change of name ends the decision."""
    from g287.program import applications
    from g287.program.validation import Conflict
    from tests.program.world import letter

    ingest_file(db, PENDING, ADMIN)  # lists "Madison County Sheriff's Office", ALABAMA
    with db.session() as session:
        agency = agencies.create_agency(session, ADMIN, "MADISON COUNTY SHERIFFS OFFICE", "AL", "county")
        namesake = agency.registry_agency_id
        assert namesake is not None
        unlinked = agencies.link_agency(session, OFFICER, agency.id, None)
        assert (unlinked.registry_agency_id, unlinked.link_rule) == (None, agencies.RULE_UNLINKED_BY_HAND)
        application = applications.submit_letter(session, ADMIN, agency.id, letter(models=["JEM"]), today=TODAY)
        moa = applications.moas_of(session, application.id)[0]
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY)
    ingest_file(db, ICE / "pending" / "pendingAgencies07032025pm.xlsx", ADMIN)  # names it too
    with db.session() as session:
        assert session.get(ApplicantAgency, agency.id).registry_agency_id is None
        assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "agency.link", AuditEvent.actor == "system")).all()
    with pytest.raises(Conflict, match=f"unlinked by a program officer from the registry's agency {namesake}"):
        with db.session() as session:
            moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
    assert not list(program_files.rglob("*.pdf"))
    with db.session() as session:
        agencies.link_agency(session, OFFICER, agency.id, namesake)  # the office decides it is that agency after all
        signed = moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
        assert session.get(Agreement, signed.registry_agreement_id).agency_id == namesake
    with db.session() as session:
        other = agencies.create_agency(session, ADMIN, "Madison County Jail", "AL", "county")
        agencies.link_agency(session, OFFICER, other.id, None)
        renamed = agencies.update_agency(session, ADMIN, other.id, name="Madison County Sheriffs Office Annex", state="AL", agency_type="county")
        assert renamed.link_rule is None  # the decision was about the old name: publications may link the new one


def test_an_moa_signed_again_after_a_termination_gives_the_registrys_agreement_its_date(db, tmp_path):
    """The registry keeps one agreement per agency and model: an MOA of the model signed again after the first was
    terminated kept the first one's date on it, so the agency's page and API said the new MOA was signed then. The
    earlier MOA keeps its dates, the list published while it was in effect keeps its row, and the audit log the date
    replaced."""
    from g287.history.agency import agency_history
    from g287.history.lifecycle import lifecycles
    from g287.program import applications, publish
    from tests.program.world import letter

    with db.session() as session:
        w = build(session, "signed")  # TFM signed 30 days before TODAY
    publish.publish(db, ADMIN, directory=tmp_path / "first")
    with db.session() as session:
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY - dt.timedelta(days=10), today=TODAY)
        again = applications.submit_letter(session, w.user_a, w.agency_a, letter(models=["TFM"]), today=TODAY - dt.timedelta(days=5))
        (moa,) = applications.moas_of(session, again.id)
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY - dt.timedelta(days=4))
        moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=2), signatories=SIGNATORIES, today=TODAY)
        first = session.get(ProgramMoa, w.tfm)
        assert moa.registry_agreement_id == first.registry_agreement_id  # one agreement per agency and model
        registry_agency = session.get(ApplicantAgency, w.agency_a).registry_agency_id
        (agreement,) = [a for a in agency_history(session, registry_agency)["agreements"] if a["model"] == "TFM"]
        assert (agreement["id"], agreement["signed_on"], agreement["source"]) == (moa.registry_agreement_id, "2025-06-29", "this registry")
        assert (first.signed_on, first.terminated_on) == (TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=10))
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.update")).all()
        assert (event.object_id, event.before, event.after) == (str(moa.registry_agreement_id), {"signed_on": "2025-06-01"}, {"signed_on": "2025-06-29", "moa_id": moa.id})
    publish.publish(db, ADMIN, directory=tmp_path / "second")
    with db.session() as session:
        life = lifecycles(session, agency_ids=[registry_agency], origin="registry")[(registry_agency, "TFM")]
        assert [entry["signed"] for entry in life.as_dict()["signed_dates"]] == [["2025-06-01"], ["2025-06-29"]]


def test_an_agreement_ice_has_listed_since_keeps_its_date_when_signed_again(db):
    """Created here, then listed by ICE: ICE's lists give it (its source is ICE's), and a new MOA leaves it as it is."""
    from g287.program import applications
    from tests.program.world import letter

    def signed(session, agency_id: int, day: dt.date) -> ProgramMoa:
        application = applications.submit_letter(session, ADMIN, agency_id, letter(models=["TFM"]), today=day)
        (moa,) = applications.moas_of(session, application.id)
        moas.draft_moa(session, OFFICER, moa.id, today=day)
        return moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=day, signatories=SIGNATORIES, today=TODAY)

    with db.session() as session:
        agency = agencies.create_agency(session, ADMIN, "Madison County Sheriff's Office", "AL", "county")
        first = signed(session, agency.id, TODAY - dt.timedelta(days=30))
        assert session.get(Agreement, first.registry_agreement_id).origin == "registry"
    ingest_file(db, PENDING, ADMIN)  # ICE's pending list names Madison County Sheriff's Office (AL), TFM
    with db.session() as session:
        agreement = session.get(Agreement, first.registry_agreement_id)
        assert agencies.agreement_source(session, agreement) == "ICE"
        moas.terminate_moa(session, OFFICER, first.id, terminated_on=TODAY - dt.timedelta(days=10), today=TODAY)
        again = signed(session, agency.id, TODAY - dt.timedelta(days=2))
        assert again.registry_agreement_id == agreement.id and agreement.signed_on == TODAY - dt.timedelta(days=30)
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.update")).all() == []


def test_an_agreement_keeps_the_date_of_an_moa_still_in_effect_under_it(db):
    """Two applicant agencies linked to one registry agency: the second one's MOA of the model leaves the date of the
    first, still in effect, on their agreement."""
    from g287.program import applications
    from tests.program.world import letter

    with db.session() as session:
        w = build(session, "signed")  # agency A's TFM signed 30 days before TODAY, in effect
        first = session.get(ProgramMoa, w.tfm)
        registry_agency = session.get(ApplicantAgency, w.agency_a).registry_agency_id
        other = agencies.create_agency(session, ADMIN, "Testville County Jail", "FL", "county", registry_agency_id=registry_agency)
        application = applications.submit_letter(session, ADMIN, other.id, letter(models=["TFM"]), today=TODAY - dt.timedelta(days=5))
        (moa,) = applications.moas_of(session, application.id)
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY - dt.timedelta(days=4))
        moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=2), signatories=SIGNATORIES, today=TODAY)
        assert moa.registry_agreement_id == first.registry_agreement_id
        assert session.get(Agreement, first.registry_agreement_id).signed_on == first.signed_on == TODAY - dt.timedelta(days=30)


class Interrupted(Exception):
    """An error after the signed MOA was recorded, before its transaction committed."""


def signed_moa_files(program_files) -> list[str]:
    return sorted(path.name for path in (program_files / "signed-moas").rglob("*.pdf"))


def fail_after_recording(session, moa_id: int, how: str) -> None:
    moas.record_signed_moa(session, OFFICER, moa_id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=1), signatories=SIGNATORIES, today=TODAY)
    if how == "raised":
        raise Interrupted()
    # A row the commit cannot keep (a user name already taken): the commit itself fails.
    taken = session.scalars(select(User.username)).first()
    session.add(User(username=taken, display_name="Twin", role="administrator", password_hash="x", created_at=dt.datetime.now(dt.timezone.utc), password_changed_at=dt.datetime.now(dt.timezone.utc)))


@pytest.mark.parametrize("how", ["raised", "commit failed"])
def test_a_signed_moa_whose_transaction_fails_leaves_no_file(db, program_files, how):
    """The PDF was stored before the transaction committed: a failed commit left a file no row refers to."""
    with db.session() as session:
        w = build(session, "drafted")
        accounts.add_user(session, ADMIN, "olga", "program_officer", password="a long test password 287")
    with pytest.raises(Interrupted if how == "raised" else IntegrityError):
        with db.session(writing=True) as session:
            fail_after_recording(session, w.tfm, how)
    assert signed_moa_files(program_files) == []
    with db.session() as session:
        assert session.get(ProgramMoa, w.tfm).status == "draft"
    # Recorded again, and committed, the file is kept.
    with db.session(writing=True) as session:
        stored = moas.record_signed_moa(session, OFFICER, w.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=1), signatories=SIGNATORIES, today=TODAY)
        digest = stored.signed_pdf_sha256
    assert signed_moa_files(program_files) == [f"{digest}.pdf"]
    assert storage.read_signed_moa(digest) == SIGNED_PDF.read_bytes()


def test_a_failed_signature_never_removes_a_file_a_signed_moa_refers_to(db, program_files):
    """Content-addressed: an upload of the same bytes as an MOA signed before shares its file. Here the file had gone
    missing, so the failed upload wrote it again: the MOA signed before refers to it, so it stays (restored)."""
    with db.session() as session:
        w = build(session, "signed")
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY - dt.timedelta(days=2))
    (kept,) = signed_moa_files(program_files)
    next((program_files / "signed-moas").rglob("*.pdf")).unlink()
    with pytest.raises(Interrupted):
        with db.session(writing=True) as session:
            fail_after_recording(session, w.wso, "raised")
    assert signed_moa_files(program_files) == [kept]
    with db.session() as session:
        assert storage.read_signed_moa(session.get(ProgramMoa, w.tfm).signed_pdf_sha256) == SIGNED_PDF.read_bytes()


def test_a_failed_signature_keeps_the_file_of_the_same_bytes_signed_at_the_same_moment(db, program_files, monkeypatch):
    """Two MOAs signed with the same PDF at once: the first writes the file, the second finds it there and writes
    nothing. The first then fails: its clean-up must not remove the file the second refers to, whichever of them
    has its turn first (the second commits before the check, or writes the file again after the removal)."""
    with db.session() as session:
        w = build(session, "drafted")
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY - dt.timedelta(days=2))
    outcome = {}

    def sign_the_other():
        try:
            with db.session(writing=True) as session:
                outcome["digest"] = moas.record_signed_moa(session, OFFICER, w.wso, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=1), signatories=SIGNATORIES, today=TODAY).signed_pdf_sha256
                time.sleep(0.5)  # recorded, not yet committed, while the first one's clean-up looks for references
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error

    remove_unreferenced = storage._remove_unreferenced

    def late_clean_up(bind, digests):  # the other signature has found the file there by then, and not yet committed
        time.sleep(0.3)
        remove_unreferenced(bind, digests)

    monkeypatch.setattr(storage, "_remove_unreferenced", late_clean_up)
    other = threading.Thread(target=sign_the_other)
    with pytest.raises(Interrupted):
        with db.session(writing=True) as session:
            moas.record_signed_moa(session, OFFICER, w.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=1), signatories=SIGNATORIES, today=TODAY)
            other.start()
            time.sleep(0.5)  # the other signature waits for this transaction's turn
            raise Interrupted()
    other.join(30)
    assert "error" not in outcome and "digest" in outcome, outcome
    assert storage.read_signed_moa(outcome["digest"]) == SIGNED_PDF.read_bytes()
    with db.session() as session:
        assert (session.get(ProgramMoa, w.tfm).status, session.get(ProgramMoa, w.wso).status) == ("draft", "signed")
