"""The whole journey at the service level, on SQLite and PostgreSQL: an agency user submits a letter for TFM and
WSO; it appears on the public pending list; a program officer drafts and records the TFM MOA; a nominee with one
year of experience is refused for TFM with the reason; another qualifies, fails the exam once, passes the
remediation, is certified and authorized; the registry publishes its lists and the agreement appears in the
registry's public figures, which `g287 ingest --origin registry` reads back the same."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.db.models.program import ApplicantAgency
from g287.db.models.registry import Agreement
from g287.errors import NotFound
from g287.program import agencies, applications, moas, nominees, publish, training, views
from g287.program.applications import moas_of
from g287.program.training import NotEligible
from g287.program.validation import Conflict
from g287.registry import figures
from tests.in_process import run_g287
from tests.program.world import ADMIN, OFFICER, PUBLIC, SIGNATORIES, SIGNED_PDF, TODAY, letter, years_ago


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_whole_journey(db, tmp_path):
    with db.session() as session:
        agency = agencies.create_agency(session, ADMIN, "Journey County Sheriff's Office", "FL", "county", county="Journey County")
    user = Actor("agency_user", "user:501", 501, agency.id)

    # 1. The agency user submits a letter of interest for TFM and WSO.
    with db.session() as session:
        before = audit_count(session)
        application = applications.submit_letter(session, user, agency.id, letter(models=["WSO", "TFM"]), today=TODAY - dt.timedelta(days=90))
        tfm, wso = moas_of(session, application.id)
        assert (tfm.model, wso.model, tfm.status, wso.status) == ("TFM", "WSO", "requested", "requested")
        assert audit_count(session) == before + 1
    with db.session() as session:
        pending = views.public_pending(session, PUBLIC)
        assert [(r["agency"]["name"], r["model"], r["stage"]) for r in pending] == [("Journey County Sheriff's Office", "TFM", "pending"), ("Journey County Sheriff's Office", "WSO", "pending")]
        with pytest.raises(Conflict, match="already has an open or signed TFM MOA"):
            applications.submit_letter(session, user, agency.id, letter(models=["TFM"]))

    # 2. The program officer drafts and records the TFM MOA.
    with db.session() as session:
        moas.draft_moa(session, OFFICER, tfm.id, today=TODAY - dt.timedelta(days=60))
        moa = moas.record_signed_moa(session, OFFICER, tfm.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=45), signatories=SIGNATORIES, today=TODAY)
        assert moa.status == "signed" and moa.signed_pdf_bytes == SIGNED_PDF.stat().st_size
        agreement = session.get(Agreement, moa.registry_agreement_id)
        assert (agreement.model, agreement.origin, agreement.signed_on) == ("TFM", "registry", TODAY - dt.timedelta(days=45))
        assert session.get(ApplicantAgency, agency.id).registry_agency_id == agreement.agency_id
        assert moas.signed_document(session, PUBLIC, tfm.id).content == SIGNED_PDF.read_bytes()
        with pytest.raises(Conflict):
            moas.record_signed_moa(session, OFFICER, tfm.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
    with db.session() as session:
        participating = views.public_participating(session, PUBLIC)
        assert [(r["model"], r["stage"], r["source"]) for r in participating] == [("TFM", "participating", "this registry")]
        live = views.program_figures(session, PUBLIC, TODAY)
        assert live["participating"]["by_model"] == {"JEM": 0, "TFM": 1, "WSO": 0} and live["pending"]["by_model"] == {"JEM": 0, "TFM": 0, "WSO": 1}

    # 3. A nominee with one year of experience is refused for TFM, with the reason.
    with db.session() as session:
        novice = nominees.nominate(session, user, tfm.id, full_name="Nova Novice", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(1), "end": None}], today=TODAY)
        nominees.record_background(session, OFFICER, novice.id, result="passed", completed_on=TODAY - dt.timedelta(days=30), today=TODAY)
        with pytest.raises(NotEligible) as refused:
            training.enrol(session, OFFICER, novice.id, enrolled_on=TODAY, today=TODAY)
        assert refused.value.reasons == ["has 1 year (365 days) of sworn law enforcement experience on 2025-07-01; the Task Force Model requires at least 2 years"]
        assert "not eligible for the Task Force Model: has 1 year" in str(refused.value)  # by its name, as the reason names it
        assert nominees.nominee_detail(session, user, novice.id, as_of=TODAY)["standing"]["status"] == "ineligible"

    # 4. Another nominee qualifies, fails the exam once, passes the remediation and is certified.
    with db.session() as session:
        vera = nominees.nominate(session, user, tfm.id, full_name="Vera Veteran", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(8), "end": None}], nominated_on=TODAY - dt.timedelta(days=40), today=TODAY)
        nominees.record_background(session, OFFICER, vera.id, result="passed", completed_on=TODAY - dt.timedelta(days=30), today=TODAY)
        assert nominees.eligibility(session, user, vera.id, as_of=TODAY).eligible
        training.enrol(session, OFFICER, vera.id, enrolled_on=TODAY - dt.timedelta(days=20), today=TODAY)
        first = training.record_exam(session, OFFICER, vera.id, score=64, taken_on=TODAY - dt.timedelta(days=10), today=TODAY)
        assert first.status == "remediation_due"
        with pytest.raises(Conflict, match="has not passed the course"):
            training.certify(session, OFFICER, vera.id, certified_on=TODAY, today=TODAY)
        second = training.record_exam(session, OFFICER, vera.id, score=81, taken_on=TODAY - dt.timedelta(days=8), today=TODAY)
        assert second.status == "passed" and second.remedial_used == 1
        certification = training.certify(session, OFFICER, vera.id, certified_on=TODAY - dt.timedelta(days=5), today=TODAY)
        assert certification.expires_on == dt.date(2027, 6, 26) and certification.refresher_due_on == dt.date(2026, 6, 26)
        detail = nominees.nominee_detail(session, user, vera.id, as_of=TODAY)
        assert [e["remedial"] for e in detail["exams"]] == [False, True]
        assert detail["standing"] == {"status": "certified", "authorized": True, "reasons": []}
        officers = training.authorized_officers(session, OFFICER, as_of=TODAY)
        assert [(o["full_name"], o["model"], o["agency"]) for o in officers] == [("Vera Veteran", "TFM", "Journey County Sheriff's Office")]
        assert training.authorized_officers(session, OFFICER, as_of=dt.date(2027, 6, 26)) == []  # expired

    # 5. The registry publishes its lists; the agreement appears in the registry's public figures.
    with db.session() as session:
        assert figures.stats(session, TODAY, origin="registry")["participating"] is None
    result = publish.publish(db, ADMIN, directory=tmp_path / "lists")
    assert [(item.kind, item.status, item.rows) for item in result.lists] == [("participating", "published", 1), ("pending", "published", 1)]
    stats = result.figures
    assert stats["participating"]["source"] == "this registry" and stats["participating"]["by_model"] == {"JEM": 0, "TFM": 1, "WSO": 0}
    assert (stats["participating"]["moas"], stats["participating"]["agencies"], stats["participating"]["states"]) == (1, 1, 1)
    assert stats["pending"]["by_model"] == {"JEM": 0, "TFM": 0, "WSO": 1}
    with db.session() as session:
        assert figures.stats(session, origin="ice")["participating"] is None  # ICE's series untouched
        assert session.get(Agreement, moa.registry_agreement_id).origin == "registry"
        wso_agreement = session.scalars(select(Agreement).where(Agreement.model == "WSO")).one()
        assert wso_agreement.origin == "registry" and wso_agreement.signed_on is None  # named by the registry's pending list
    again = publish.publish(db, ADMIN, directory=tmp_path / "lists")
    assert [item.status for item in again.lists] == ["unchanged", "unchanged"]

    # 6. `g287 ingest --origin registry` reads the published workbooks back to the same figures.
    other = tmp_path / "other.sqlite"
    files = [item.file for item in result.lists]
    status, _, err = run_g287(f"sqlite:///{other}", "ingest", "--origin", "registry", *files)
    assert status == 0, err
    from g287.db.engine import Database

    reread = Database(f"sqlite:///{other}")
    try:
        with reread.session() as session:
            back = figures.stats(session, origin="registry")
            assert figures.stats(session, origin="ice")["participating"] is None
    finally:
        reread.dispose()
    for kind, keys in (("participating", ("moas", "agencies", "states", "by_model", "source")), ("pending", ("listings", "agencies", "states", "by_model", "source"))):
        for key in keys:
            assert back[kind][key] == stats[kind][key], (kind, key)


def test_a_terminated_agreement_leaves_the_lists_and_its_officers_lose_authorization(db, tmp_path):
    from tests.program.world import build

    with db.session() as session:
        w = build(session, "certified")
    publish.publish(db, ADMIN, directory=tmp_path)
    with db.session() as session:
        assert [o["nominee_id"] for o in training.authorized_officers(session, OFFICER, as_of=TODAY)] == [w.nominees["veteran"]]
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY, today=TODAY)
        assert training.authorized_officers(session, OFFICER, as_of=TODAY) == []
        standing = nominees.nominee_detail(session, OFFICER, w.nominees["veteran"], as_of=TODAY)["standing"]
        assert standing["authorized"] is False and "not in effect" in standing["reasons"][0]
        assert views.public_participating(session, PUBLIC) == []
    result = publish.publish(db, ADMIN, directory=tmp_path)
    assert [(i.kind, i.status, i.rows) for i in result.lists] == [("participating", "published", 0), ("pending", "unchanged", 1)]
    assert result.figures["participating"]["moas"] == 0  # an empty list replaces the one that had the agreement


def test_the_moas_termination_ends_the_nominations_still_running_and_says_so(db):
    """README: a nominee leaves the MOA on its termination. A nominee eligible, or enrolled, read "eligible" or "in
    training" with nothing said of the termination, as if the course could go on; then the termination was said in
    the standing's reasons, which the lists of nominees do not show: they still called them eligible, in training."""
    from tests.program.world import build

    with db.session() as session:
        w = build(session, "certified")
        trainee = nominees.nominate(session, w.user_a, w.tfm, full_name="Terry Trainee", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(5)}], nominated_on=TODAY - dt.timedelta(days=20), today=TODAY)
        nominees.record_background(session, OFFICER, trainee.id, result="passed", completed_on=TODAY - dt.timedelta(days=19), today=TODAY)
        training.enrol(session, OFFICER, trainee.id, enrolled_on=TODAY - dt.timedelta(days=18), today=TODAY)
        waiting = nominees.nominate(session, w.user_a, w.tfm, full_name="Wes Waiting", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(5)}], nominated_on=TODAY - dt.timedelta(days=20), today=TODAY)
        nominees.record_background(session, OFFICER, waiting.id, result="passed", completed_on=TODAY - dt.timedelta(days=19), today=TODAY)
        before = {n: nominees.nominee_detail(session, OFFICER, n, as_of=TODAY)["standing"] for n in (trainee.id, waiting.id)}
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY, today=TODAY)
        ended = f"the TFM MOA {w.tfm} was terminated on {TODAY.isoformat()}: the nomination ended"
        assert nominees.nominee_detail(session, OFFICER, trainee.id, as_of=TODAY)["standing"] == {
            "status": "nomination_ended", "authorized": False, "reasons": [ended, "in the course then: to sit: final examination"],
        }
        assert nominees.nominee_detail(session, w.user_a, waiting.id, as_of=TODAY)["standing"] == {"status": "nomination_ended", "authorized": False, "reasons": [ended]}
        novice = nominees.nominee_detail(session, OFFICER, w.nominees["novice"], as_of=TODAY)["standing"]
        assert novice["status"] == "nomination_ended" and novice["reasons"][0] == ended and "requires at least 2 years" in novice["reasons"][1]
        # The lists show the standing and whether eligible, without the standing's reasons: neither says "eligible"
        # or "in training" of them, and the reason the list gives is the termination.
        listed = {row["id"]: row for row in nominees.list_nominees(session, w.user_a, moa_id=w.tfm, as_of=TODAY)}
        for nominee_id in (trainee.id, waiting.id, w.nominees["novice"]):
            assert (listed[nominee_id]["standing"], listed[nominee_id]["eligible"], listed[nominee_id]["reasons"][-1]) == ("nomination_ended", False, ended)
        assert (listed[w.nominees["veteran"]]["standing"], listed[w.nominees["veteran"]]["eligible"]) == ("certified", False)  # certified, not authorized
        listed_before = {row["id"]: row for row in nominees.list_nominees(session, w.user_a, moa_id=w.tfm, as_of=TODAY - dt.timedelta(days=1))}
        assert [(listed_before[n]["standing"], listed_before[n]["eligible"]) for n in (trainee.id, waiting.id)] == [("in_training", True), ("eligible", True)]
        # Nor are they counted as eligible or in training any longer (the summary counted them so).
        (row,) = [r for r in training.summary(session, OFFICER, as_of=TODAY) if r["model"] == "TFM" and r["agency_id"] == w.agency_a]
        assert (row["moa_status"], row["eligible"], row["in_training"]) == ("terminated", 0, 0)
        (row_before,) = [r for r in training.summary(session, OFFICER, as_of=TODAY - dt.timedelta(days=1)) if r["model"] == "TFM" and r["agency_id"] == w.agency_a]
        assert (row_before["moa_status"], row_before["in_training"]) == ("signed", 1) and row_before["eligible"] >= 2
        # The day before the termination, the nominations ran: nothing said of it.
        assert {n: nominees.nominee_detail(session, OFFICER, n, as_of=TODAY - dt.timedelta(days=1))["standing"] for n in (trainee.id, waiting.id)} == before
        with pytest.raises(Conflict, match="not in effect"):
            training.record_exam(session, OFFICER, trainee.id, score=90, taken_on=TODAY, today=TODAY)


def test_a_failed_step_changes_nothing(db):
    from tests.conftest import snapshot
    from tests.program.world import build

    with db.session() as session:
        w = build(session, "signed")
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY)
    before = snapshot(db)
    with pytest.raises(NotFound):  # another agency's MOA is, to its users, no such MOA
        with db.session() as session:
            nominees.nominate(session, w.user_b, w.tfm, full_name="Intruder", us_citizen=True)
    from g287.program.storage import UploadRejected

    with pytest.raises(UploadRejected):
        with db.session() as session:
            moas.record_signed_moa(session, OFFICER, w.wso, pdf=b"not a pdf", signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
    assert snapshot(db) == before


def test_an_moa_not_drafted_is_not_recorded_as_signed(db):
    """The MOA is drafted from its model's template, then signed (README, Program workflow, step 2): recording an MOA
    never drafted as signed is refused (409) and changes nothing, the uploaded PDF not kept either."""
    from tests.conftest import snapshot
    from tests.program.world import build
    from g287.program import settings

    with db.session() as session:
        w = build(session, "submitted")
    before = snapshot(db)
    files = settings.program_files_dir()
    kept = sorted(files.rglob("*"))
    with pytest.raises(Conflict, match=f"MOA {w.tfm} has not been drafted: draft it from the model's template before recording it as signed"):
        with db.session() as session:
            moas.record_signed_moa(session, OFFICER, w.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
    assert snapshot(db) == before
    assert sorted(files.rglob("*")) == kept
    with db.session() as session:
        moas.draft_moa(session, OFFICER, w.tfm, today=TODAY)
        assert moas.record_signed_moa(session, OFFICER, w.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY).status == "signed"
